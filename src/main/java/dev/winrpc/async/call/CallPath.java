package dev.winrpc.async.call;

import dev.winrpc.async.pipe.PipeState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The states a call went through, and the one it is in: entered on the dispatcher thread, read
 * from any thread. Not a CopyOnWriteArrayList: a pipe call makes two or three transitions per
 * chunk, and copying the whole path on each of them made a streaming call quadratic in its
 * number of chunks. Each state entered is also told to the call's {@link CallTrace}.
 */
final class CallPath {

    /** How many parts {@link #bounded()} shows at most (the first half and the last, "..." between). */
    static final int BOUNDED_PARTS = 24;

    private final List<PipeState> states = Collections.synchronizedList(new ArrayList<>());
    private final CallTrace trace;
    private volatile PipeState current;

    /** @param trace told of each state entered, or null */
    CallPath(CallTrace trace) {
        this.trace = trace;
    }

    /** @param s the state the call enters (dispatcher thread, or before the call is shared) */
    void enter(PipeState s) {
        PipeState from = current;
        current = s;
        states.add(s);
        if (trace != null) {
            trace.moved(from, s);
        }
    }

    /** @return the state the call is in, or null before its first */
    PipeState current() {
        return current;
    }

    /** @return a copy of every state entered, from the first */
    List<PipeState> snapshot() {
        return Collections.unmodifiableList(new ArrayList<>(states));
    }

    /**
     * The path in a form whose length does not grow with the call's chunks: a state or a pair of
     * states repeated is shown once with its count ({@code PS x1000}, {@code (PS WS) x1000}), and
     * a path of more than {@link #BOUNDED_PARTS} such parts keeps its first and last ones with
     * {@code ...} between, e.g. {@code C, WS, (PS WS) x1000, NP, WNP, COMP, END}.
     *
     * @return the bounded path
     */
    String bounded() {
        return bounded(snapshot(), BOUNDED_PARTS);
    }

    /**
     * @param path states, first first
     * @param maxParts at most this many parts are shown (at least 3)
     * @return the bounded form of {@link #bounded()}
     */
    static String bounded(List<PipeState> path, int maxParts) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < path.size()) {
            int best = 1;
            int bestRepeats = 1;
            for (int len = 1; len <= 2; len++) {
                int repeats = 1;
                while (i + (repeats + 1) * len <= path.size() && sameRun(path, i, i + repeats * len, len)) {
                    repeats++;
                }
                if (repeats > 1 && repeats * len > bestRepeats * best) {
                    best = len;
                    bestRepeats = repeats;
                }
            }
            if (bestRepeats > 1) {
                parts.add((best == 1 ? path.get(i).name() : "(" + path.get(i) + " " + path.get(i + 1) + ")")
                        + " x" + bestRepeats);
            } else {
                parts.add(path.get(i).name());
            }
            i += best * bestRepeats;
        }
        if (parts.size() > maxParts) {
            int head = maxParts / 2;
            int tail = maxParts - head - 1;
            List<String> cut = new ArrayList<>(parts.subList(0, head));
            cut.add("...");
            cut.addAll(parts.subList(parts.size() - tail, parts.size()));
            parts = cut;
        }
        return String.join(", ", parts);
    }

    private static boolean sameRun(List<PipeState> path, int a, int b, int len) {
        for (int k = 0; k < len; k++) {
            if (path.get(a + k) != path.get(b + k)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return states.toString();
    }
}
