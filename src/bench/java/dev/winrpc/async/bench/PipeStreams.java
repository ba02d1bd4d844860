package dev.winrpc.async.bench;

import dev.winrpc.async.call.PipeBlock;
import dev.winrpc.async.call.PipeBlocks;
import dev.winrpc.async.call.PipeView;
import dev.winrpc.async.call.PipeWriter;
import java.util.ArrayList;
import java.util.List;
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
 * blocks at first and then each block again as soon as it is back in its pool: the library
 * pushes the second when the first has been sent and gives the first back after that push, so
 * one block is refilled while the other is sent. The C side does the same with its one buffer,
 * which the runtime copies at each push: it makes the next chunk before it waits for the
 * previous one's RpcSendComplete.
 */
final class PipeStreams {

    private PipeStreams() {
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
        private int next;
        private boolean finished;
        private int[] scratch = new int[0];

        /**
         * @param writer attached to a call
         * @param pool at least one block free now, each of the chunk's size
         * @param start the first value
         * @param count how many
         */
        Feeder(PipeWriter<PipeBlock> writer, PipeBlocks pool, int start, int count) {
            this.writer = writer;
            this.pool = pool;
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
            int[] a = scratch(n);
            for (int i = 0; i < n; i++) {
                a[i] = next + i;
            }
            b.write(0, a, 0, n); // one bulk copy: cheaper than n checked setInt calls
            next += n;
            writer.send(b.count(n)); // a failure fails the call: whoever waits for it sees that
        }

        private int[] scratch(int n) {
            if (scratch.length < n) {
                scratch = new int[n];
            }
            return scratch;
        }
    }

    /**
     * Sends blocks it is given (the echo server's, already holding each element plus its
     * {@code a}), one at a time as {@link Feeder} does, the next when the previous is back in
     * its pool, then finishes the pipe.
     */
    static final class Replayer {
        private final PipeWriter<PipeBlock> writer;
        private final List<PipeBlock> blocks;
        private final PipeBlocks pool;
        private int next;
        private boolean finished;

        Replayer(PipeWriter<PipeBlock> writer, List<PipeBlock> blocks, PipeBlocks pool) {
            this.writer = writer;
            this.blocks = blocks;
            this.pool = pool;
        }

        void start() {
            pool.onReturn(this::sendNext);
            sendNext();
            sendNext(); // two in the library's hands: the second is pushed when the first is sent
        }

        private synchronized void sendNext() {
            if (finished) {
                return; // a block back after the end
            }
            if (next == blocks.size()) {
                finished = true;
                blocks.clear();
                writer.finish();
                return;
            }
            writer.send(blocks.get(next++)); // a failure fails the call: the client sees that
        }
    }

    /**
     * What a lending reader's {@code forEach} does with each view: sums its ints; optionally
     * (the echo server) also writes each one plus {@code add} into blocks of a pool, packed
     * full, for a {@link Replayer}. Runs on the call's dispatcher thread.
     */
    static final class Summer implements Consumer<PipeView> {
        private final PipeBlocks keepIn;
        private final int add;
        private final List<PipeBlock> kept;
        private PipeBlock filling;
        private int filled;
        private int sum;
        private int count;
        /** The chunk copied out of the view, reused. */
        private int[] chunk = new int[0];

        /** A summer that keeps nothing. */
        Summer() {
            this(null, 0);
        }

        /**
         * @param keepIn where to keep each element plus add, or null
         * @param add added to each kept element
         */
        Summer(PipeBlocks keepIn, int add) {
            this.keepIn = keepIn;
            this.add = add;
            this.kept = keepIn != null ? new ArrayList<>() : null;
        }

        @Override
        public void accept(PipeView v) {
            int n = v.count();
            if (chunk.length < n) {
                chunk = new int[n];
            }
            int[] a = chunk;
            v.read(0, a, 0, n); // one bulk copy out of the lent buffer: cheaper than n checked getInt calls
            int s = sum;
            count += n;
            if (keepIn == null) {
                for (int i = 0; i < n; i++) {
                    s += a[i];
                }
                sum = s;
                return;
            }
            int plus = add;
            for (int i = 0; i < n; i++) { // one pass: the sum, and each element plus add kept
                int e = a[i];
                s += e;
                a[i] = e + plus;
            }
            sum = s;
            keep(a, n);
        }

        private void keep(int[] a, int n) {
            for (int from = 0; from < n; ) {
                if (filling == null) {
                    filling = keepIn.tryAcquire();
                    if (filling == null) {
                        throw new IllegalStateException("the echo pool is too small: " + keepIn);
                    }
                    filled = 0;
                }
                int k = Math.min(n - from, filling.capacity() - filled);
                filling.write(4L * filled, a, from, k);
                filled += k;
                from += k;
                if (filled == filling.capacity()) {
                    kept.add(filling.count(filled));
                    filling = null;
                }
            }
        }

        /** @return the blocks kept, the last one partly filled; call once, at the end of the pipe */
        List<PipeBlock> kept() {
            if (filling != null) {
                kept.add(filling.count(filled));
                filling = null;
            }
            return kept;
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
