package dev.winrpc.async.soak;

import dev.winrpc.async.testing.SimControl;
import java.util.Random;

/**
 * The simulator's fault plan for one block of lifecycles (set at a checkpoint, when no call is
 * in flight, so every lifecycle knows the plan it ran under). Half the blocks run without
 * faults, so that the strict outcomes (a call nobody disturbed must succeed) are checked
 * throughout; the others draw push and pull failures, the scripted server's fault replies and
 * the scripted client's disconnects, random delays and the deterministic *_at faults.
 *
 * <p>Dropped notifications are not drawn: the library documents no recovery from a notification
 * that never comes (it bounds only the waits Microsoft leaves open: a non-abortive cancel, a
 * server's null push); the simulator drops them to test its scripted peers, which poll.
 */
record FaultMix(int block, SimControl.SIM_FAULT_PLAN plan) {

    /** The scripted server's fault code for fault_reply. */
    static final int PLANNED_FAULT = 0x3456;

    /**
     * @param seed the soak's seed
     * @param block the block's number
     * @return the block's plan (none for block 0 and about half the others)
     */
    static FaultMix draw(long seed, int block) {
        Random r = new Random(seed ^ (0x5DEECE66DL * (block + 1)));
        if (block == 0 || r.nextBoolean()) {
            return new FaultMix(block, null);
        }
        SimControl.SIM_FAULT_PLAN p = new SimControl.SIM_FAULT_PLAN();
        p.seed = r.nextLong();
        p.fault_code = PLANNED_FAULT;
        p.push_fail_ppm = ppm(r);
        p.pull_fail_ppm = ppm(r);
        p.fault_reply_ppm = ppm(r);
        p.disconnect_ppm = ppm(r);
        p.max_delay_ms = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 0;
        p.client_push_fail_at = at(r);
        p.server_push_fail_at = at(r);
        p.client_pull_fail_at = at(r);
        p.server_pull_fail_at = at(r);
        p.client_send_delay_at = at(r);
        p.server_send_delay_at = at(r);
        p.send_delay_ms = 1 + r.nextInt(5);
        return new FaultMix(block, p);
    }

    private static int ppm(Random r) {
        return r.nextInt(3) == 0 ? 0 : 20_000 + r.nextInt(150_000);
    }

    private static int at(Random r) {
        return r.nextInt(4) == 0 ? 1 + r.nextInt(4) : 0;
    }

    /** @return true if faults are in force */
    boolean faulty() {
        return plan != null;
    }

    @Override
    public String toString() {
        if (plan == null) {
            return "block " + block + ": no faults";
        }
        return "block " + block + ": faults seed " + plan.seed + ", push " + plan.push_fail_ppm + " ppm, pull "
                + plan.pull_fail_ppm + " ppm, fault reply " + plan.fault_reply_ppm + " ppm, disconnect "
                + plan.disconnect_ppm + " ppm, delay <= " + plan.max_delay_ms + " ms, push fail at "
                + plan.client_push_fail_at + "/" + plan.server_push_fail_at + ", pull fail at " + plan.client_pull_fail_at
                + "/" + plan.server_pull_fail_at + ", send delay at " + plan.client_send_delay_at + "/"
                + plan.server_send_delay_at + " (" + plan.send_delay_ms + " ms)";
    }
}
