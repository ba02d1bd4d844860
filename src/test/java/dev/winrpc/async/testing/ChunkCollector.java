package dev.winrpc.async.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Collects every chunk of a pipe's publisher, one at a time: it requests one chunk when it
 * subscribes and one more after each, so a chunk is the unit of back-pressure. {@link #done()}
 * completes with the chunks at the end of the pipe, or fails with the pipe's failure.
 *
 * @param <T> a chunk
 */
public final class ChunkCollector<T> implements Flow.Subscriber<T> {

    private final CompletableFuture<List<T>> done = new CompletableFuture<>();
    private final List<T> chunks = new ArrayList<>();
    private final Consumer<? super T> onChunk;
    private Flow.Subscription subscription;

    /** Collects, and does nothing else. */
    public ChunkCollector() {
        this(c -> { });
    }

    /** @param onChunk also sees each chunk as it arrives (on the dispatcher's thread) */
    public ChunkCollector(Consumer<? super T> onChunk) {
        this.onChunk = onChunk;
    }

    /**
     * A collector that hands every chunk to {@code atEnd} at the end of the pipe (on the
     * dispatcher's thread) and ignores a failure (the call fails by itself).
     *
     * @param atEnd gets the chunks
     * @param <T> a chunk
     * @return the collector
     */
    public static <T> ChunkCollector<T> atEnd(Consumer<List<T>> atEnd) {
        ChunkCollector<T> c = new ChunkCollector<>();
        c.done.thenAccept(atEnd);
        return c;
    }

    /** @return the chunks at the end of the pipe, or the pipe's failure */
    public CompletableFuture<List<T>> done() {
        return done;
    }

    /** @return how many chunks have arrived so far */
    public synchronized int count() {
        return chunks.size();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(T item) {
        synchronized (this) {
            chunks.add(item);
        }
        onChunk.accept(item);
        subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        List<T> all;
        synchronized (this) {
            all = new ArrayList<>(chunks);
        }
        done.complete(all);
    }
}
