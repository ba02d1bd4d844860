package dev.winrpc.async.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link SimBehavioursHook} at work: every try of a jqwik property starts under the behaviours
 * {@value SimBehaviours#PROPERTY} asks for, whatever the try before it left.
 */
class SimBehavioursPropertyTest {

    @Property(tries = 5)
    void everyTryStartsUnderTheRequestedBehaviours(@ForAll int ignored) {
        SimControl sim = Simulator.control();
        int requested = SimBehaviours.requested();
        assertEquals(SimBehaviours.names(requested), SimBehaviours.names(sim.sim_behaviours()));
        sim.sim_set_behaviours(~requested & SimControl.SIM_BEHAVIOURS_ALL); // the next try must not see this
    }
}
