package dev.winrpc.async.bench;

import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;

/** The simulator settings the call benchmarks rely on. */
final class Simulators {

    /** The simulator's scripted C server. */
    static final String PEER = SimControl.SIM_PEER_ENDPOINT;

    private Simulators() {
    }

    /** No fault plan, no reply delay, a clear misuse record. */
    static void resetForCalls() {
        SimControl sim = Simulator.control();
        sim.sim_reset();
        sim.sim_set_fault_plan(null);
        sim.sim_set_reply_delay(0);
    }
}
