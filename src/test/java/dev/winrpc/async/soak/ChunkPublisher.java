package dev.winrpc.async.soak;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.IntConsumer;

/**
 * A synchronous Flow publisher of a pipe's chunks, for a {@code PipeWriter.subscriber()}: each
 * request emits on the requesting thread (the dispatcher's, once a chunk was sent), so the
 * writer's reentrant path is exercised. It may signal onError with the application's failure
 * after some chunks instead of onComplete.
 */
final class ChunkPublisher implements Flow.Publisher<int[]> {

    private final List<int[]> chunks;
    private final IntConsumer beforeChunk;
    private final int failAt;
    private final Throwable failure;
    private final List<int[]> emitted;
    /** true once it signalled onComplete; false after onError or a cancel. */
    final CompletableFuture<Boolean> done = new CompletableFuture<>();

    /**
     * @param chunks what to emit
     * @param beforeChunk runs before chunk i is emitted (i == chunks.size(): before the end)
     * @param failAt signal onError(failure) instead of chunk failAt (-1: never)
     * @param failure what onError carries
     * @param emitted gets each chunk as it is emitted
     */
    ChunkPublisher(List<int[]> chunks, IntConsumer beforeChunk, int failAt, Throwable failure, List<int[]> emitted) {
        this.chunks = chunks;
        this.beforeChunk = beforeChunk;
        this.failAt = failAt;
        this.failure = failure;
        this.emitted = emitted;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super int[]> s) {
        s.onSubscribe(new Flow.Subscription() {
            private int next;
            private boolean done;

            @Override
            public synchronized void request(long n) {
                for (; n > 0 && !done; n--) {
                    beforeChunk.accept(next);
                    if (next == failAt) {
                        done = true;
                        s.onError(failure);
                        ChunkPublisher.this.done.complete(false);
                    } else if (next == chunks.size()) {
                        done = true;
                        s.onComplete();
                        ChunkPublisher.this.done.complete(true);
                    } else {
                        emitted.add(chunks.get(next));
                        s.onNext(chunks.get(next++));
                    }
                }
            }

            @Override
            public synchronized void cancel() {
                done = true;
                ChunkPublisher.this.done.complete(false);
            }
        });
    }
}
