package dev.winrpc.async.call;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The sending end of an async pipe: a client's {@code [in]} pipe, or a server's {@code [out]}
 * pipe. Chunks are pushed one at a time, each after the previous one was sent (the call waits
 * for RpcSendComplete between pushes, as the pipe state page's tables do), so a chunk is
 * back-pressure's unit: the future {@link #send} returns completes when that chunk has been sent.
 *
 * <p>Create one, attach it to exactly one call (its builder's {@code send}), then send chunks
 * and {@link #finish()}, or let a {@link Flow.Publisher} drive it through {@link #subscriber()}.
 * Methods may be called from any thread; the pipe's work runs on the call's dispatcher thread.
 *
 * <p>For bulk data use a zero-copy writer, {@link #zeroCopy(PipeCodec)}: it sends
 * {@link PipeBlock}s of a {@link PipeBlocks} pool that the application fills in place, and gives
 * each back to its pool once the runtime has sent it; when another block is queued by then, the
 * library pushes it first, so a sender that keeps two blocks queued refills one while the other
 * is sent. A sender driven by its pool's {@link PipeBlocks#onReturn} sends with {@link #post},
 * which makes no future. A writer of {@link #of(PipeCodec)} copies each chunk to new native
 * memory, which is convenient for small pipes.
 *
 * @param <T> a chunk, e.g. {@code int[]}
 */
public final class PipeWriter<T> {

    /**
     * A chunk waiting to be pushed, or pushed and not yet sent: its native memory (a copy, or the
     * application's block, given back to its pool only once the runtime is done with it).
     */
    static final class Chunk {
        final Pointer memory;
        final PipeBlock block;
        // Set for each send; a block's chunk is reused, since a block is in one send at a time.
        int count;
        /** Completes when sent, or fails; null for a chunk {@link #post}ed, which has none. */
        CompletableFuture<Void> sent;
        private CallMachine<?> call;

        /** A copied chunk, sent once. */
        Chunk(Pointer memory, int count, CallMachine<?> call, boolean withFuture) {
            this.memory = memory;
            this.block = null;
            reset(count, call, withFuture);
        }

        /** A block's chunk, made with the block and reset for each of its sends. */
        Chunk(PipeBlock block) {
            this.memory = block.memory;
            this.block = block;
        }

        Chunk reset(int elements, CallMachine<?> owner, boolean withFuture) {
            this.count = elements;
            this.call = owner;
            this.sent = withFuture ? new CallFuture<>(owner.dispatcher) : null;
            return this;
        }

        /** As {@link #release()}, then fails the send's future (taken before the block went home). */
        void releaseAndFail(Throwable cause) {
            CompletableFuture<Void> f = sent;
            release();
            if (f != null) {
                f.completeExceptionally(cause);
            }
        }

        /**
         * The runtime is done with the memory (sent, or never pushed): a block goes home. What
         * its pool's {@link PipeBlocks#onReturn} runs is application code: what it throws fails
         * the call, as a subscriber's exception does.
         */
        void release() {
            if (block != null) {
                try {
                    block.sent();
                } catch (RuntimeException | Error t) {
                    call.deliverSafely(() -> {
                        throw t;
                    });
                }
            }
        }
    }

    /**
     * The most elements one push carries. A push's count is an {@code unsigned long}, and
     * Windows documents no smaller limit; a runtime may still refuse a large push (the
     * simulator refuses more than this many), and a refused push fails the call. The library
     * refuses such a chunk before anything native happens.
     */
    public static final int MAX_CHUNK_ELEMENTS = 1 << 24;

    /** The copying writer's codec; null for a zero-copy writer, whose blocks are pushed in place. */
    private final PipeCodec<T> codec;
    private final int elementSize;
    private final String layout;
    private CallMachine<?> call;

    // Dispatcher thread only, after attach.
    final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    /** Pushed and not yet known to be sent: pinned until RpcSendComplete. */
    final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
    boolean finishRequested;
    boolean nullPushed;
    final CallFuture<Void> finished = new CallFuture<>(null);

    // Any thread.
    private volatile boolean finishCalled;

    private PipeWriter(PipeCodec<T> codec, int elementSize, String layout) {
        if (elementSize < 1) {
            throw new IllegalArgumentException("elementSize " + elementSize);
        }
        this.codec = codec;
        this.elementSize = elementSize;
        this.layout = layout;
    }

    /**
     * Creates a sending end.
     *
     * @param codec the elements' layout
     * @param <T> a chunk
     * @return a new sending end
     */
    public static <T> PipeWriter<T> of(PipeCodec<T> codec) {
        Objects.requireNonNull(codec, "codec");
        return new PipeWriter<>(codec, codec.elementSize(), codec.toString());
    }

    /**
     * Creates a zero-copy sending end: it sends {@link PipeBlock}s the application filled (see
     * {@link PipeBlocks}), each pushed where it is and given back to its pool once the runtime
     * has sent it, or once the call has ended without pushing it. The future {@link #send}
     * returns completes after the block is back.
     *
     * @param layout the pipe's element layout, e.g. {@link PipeCodec#INTS} (only its element
     *        size is used; blocks of another element size are refused)
     * @return a new sending end
     */
    public static PipeWriter<PipeBlock> zeroCopy(PipeCodec<?> layout) {
        Objects.requireNonNull(layout, "layout");
        return new PipeWriter<>(null, layout.elementSize(), layout + ", zero-copy blocks");
    }

    /**
     * Creates a zero-copy sending end for elements of a size, e.g. a pipe of structures.
     *
     * @param elementSize the size of one element in bytes: the IDL's
     * @return a new sending end, as {@link #zeroCopy(PipeCodec)}
     * @throws IllegalArgumentException if elementSize is not positive
     */
    public static PipeWriter<PipeBlock> zeroCopy(int elementSize) {
        return new PipeWriter<>(null, elementSize, "pipe of " + elementSize + "-byte elements, zero-copy blocks");
    }

    /**
     * {@return the codec that copies each chunk to native memory; empty for a
     * {@linkplain #zeroCopy(PipeCodec) zero-copy} writer, which copies nothing}
     */
    public java.util.Optional<PipeCodec<T>> codec() {
        return java.util.Optional.ofNullable(codec);
    }

    /** {@return the size of one element in bytes} */
    public int elementSize() {
        return elementSize;
    }

    synchronized void attach(CallMachine<?> owner) {
        if (call != null) {
            throw new IllegalStateException("this pipe end already belongs to " + call);
        }
        call = owner;
        finished.bind(owner.dispatcher);
    }

    /** Gives the end back, if it still belongs to a call refused before it started. */
    synchronized void detach(CallMachine<?> owner) {
        if (call == owner) {
            call = null;
        }
    }

    private CallMachine<?> call() {
        CallMachine<?> c;
        synchronized (this) {
            c = call;
        }
        if (c == null) {
            throw new IllegalStateException("attach the pipe to a call before sending");
        }
        return c;
    }

    /**
     * Queues a chunk. A copying writer copies it to native memory now, so the array may be reused
     * at once. A zero-copy writer takes the {@link PipeBlock} as it is: the block is the
     * library's from now on, until it is back in its pool (before the returned future
     * completes, whether the send succeeded or failed).
     *
     * @param chunk 1 to {@link #MAX_CHUNK_ELEMENTS} elements (the end of the pipe is
     *        {@link #finish()}; split a larger chunk), or a held block with a count set
     * @return completes when the chunk has been sent, or fails with the call's failure
     * @throws IllegalStateException if the pipe was finished or the call has ended (a
     *         {@link dev.winrpc.async.dispatch.DispatcherClosedException} if its dispatcher is
     *         closing, which ends the call), or a block is not held (sent already, say)
     * @throws IllegalArgumentException if the chunk is empty or larger than the bound, or a
     *         block's element size is not the pipe's
     */
    public CompletableFuture<Void> send(T chunk) {
        return queueChunk(chunk, true);
    }

    /**
     * Queues a chunk as {@link #send} does, without a future: nothing is allocated for it. For a
     * sender that learns that each block has been sent from its pool ({@link PipeBlocks#onReturn},
     * which runs once the runtime is done with the block, whether sent or not) and of a failure
     * from the call's result, as a zero-copy stream does; the same checks are made, and a refused
     * chunk throws here as it does there.
     *
     * @param chunk as for {@link #send}
     * @throws IllegalStateException as {@link #send} does
     * @throws IllegalArgumentException as {@link #send} does
     */
    public void post(T chunk) {
        queueChunk(chunk, false);
    }

    private CompletableFuture<Void> queueChunk(T chunk, boolean withFuture) {
        Objects.requireNonNull(chunk, "chunk");
        if (codec == null) {
            return sendBlock((PipeBlock) chunk, withFuture);
        }
        int n = codec.count(chunk);
        if (n <= 0) {
            throw new IllegalArgumentException("an empty chunk: end the pipe with finish()");
        }
        if (n > MAX_CHUNK_ELEMENTS) {
            throw new IllegalArgumentException("a chunk of " + n + " elements: at most "
                    + MAX_CHUNK_ELEMENTS + " go in one push; split it");
        }
        CallMachine<?> c = sendable();
        Memory m = new Memory((long) n * elementSize);
        codec.encode(chunk, m);
        Chunk k = new Chunk(m, n, c, withFuture);
        CompletableFuture<Void> sent = k.sent; // taken before the chunk is queued, as below
        queue(c, k);
        return sent;
    }

    private CompletableFuture<Void> sendBlock(PipeBlock b, boolean withFuture) {
        CallMachine<?> c = sendable();
        int n = b.markSent(elementSize);
        Chunk k = b.chunk.reset(n, c, withFuture);
        // Taken now: once the block is back in its pool, its chunk may be reset by its next send.
        CompletableFuture<Void> sent = k.sent;
        try {
            queue(c, k);
        } catch (RuntimeException refused) {
            b.unsend(); // nothing native happened: the caller still holds it
            throw refused;
        }
        return sent;
    }

    private CallMachine<?> sendable() {
        if (finishCalled) {
            throw new IllegalStateException("the pipe was finished: no chunk may follow");
        }
        CallMachine<?> c = call();
        c.checkNotEnded();
        return c;
    }

    private void queue(CallMachine<?> c, Chunk k) {
        if (c.dispatcher.inDispatcherThread()) {
            // Sent from the dispatcher's thread (from the previous send's completion, say): at
            // once, without the two tasks a hop allocates, guarded as onDispatcher guards.
            try {
                enqueue(c, k);
            } catch (Throwable t) {
                c.internalFailure(t);
            }
            return;
        }
        c.onDispatcher(() -> enqueue(c, k));
    }

    private void enqueue(CallMachine<?> c, Chunk k) {
        if (finishRequested || c.isEnded()) {
            k.releaseAndFail(c.endedException("send"));
            return;
        }
        queue.add(k);
        c.act();
    }

    /**
     * Ends the pipe after the chunks already sent: the null push.
     *
     * @return completes when the end of the pipe has been sent
     * @throws IllegalStateException if the call has ended (a
     *         {@link dev.winrpc.async.dispatch.DispatcherClosedException} if its dispatcher is
     *         closing, which ends the call)
     */
    public CompletableFuture<Void> finish() {
        CallMachine<?> c = call();
        c.checkNotEnded();
        finishCalled = true;
        c.onDispatcher(() -> {
            finishRequested = true;
            c.act();
        });
        return finished;
    }

    /**
     * A subscriber that sends what its publisher produces, requesting one chunk at a time: the
     * next once the previous has been sent. onComplete finishes the pipe; onError fails the
     * call (a client cancels it, a server aborts it).
     *
     * @return the subscriber; subscribe it to one publisher
     */
    public Flow.Subscriber<T> subscriber() {
        return new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                Objects.requireNonNull(s, "subscription"); // rule 2.13
                if (subscription != null) {
                    s.cancel();
                    return;
                }
                subscription = s;
                s.request(1);
            }

            // Flow §2.13: none of these throws back into the publisher but for a null argument. A
            // chunk or an end the call can no longer take (it has ended, its dispatcher closed)
            // cancels the subscription.

            @Override
            public void onNext(T item) {
                Objects.requireNonNull(item, "item"); // rule 2.13
                CompletableFuture<Void> sent;
                try {
                    sent = send(item);
                } catch (RuntimeException refused) {
                    subscription.cancel();
                    return;
                }
                sent.whenComplete((v, t) -> {
                    if (t == null) {
                        subscription.request(1);
                    } else {
                        subscription.cancel();
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                Objects.requireNonNull(t, "throwable"); // rule 2.13
                try {
                    call().failFromApplication(t);
                } catch (IllegalStateException notAttached) {
                    // No call to fail: the subscriber was subscribed before the pipe was attached.
                }
            }

            @Override
            public void onComplete() {
                try {
                    finish();
                } catch (IllegalStateException ended) {
                    // The call ended (or its dispatcher closed) first: its result tells how.
                }
            }
        };
    }

    // ---- dispatcher thread -----------------------------------------------------------------------

    boolean hasChunk() {
        return !queue.isEmpty();
    }

    /** The application will send nothing more and every chunk has been pushed. */
    boolean drained() {
        return finishRequested && queue.isEmpty();
    }

    /**
     * All sends so far completed (RpcSendComplete: several pushes may collapse into one).
     *
     * <p>Each chunk is taken off {@link #inFlight} before its future completes, and only the
     * chunks in flight on entry are completed: a future's callback runs here, on the dispatcher
     * thread, and may send the next chunk at once (as {@link #subscriber()} does when its
     * publisher answers request(1) synchronously); that send runs inline, the call pushes the
     * chunk and adds it to inFlight, and this notification does not cover it. Nor does it cover
     * a null push a callback makes (by {@link #finish()} after its last chunk): whether the end
     * was sent is decided by {@link #nullPushed} on entry.
     */
    void sendsCompleted() {
        sendsCompleted(inFlight.size(), nullPushed);
    }

    /**
     * As {@link #sendsCompleted()}, for the chunks in flight when the RpcSendComplete came: the
     * first {@code count} of the list (a chunk pushed since is behind them).
     *
     * @param count how many chunks, from the head of the in-flight list
     * @param endSent whether the null push had been made when it came
     */
    void sendsCompleted(int count, boolean endSent) {
        for (int n = Math.min(count, inFlight.size()); n > 0; n--) {
            Chunk k = inFlight.poll();
            CompletableFuture<Void> sent = k.sent; // before the block goes home (see sendBlock)
            k.release();
            if (sent != null) {
                sent.complete(null);
            }
        }
        if (endSent) {
            finished.complete(null);
        }
    }

    /**
     * Fails every chunk; taken off the lists first, as in {@link #sendsCompleted()}. A block
     * never pushed goes home; a pushed one only if the runtime is done with the call (its END
     * was handled), else it stays out of its pool, where the runtime may still read it.
     */
    void fail(Throwable cause) {
        CallMachine<?> c;
        synchronized (this) {
            c = call;
        }
        boolean runtimeDone = c == null || c.endHandled;
        Chunk k;
        while ((k = inFlight.poll()) != null) {
            if (runtimeDone) {
                k.releaseAndFail(cause);
            } else if (k.sent != null) {
                k.sent.completeExceptionally(cause);
            }
        }
        while ((k = queue.poll()) != null) {
            k.releaseAndFail(cause);
        }
        finished.completeExceptionally(cause);
    }

    @Override
    public String toString() {
        return "PipeWriter[" + layout + "]";
    }
}
