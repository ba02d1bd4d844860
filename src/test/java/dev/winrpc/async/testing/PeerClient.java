package dev.winrpc.async.testing;

import dev.winrpc.async.testing.SimControl.SIM_PEER_CALL;
import dev.winrpc.async.testing.SimControl.SIM_PEER_RESULT;

/**
 * The simulator's scripted client (sim_peer_call_start / sim_peer_call_wait): one fixture call
 * made from a simulator thread, following the pipe state page's client tables, with APC
 * notifications to its own thread.
 */
public final class PeerClient {

    private PeerClient() {
    }

    /**
     * A call description with no cancel and no disconnect.
     *
     * @param op SIM_OP_*
     * @return the description
     */
    public static SIM_PEER_CALL call(int op) {
        SIM_PEER_CALL c = new SIM_PEER_CALL();
        c.op = op;
        c.cancel_after_ms = -1;
        c.disconnect_after_chunks = -1;
        return c;
    }

    /**
     * Starts the call.
     *
     * @param endpoint the server's endpoint
     * @param call what to call
     * @return the call's id
     */
    public static int start(String endpoint, SIM_PEER_CALL call) {
        int id = Simulator.control().sim_peer_call_start(FixtureHost.stringBinding(endpoint), call);
        if (id == 0) {
            throw new AssertionError("sim_peer_call_start(" + endpoint + ") could not start the call");
        }
        return id;
    }

    /**
     * Waits for a call started with {@link #start}.
     *
     * @param id its id
     * @param timeoutMs the bound
     * @return what the scripted client saw
     */
    public static SIM_PEER_RESULT await(int id, int timeoutMs) {
        SIM_PEER_RESULT r = new SIM_PEER_RESULT();
        if (Simulator.control().sim_peer_call_wait(id, timeoutMs, r) != 1) {
            throw new AssertionError("the scripted client's call " + id + " did not end within "
                    + timeoutMs + " ms");
        }
        return r;
    }

    /**
     * Makes the call and waits for it.
     *
     * @param endpoint the server's endpoint
     * @param call what to call
     * @param timeoutMs the bound
     * @return what the scripted client saw
     */
    public static SIM_PEER_RESULT run(String endpoint, SIM_PEER_CALL call, int timeoutMs) {
        return await(start(endpoint, call), timeoutMs);
    }

    /**
     * @param r a result
     * @return it, readable
     */
    public static String describe(SIM_PEER_RESULT r) {
        return "status " + r.status + ", reply " + r.reply + ", out_b " + r.out_b
                + ", out_elements " + r.out_elements + ", out_sum " + r.out_sum
                + ", events_seen 0x" + Integer.toHexString(r.events_seen);
    }
}
