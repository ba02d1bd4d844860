package dev.winrpc.async.call;

import dev.winrpc.async.testing.SimControl;
import java.util.function.LongPredicate;

/**
 * The simulator's fault-plan generator (sim_rpc.c: mix64, stream_seed, sim_rng_next,
 * sim_rng_chance, rng_delay) replayed in Java, so that a test can pick a plan seed that makes
 * exactly the k-th push or pull of one side fail, or one send take long: the failure paths of
 * the tables in the middle of a pipe, deterministically.
 *
 * <p>Each call of the simulator draws from generators seeded with (plan seed, the call's
 * sequence number since sim_set_fault_plan, a stream number). A side's pushes and pulls draw
 * from its fault stream, in the order they happen, and only when their ppm is strictly between
 * 0 and 1,000,000 (a pull draws only when it would complete); each push draws one delay from
 * the side's delay stream when max_delay_ms is not 0, and so does the server's completion.
 */
public final class FaultSeeds {

    /** Stream numbers of sim_rpc.c. */
    public static final int CLIENT_FAULT = 1;
    public static final int SERVER_FAULT = 2;
    public static final int CLIENT_DELAY = 3;
    public static final int SERVER_DELAY = 4;
    public static final int CLIENT_DROP = 5;
    public static final int SERVER_DROP = 6;
    public static final int RECV_DELAY = 7;

    private FaultSeeds() {
    }

    static long mix64(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long streamSeed(long seed, int seq, int stream) {
        return mix64(seed ^ mix64(((long) seq << 16) ^ stream));
    }

    /** One of a call's generators. */
    public static final class Stream {
        private long s;

        /**
         * @param seed the plan's seed
         * @param seq the call's sequence number (1 for the first call after the plan was set)
         * @param stream one of the stream numbers
         */
        public Stream(long seed, int seq, int stream) {
            this.s = streamSeed(seed, seq, stream);
        }

        long next() {
            s += 0x9e3779b97f4a7c15L;
            long z = s;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }

        /** @return sim_rng_chance */
        public boolean chance(int ppm) {
            if (ppm == 0) {
                return false;
            }
            if (ppm >= 1_000_000) {
                return true;
            }
            return Long.remainderUnsigned(next(), 1_000_000L) < ppm;
        }

        /** @return rng_delay */
        public int delay(int maxMs) {
            if (maxMs == 0) {
                return 0;
            }
            return (int) Long.remainderUnsigned(next(), maxMs + 1L);
        }
    }

    /**
     * @param seq the call's sequence number
     * @param stream the stream
     * @param ppm the probability of each draw
     * @param pattern one boolean per draw: true where the draw must hit
     * @return a predicate over seeds: the stream's first draws follow the pattern
     */
    public static LongPredicate draws(int seq, int stream, int ppm, boolean... pattern) {
        return seed -> {
            Stream r = new Stream(seed, seq, stream);
            for (boolean hit : pattern) {
                if (r.chance(ppm) != hit) {
                    return false;
                }
            }
            return true;
        };
    }

    /**
     * @param passes how many draws must miss first
     * @return the pattern: {@code passes} misses, then one hit
     */
    public static boolean[] failAt(int passes) {
        boolean[] p = new boolean[passes + 1];
        p[passes] = true;
        return p;
    }

    /**
     * @param n how many draws
     * @return the pattern: n misses
     */
    public static boolean[] none(int n) {
        return new boolean[n];
    }

    /**
     * @param condition what the seed must satisfy
     * @return the smallest seed from 1 up that does
     * @throws AssertionError if none below 10,000,000 does
     */
    public static long find(LongPredicate condition) {
        for (long seed = 1; seed < 10_000_000L; seed++) {
            if (condition.test(seed)) {
                return seed;
            }
        }
        throw new AssertionError("no seed below 10,000,000 fits");
    }

    /**
     * A plan with the given seed and nothing else.
     *
     * @param seed its seed
     * @return the plan, to be filled in further
     */
    public static SimControl.SIM_FAULT_PLAN plan(long seed) {
        SimControl.SIM_FAULT_PLAN p = new SimControl.SIM_FAULT_PLAN();
        p.seed = seed;
        return p;
    }
}
