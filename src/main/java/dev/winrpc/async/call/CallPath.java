package dev.winrpc.async.call;

import dev.winrpc.async.pipe.PipeState;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * The states a call went through, and the one it is in: entered on the dispatcher thread, read
 * from any thread. Kept as runs, a state or a pair of states with a count ({@code PS x3},
 * {@code (PS WS) x1000}), so that a streaming call, two or three transitions per chunk, keeps a
 * path of a few runs however long it streams. At most {@link #MAX_RUNS} runs are kept: past
 * that (a long and irregular path) the first {@link #HEAD_RUNS} stay and the oldest of the
 * others are dropped, counted. Each state entered is also told to the call's {@link CallTrace}.
 */
final class CallPath {

    /** How many parts {@link #bounded()} shows at most (the first half and the last, "..." between). */
    static final int BOUNDED_PARTS = 24;
    /** The most runs kept. */
    static final int MAX_RUNS = 64;
    /** The first runs, always kept. */
    static final int HEAD_RUNS = 16;

    /** One state ({@code b} null) or a pair of states, {@code count} times in a row. */
    static final class Run {
        /** Final but for a spare single run, reused by {@link #append}. */
        PipeState a;
        final PipeState b;
        long count;

        Run(PipeState a, PipeState b, long count) {
            this.a = a;
            this.b = b;
            this.count = count;
        }

        long length() {
            return b == null ? count : 2 * count;
        }

        PipeState at(long i) {
            return b == null || i % 2 == 0 ? a : b;
        }

        @Override
        public String toString() {
            String s = b == null ? a.name() : "(" + a + " " + b + ")";
            return count == 1 ? s : s + " x" + count;
        }
    }

    private final CallTrace trace;
    // Guarded by this.
    private final List<Run> runs = new ArrayList<>();
    /** A single run taken off the list, for the next one (see {@link #append}); under this. */
    private Run spare;
    /** States dropped from the middle. */
    private long dropped;
    private volatile PipeState current;

    /** @param trace told of each state entered, or null */
    CallPath(CallTrace trace) {
        this.trace = trace;
    }

    /** @param s the state the call enters (dispatcher thread, or before the call is shared) */
    void enter(PipeState s) {
        PipeState from = current;
        current = s;
        synchronized (this) {
            spare = append(runs, s, spare);
            if (runs.size() > MAX_RUNS) {
                dropped += runs.remove(HEAD_RUNS).length();
            }
        }
        if (trace != null) {
            trace.moved(from, s);
        }
    }

    /**
     * Adds a state to runs: it extends the last run if it repeats it (a state again, or the
     * second half of a pair that came round again), and three single states y x y followed by
     * x become the pair (y x) x2. Only the last three runs are looked at.
     *
     * @param runs the runs so far
     * @param s the next state
     * @param spare a single run no longer in any list, reused for a new single run, or null
     * @return the spare to pass next time: a single run this call took off, or the one given if
     *         unused, or null
     */
    static Run append(List<Run> runs, PipeState s, Run spare) {
        int n = runs.size();
        Run last = n > 0 ? runs.get(n - 1) : null;
        if (last != null && last.b == null && last.a == s) {
            last.count++;
            return spare;
        }
        if (last != null && last.b == null && last.count == 1 && n >= 2) {
            Run prev = runs.get(n - 2);
            if (prev.b != null && prev.a == last.a && prev.b == s) {
                // (a b) xN, a, then b: (a b) x(N+1). The single run taken off is the spare that
                // the next "a" reuses, so a long stream of pairs allocates nothing per pair.
                prev.count++;
                return runs.remove(n - 1);
            }
            if (n >= 3) {
                Run first = runs.get(n - 3);
                if (first.b == null && first.count == 1 && prev.b == null && prev.count == 1
                        && first.a == last.a && prev.a == s) {
                    runs.subList(n - 3, n).clear(); // y, x, y, then x: (y x) x2
                    runs.add(new Run(last.a, s, 2));
                    return spare;
                }
            }
        }
        if (spare != null) {
            spare.a = s;
            spare.count = 1;
            runs.add(spare);
            return null;
        }
        runs.add(new Run(s, null, 1));
        return null;
    }

    /** @return how many runs are kept */
    synchronized int runs() {
        return runs.size();
    }

    /**
     * @return the index in {@link #snapshot()} of the first state after the states dropped from
     *         the middle, or -1 while nothing was dropped; once something was, the first
     *         {@link #HEAD_RUNS} runs never change, so the index does not either
     */
    synchronized int gap() {
        if (dropped == 0) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < HEAD_RUNS && i < runs.size(); i++) {
            n += runs.get(i).length();
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** @return the state the call is in, or null before its first */
    PipeState current() {
        return current;
    }

    /**
     * The path as a list read from a copy of the runs: its memory is that of the runs, not of
     * the states. When runs were dropped (see the class) it holds the first and the last runs'
     * states only.
     *
     * @return the states entered, from the first
     */
    List<PipeState> snapshot() {
        Run[] copy;
        synchronized (this) {
            copy = new Run[runs.size()];
            for (int i = 0; i < copy.length; i++) {
                Run r = runs.get(i);
                copy[i] = new Run(r.a, r.b, r.count);
            }
        }
        return new Expanded(copy);
    }

    /** A list of states over runs, without expanding them. */
    private static final class Expanded extends AbstractList<PipeState> {
        private final Run[] runs;
        private final int size;

        Expanded(Run[] runs) {
            this.runs = runs;
            long n = 0;
            for (Run r : runs) {
                n += r.length();
            }
            this.size = (int) Math.min(n, Integer.MAX_VALUE);
        }

        @Override
        public PipeState get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("state " + index + " of a path of " + size);
            }
            long i = index;
            for (Run r : runs) {
                if (i < r.length()) {
                    return r.at(i);
                }
                i -= r.length();
            }
            throw new IndexOutOfBoundsException(String.valueOf(index));
        }

        @Override
        public int size() {
            return size;
        }
    }

    /**
     * The path in a form whose length does not grow with the call's chunks: its runs
     * ({@code PS x1000}, {@code (PS WS) x1000}), and for a path of more than
     * {@link #BOUNDED_PARTS} runs (or one whose middle was dropped) the first and last ones
     * with {@code ...} between, e.g. {@code C, WS, (PS WS) x1000, NP, WNP, COMP, END}.
     *
     * @return the bounded path
     */
    String bounded() {
        List<String> parts = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < runs.size(); i++) {
                if (i == HEAD_RUNS && dropped > 0) {
                    parts.add("...");
                }
                parts.add(runs.get(i).toString());
            }
        }
        return cut(parts, BOUNDED_PARTS);
    }

    /**
     * @param path states, first first
     * @param maxParts at most this many parts are shown (at least 3)
     * @return the bounded form of {@link #bounded()}
     */
    static String bounded(List<PipeState> path, int maxParts) {
        List<Run> runs = new ArrayList<>();
        for (PipeState s : path) {
            append(runs, s, null);
        }
        List<String> parts = new ArrayList<>();
        for (Run r : runs) {
            parts.add(r.toString());
        }
        return cut(parts, maxParts);
    }

    private static String cut(List<String> parts, int maxParts) {
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

    @Override
    public String toString() {
        return bounded();
    }
}
