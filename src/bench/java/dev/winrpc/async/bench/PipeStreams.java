package dev.winrpc.async.bench;

import dev.winrpc.async.call.PipeWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.IntConsumer;

/**
 * What the pipe benchmark's Java client and server do with a pipe's data, the same on both
 * sides and the same as winrpcbench.c's C client and server: a sender writes each element once
 * (consecutive values, into one chunk array it reuses, since {@link PipeWriter#send} copies the
 * chunk before it returns), a receiver reads each element once into a 32-bit sum. One chunk is
 * handed to the library at a time, the next when the previous one has been sent, as the C side
 * pushes a chunk and waits for its RpcSendComplete.
 */
final class PipeStreams {

    private PipeStreams() {
    }

    /** @return 0 + 1 + ... + (n - 1), with 32-bit wrap-around (what PipeSum replies for 0..n-1) */
    static int rangeSum(int n) {
        return (int) ((long) n * (n - 1) / 2);
    }

    /**
     * Sends {@code start, start + 1, ..., start + count - 1} through a writer in chunks of
     * {@code chunkElements}, then finishes the pipe. The next chunk is sent from the previous
     * one's completion, which the library signals on its dispatcher thread while it handles the
     * RpcSendComplete, before it looks for the next chunk: the library always finds one.
     */
    static final class Feeder {
        private final PipeWriter<int[]> writer;
        private final int[] chunk;
        private final int end;
        private int next;

        /**
         * @param writer attached to a call
         * @param start the first value
         * @param count how many
         * @param chunk the chunk array, reused for every full chunk (its length is the chunk)
         */
        Feeder(PipeWriter<int[]> writer, int start, int count, int[] chunk) {
            this.writer = writer;
            this.chunk = chunk;
            this.next = start;
            this.end = start + count;
        }

        /** Sends the first chunk (or finishes an empty pipe). */
        void start() {
            sendNext();
        }

        private void sendNext() {
            if (next == end) {
                writer.finish();
                return;
            }
            int n = Math.min(chunk.length, end - next);
            int[] c = n == chunk.length ? chunk : new int[n]; // only a last, shorter chunk
            for (int i = 0; i < n; i++) {
                c[i] = next + i;
            }
            next += n;
            writer.send(c).whenComplete((v, t) -> {
                if (t == null) {
                    sendNext();
                }
                // On a failure the call fails: whoever waits for it sees that.
            });
        }
    }

    /**
     * Sends chunks it is given (the echo server's), each element plus {@code add}, one at a
     * time as {@link Feeder} does, then finishes the pipe.
     */
    static final class Replayer {
        private final PipeWriter<int[]> writer;
        private final List<int[]> chunks;
        private final int add;
        private int next;

        Replayer(PipeWriter<int[]> writer, List<int[]> chunks, int add) {
            this.writer = writer;
            this.chunks = chunks;
            this.add = add;
        }

        void start() {
            sendNext();
        }

        private void sendNext() {
            if (next == chunks.size()) {
                writer.finish();
                return;
            }
            int[] c = chunks.get(next);
            chunks.set(next++, null); // copied by send: let it go
            for (int i = 0; i < c.length; i++) {
                c[i] += add;
            }
            writer.send(c).whenComplete((v, t) -> {
                if (t == null) {
                    sendNext();
                }
                // On a failure the call fails: the client sees that.
            });
        }
    }

    /**
     * A pipe reader's subscriber that wants everything (unbounded demand: the library pulls
     * whenever the runtime has data) and sums it; optionally keeps the chunks (the echo
     * server). Its signals come on the call's dispatcher thread.
     */
    static final class Summer implements Flow.Subscriber<int[]> {
        private final boolean keep;
        private final IntConsumer onEnd;
        private final List<int[]> chunks;
        private int sum;
        private int count;
        private volatile Throwable error;

        /**
         * @param keep keep the chunks ({@link #chunks()})
         * @param onEnd called with the sum at the end of the pipe, or null
         */
        Summer(boolean keep, IntConsumer onEnd) {
            this.keep = keep;
            this.onEnd = onEnd;
            this.chunks = keep ? new ArrayList<>() : null;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(int[] item) {
            int s = sum;
            for (int x : item) {
                s += x;
            }
            sum = s;
            count += item.length;
            if (keep) {
                chunks.add(item);
            }
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onComplete() {
            if (onEnd != null) {
                onEnd.accept(sum);
            }
        }

        /** @return the sum; read after the call's result, which the end of the pipe precedes */
        int sum() {
            return sum;
        }

        int count() {
            return count;
        }

        List<int[]> chunks() {
            return chunks;
        }

        Throwable error() {
            return error;
        }
    }
}
