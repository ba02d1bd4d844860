package dev.winrpc.async.bench;

import dev.winrpc.async.call.PipeBlock;
import dev.winrpc.async.call.PipeBlocks;
import dev.winrpc.async.call.PipeView;
import dev.winrpc.async.call.PipeWriter;
import java.util.function.Consumer;

/**
 * What the pipe benchmark's Java client and server do with a pipe's data, the same on both
 * sides and the same as winrpcbench.c's C client and server, through the zero-copy API the
 * README recommends for bulk data: a sender computes a chunk into a reused {@code int[]} and
 * writes it with one bulk {@link PipeBlock#write(long, int[], int, int)} into a block of a small
 * {@link PipeBlocks} pool, then sends the block ({@link PipeWriter#zeroCopy}); a receiver copies
 * the {@link PipeView} its lending reader gives it into a reused {@code int[]} with one bulk
 * {@link PipeView#read(long, int[], int, int)} and sums that. (Per-element {@code getInt} /
 * {@code setInt} work too, but each is a checked call, about three times the cost of the bulk
 * copy and a plain loop; the library itself copies nothing.) A sender hands the library two
 * blocks at first and then each block again as soon as it is back in its pool
 * ({@link PipeWriter#post}: no future per block, the pool's return is the signal): the library
 * pushes the second when the first has been sent and gives the first back after that push, so
 * one block is refilled while the other is sent. The C side does the same with its one buffer,
 * which the runtime copies at each push: it makes the next chunk before it waits for the
 * previous one's RpcSendComplete.
 */
final class PipeStreams {

    private PipeStreams() {
    }

    /**
     * A side's reused {@code int[]}: a sender computes its chunk there, a receiver copies its
     * view there. Each side (client, server) keeps one for sending and one for receiving from
     * call to call, so that the benchmark's own arrays are not counted as the library's heap
     * per MiB (they were: a 64 KiB chunk's array per call and per direction, about 8 KB per MiB).
     */
    static final class Scratch {
        private int[] ints = new int[0];

        /** @return an array of at least n ints (its content is whatever was there) */
        int[] of(int n) {
            if (ints.length < n) {
                ints = new int[n];
            }
            return ints;
        }
    }

    /** @return 0 + 1 + ... + (n - 1), with 32-bit wrap-around (what PipeSum replies for 0..n-1) */
    static int rangeSum(int n) {
        return (int) ((long) n * (n - 1) / 2);
    }

    /**
     * Sends {@code start, start + 1, ..., start + count - 1} through a zero-copy writer in
     * blocks of the pool's size, then finishes the pipe. The next block is filled and sent when
     * the previous one is back in the pool ({@link PipeBlocks#onReturn}, which the library runs
     * on its dispatcher thread once the block has been sent): no future per block.
     */
    static final class Feeder {
        private final PipeWriter<PipeBlock> writer;
        private final PipeBlocks pool;
        private final int end;
        private final int[] source;
        private final int add;
        private int next;
        private boolean finished;
        private final Scratch scratch;

        /**
         * @param writer attached to a call
         * @param pool two blocks free now, each of the chunk's size
         * @param scratch the sending side's, used by one feeder at a time
         * @param start the first value
         * @param count how many
         */
        Feeder(PipeWriter<PipeBlock> writer, PipeBlocks pool, Scratch scratch, int start, int count) {
            this(writer, pool, scratch, null, 0, start, count);
        }

        /**
         * A feeder of kept elements, each plus {@code add} (the echo server's replay, as the C
         * server adds in place before each push).
         *
         * @param writer attached to a call
         * @param pool two blocks free now, each of the chunk's size
         * @param scratch the sending side's, used by one feeder at a time
         * @param source the elements; null to send the values {@code start, start + 1, ...}
         * @param add added to each element of source
         * @param start the first value or index
         * @param count how many
         */
        Feeder(PipeWriter<PipeBlock> writer, PipeBlocks pool, Scratch scratch, int[] source, int add, int start,
                int count) {
            this.writer = writer;
            this.pool = pool;
            this.scratch = scratch;
            this.source = source;
            this.add = add;
            this.next = start;
            this.end = start + count;
        }

        /**
         * Sends two blocks (or finishes an empty pipe): the library pushes the second when the
         * first has been sent. Each block's return sends the next: the pool needs two blocks.
         */
        void start() {
            pool.onReturn(this::sendNext);
            sendNext();
            sendNext();
        }

        /** On the dispatcher thread once started; synchronized for the start, on another thread. */
        private synchronized void sendNext() {
            if (next == end) {
                if (!finished) {
                    finished = true;
                    writer.finish();
                }
                return;
            }
            PipeBlock b = pool.tryAcquire();
            if (b == null) {
                throw new IllegalStateException("no free block: " + pool);
            }
            int n = Math.min(b.capacity(), end - next);
            int[] a = scratch.of(n);
            int from = next;
            int[] src = source;
            if (src == null) {
                for (int i = 0; i < n; i++) {
                    a[i] = from + i;
                }
            } else {
                int plus = add;
                for (int i = 0; i < n; i++) {
                    a[i] = src[from + i] + plus;
                }
            }
            b.write(0, a, 0, n); // one bulk copy: cheaper than n checked setInt calls
            next += n;
            writer.post(b.count(n)); // no future: the block's return is the signal; a failure fails the call
        }
    }

    /**
     * What a lending reader's {@code forEach} does with each view: copies its ints out with one
     * bulk read and sums them; the echo server's also keeps them, in one array reused from call
     * to call (as the C server pulls into a buffer it keeps), for a {@link Feeder} to send back.
     * Runs on the call's dispatcher thread.
     */
    static final class Summer implements Consumer<PipeView> {
        /** Where the elements are kept, or null. */
        private final int[] keep;
        private int sum;
        private int count;
        /** Where a chunk is copied out of its view, when nothing is kept. */
        private final Scratch scratch;

        /**
         * A summer that keeps nothing.
         *
         * @param scratch the receiving side's, used by one summer at a time
         */
        Summer(Scratch scratch) {
            this.keep = null;
            this.scratch = scratch;
        }

        /** @param keep where to keep every element; large enough for the whole pipe */
        Summer(int[] keep) {
            this.keep = keep;
            this.scratch = null;
        }

        @Override
        public void accept(PipeView v) {
            int n = v.count();
            int[] a;
            int at;
            if (keep != null) {
                if (count + n > keep.length) {
                    throw new IllegalStateException("more than " + keep.length + " elements to keep");
                }
                a = keep;
                at = count;
            } else {
                a = scratch.of(n);
                at = 0;
            }
            v.read(0, a, at, n); // one bulk copy out of the lent buffer: cheaper than n checked getInt calls
            int s = sum;
            for (int i = at; i < at + n; i++) {
                s += a[i];
            }
            sum = s;
            count += n;
        }

        /** @return the sum; read after the end of the pipe */
        int sum() {
            return sum;
        }

        int count() {
            return count;
        }
    }
}
