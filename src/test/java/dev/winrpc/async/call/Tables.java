package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.winrpc.async.pipe.PipeInput;
import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.pipe.PipeProtocol;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.pipe.Side;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Paths through the tables: writing the expected ones, and checking walks. */
public final class Tables {

    private Tables() {
    }

    /**
     * A path written as the page abbreviates it.
     *
     * @param parts each a String of space-separated states ("C WS P WS"), or a list of states
     * @return the states in order
     */
    public static List<PipeState> path(Object... parts) {
        List<PipeState> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof String s) {
                for (String name : s.trim().split("\\s+")) {
                    if (!name.isEmpty()) {
                        out.add(PipeState.valueOf(name));
                    }
                }
            } else if (p instanceof Collection<?> c) {
                for (Object o : c) {
                    out.add((PipeState) o);
                }
            } else {
                throw new IllegalArgumentException(String.valueOf(p));
            }
        }
        return out;
    }

    /**
     * @param n how many times
     * @param states space-separated states
     * @return them, n times over
     */
    public static List<PipeState> rep(int n, String states) {
        List<PipeState> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.addAll(path(states));
        }
        return out;
    }

    /**
     * Where one state can go to another: the inputs of the table that lead there.
     *
     * @param call the call whose table to use
     * @param from a state
     * @param to a state
     * @return the inputs, empty if none
     */
    public static List<PipeInput> inputsBetween(AsyncCall<?> call, PipeState from, PipeState to) {
        List<PipeInput> found = new ArrayList<>();
        for (PipeInput in : PipeInput.values()) {
            PipeState next = call.protocol().next(from, in).orElse(null);
            if (next == to) {
                found.add(in);
            }
        }
        return found;
    }

    /**
     * Checks that a call's path is a walk of its table from the initial state to END: every
     * consecutive pair is a transition of the table for some input (except across
     * {@link AsyncCall#pathGap()}, where states were left out).
     *
     * @param call the call, ended
     * @return null if it is, else what is wrong
     */
    public static String walkProblem(AsyncCall<?> call) {
        List<PipeState> p = call.path();
        PipeState initial = call.side() == Side.CLIENT ? PipeState.C : PipeState.D;
        if (p.isEmpty() || p.get(0) != initial) {
            return call.title() + ": the path " + p + " does not start in " + initial;
        }
        int gap = call.pathGap(); // states left out of a long irregular path: no transition there
        for (int i = 1; i < p.size(); i++) {
            if (i != gap && inputsBetween(call, p.get(i - 1), p.get(i)).isEmpty()) {
                return call.title() + ": the path " + p + " has " + p.get(i - 1) + " -> " + p.get(i)
                        + " (step " + i + "), which no input of the table allows";
            }
        }
        if (p.get(p.size() - 1) != PipeState.END) {
            return call.title() + ": the path " + p + " does not end in END";
        }
        return null;
    }

    /** Waits (bounded) for the call to end, then asserts {@link #walkProblem} finds nothing. */
    public static void assertValidWalk(AsyncCall<?> call) {
        Await.ended(call);
        String problem = walkProblem(call);
        if (problem != null) {
            throw new AssertionError(problem);
        }
    }

    /**
     * Asserts a call's exact path, and that it is a walk of its table. Waits (bounded) for the
     * call to end first when the path expected ends in END: the other side's future may complete
     * before this call has taken its last step.
     *
     * @param expected the path
     * @param call the call
     */
    public static void assertPath(List<PipeState> expected, AsyncCall<?> call) {
        if (!expected.isEmpty() && expected.get(expected.size() - 1) == PipeState.END) {
            Await.ended(call);
        }
        assertEquals(expected, call.path(), call.title() + ": path");
        assertValidWalk(call);
    }
}
