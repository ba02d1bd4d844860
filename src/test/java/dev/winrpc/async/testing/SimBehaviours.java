package dev.winrpc.async.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runtime simulator's behaviours (simulator/src/winrpcsim.h, {@code SIM_BEHAVIOUR_*}) by
 * name, and the system property that switches them on for every test.
 *
 * <p>Where Microsoft's documentation leaves a behaviour of the runtime open, the simulator plays
 * the reading marked {@code STRICT:} in its source; each behaviour makes it play a harsher one
 * the documentation also allows (docs/reference/runtime-behaviours.md), so that the library is
 * shown to survive all of them. {@value #PROPERTY} names the ones to play, comma-separated
 * ({@code APC_EVENT_AT_RUN,BACK_PRESSURE}), or is empty or unset for none. Test support applies
 * it before every test ({@link SimulatorOracleExtension} for JUnit tests, {@link SimBehavioursHook}
 * for every try of a jqwik property) and records it in the test's report; {@code sim_reset()}
 * after each test clears it. A test may also set behaviours itself through
 * {@link SimControl#sim_set_behaviours}.
 */
public final class SimBehaviours {

    /** The system property naming the behaviours every test runs under. */
    public static final String PROPERTY = "winrpc.sim.behaviours";

    /** The report entry's key. */
    public static final String REPORT_KEY = "simulator behaviours";

    /** The behaviours, each with its bit. */
    public enum Behaviour {
        /** {@link SimControl#SIM_BEHAVIOUR_APC_EVENT_AT_RUN}. */
        APC_EVENT_AT_RUN(SimControl.SIM_BEHAVIOUR_APC_EVENT_AT_RUN),
        /** {@link SimControl#SIM_BEHAVIOUR_INITIAL_SEND_COMPLETE}. */
        INITIAL_SEND_COMPLETE(SimControl.SIM_BEHAVIOUR_INITIAL_SEND_COMPLETE),
        /** {@link SimControl#SIM_BEHAVIOUR_COLLAPSE_SEND_COMPLETES}. */
        COLLAPSE_SEND_COMPLETES(SimControl.SIM_BEHAVIOUR_COLLAPSE_SEND_COMPLETES),
        /** {@link SimControl#SIM_BEHAVIOUR_CALL_COMPLETE_BEFORE_DRAIN}. */
        CALL_COMPLETE_BEFORE_DRAIN(SimControl.SIM_BEHAVIOUR_CALL_COMPLETE_BEFORE_DRAIN),
        /** {@link SimControl#SIM_BEHAVIOUR_BACK_PRESSURE}. */
        BACK_PRESSURE(SimControl.SIM_BEHAVIOUR_BACK_PRESSURE),
        /** {@link SimControl#SIM_BEHAVIOUR_SEND_COMPLETE_APC_ONLY}. */
        SEND_COMPLETE_APC_ONLY(SimControl.SIM_BEHAVIOUR_SEND_COMPLETE_APC_ONLY);

        private final int bit;

        Behaviour(int bit) {
            this.bit = bit;
        }

        /** @return its SIM_BEHAVIOUR_* bit */
        public int bit() {
            return bit;
        }
    }

    private SimBehaviours() {
    }

    /**
     * Parses a list of behaviour names.
     *
     * @param spec comma-separated names (spaces around them allowed), or null or blank for none
     * @return the mask
     * @throws IllegalArgumentException naming a name that is not a behaviour: a typo must not
     *     silently run the tests under none
     */
    public static int parse(String spec) {
        int mask = 0;
        if (spec == null || spec.isBlank()) {
            return 0;
        }
        for (String part : spec.split(",", -1)) {
            String name = part.trim();
            Behaviour b = null;
            for (Behaviour c : Behaviour.values()) {
                if (c.name().equals(name.toUpperCase(Locale.ROOT))) {
                    b = c;
                }
            }
            if (b == null) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + spec + ": \"" + name
                        + "\" is not a simulator behaviour; the behaviours are "
                        + List.of(Behaviour.values()));
            }
            mask |= b.bit();
        }
        return mask;
    }

    /**
     * @param mask SIM_BEHAVIOUR_* bits
     * @return their names, comma-separated, in bit order, or "none"
     */
    public static String names(int mask) {
        List<String> out = new ArrayList<>();
        for (Behaviour b : Behaviour.values()) {
            if ((mask & b.bit()) != 0) {
                out.add(b.name());
            }
        }
        int unknown = mask & ~SimControl.SIM_BEHAVIOURS_ALL;
        if (unknown != 0) {
            out.add(String.format("0x%X", unknown));
        }
        return out.isEmpty() ? "none" : String.join(",", out);
    }

    /** @return the behaviours {@value #PROPERTY} asks for */
    public static int requested() {
        return parse(System.getProperty(PROPERTY));
    }

    /**
     * Switches on the behaviours {@value #PROPERTY} asks for (and only those) for the calls
     * started from now on, and checks that the simulator took them.
     *
     * @return the mask in force
     * @throws AssertionError if behaviours are asked for where there is no simulator (on real
     *     Windows: they cannot be played there), or the simulator did not take them
     */
    public static int apply() {
        int mask = requested();
        if (FixtureRuntime.onRealWindows()) {
            if (mask != 0) {
                throw new AssertionError("-D" + PROPERTY + " asks for simulator behaviours ("
                        + names(mask) + "), but this run is against the real rpcrt4, which plays "
                        + "its own: unset it");
            }
            return 0;
        }
        SimControl sim = Simulator.control();
        sim.sim_set_behaviours(mask);
        int got = sim.sim_behaviours();
        if (got != mask) {
            throw new AssertionError("asked the simulator for behaviours " + names(mask)
                    + " but it plays " + names(got));
        }
        return mask;
    }
}
