package dev.winrpc.async.call;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The receiving end of an async pipe: a client's {@code [out]} pipe, or a server's {@code [in]}
 * pipe. The call pulls only while the application has asked for chunks (back-pressure by
 * chunk): through {@link #receive()} one at a time, or through the {@link Flow.Publisher} of
 * {@link #publisher()}. Use one or the other.
 *
 * <p>Create one, attach it to exactly one call (its builder's {@code receive}). Methods may be
 * called from any thread; chunks are delivered on the call's dispatcher thread.
 *
 * <p>For bulk data use a lending reader, {@link #lending(PipeCodec, int)}: each chunk is a
 * {@link PipeView} of the buffer the runtime pulled into, read in place during the callback it
 * is given to ({@link #forEach} or the publisher's onNext) and dead after it; no chunk is copied
 * to the heap. A reader of {@link #of(PipeCodec)} delivers a new array per chunk.
 *
 * @param <T> a chunk, e.g. {@code int[]}
 */
public final class PipeReader<T> {

    /** The default most elements pulled at once. */
    public static final int DEFAULT_CHUNK_ELEMENTS = 4096;

    /** The copying reader's codec; null for a lending reader, whose views need no decoding. */
    private final PipeCodec<T> codec;
    private final int elementSize;
    private final String layout;
    private final int chunkElements;
    private CallMachine<?> call;
    Memory buffer;
    /** The buffer for a lending reader's views (their single-value accessors), else null. */
    java.nio.ByteBuffer bytes;
    final IntByReference count = new IntByReference();

    // Dispatcher thread only.
    long demand;
    final ArrayDeque<CompletableFuture<T>> receivers = new ArrayDeque<>();
    volatile Flow.Subscriber<? super T> subscriber;
    boolean ended;
    Throwable failure;
    private boolean publisherUsed;

    private PipeReader(PipeCodec<T> codec, int chunkElements) {
        this(Objects.requireNonNull(codec, "codec"), codec.elementSize(), codec.toString(), chunkElements);
    }

    private PipeReader(PipeCodec<T> codec, int elementSize, String layout, int chunkElements) {
        this.codec = codec;
        this.elementSize = elementSize;
        this.layout = layout;
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunkElements " + chunkElements);
        }
        this.chunkElements = chunkElements;
    }

    /**
     * Creates a receiving end that pulls up to {@value #DEFAULT_CHUNK_ELEMENTS} elements at once.
     *
     * @param codec the elements' layout
     * @param <T> a chunk
     * @return a receiving end that pulls up to {@value #DEFAULT_CHUNK_ELEMENTS} elements at once
     */
    public static <T> PipeReader<T> of(PipeCodec<T> codec) {
        return new PipeReader<>(codec, DEFAULT_CHUNK_ELEMENTS);
    }

    /**
     * Creates a receiving end that pulls up to {@code chunkElements} elements at once.
     *
     * @param codec the elements' layout
     * @param chunkElements the most elements pulled at once
     * @param <T> a chunk
     * @return a receiving end
     */
    public static <T> PipeReader<T> of(PipeCodec<T> codec, int chunkElements) {
        return new PipeReader<>(codec, chunkElements);
    }

    /**
     * Creates a lending receiving end: each chunk is a {@link PipeView} of the pulled buffer,
     * lent to one callback, {@link #forEach} or the {@link #publisher()}'s onNext, and unreadable
     * once that callback has returned (the next pull reuses the buffer). The callback runs on the
     * dispatcher thread, and the next pull waits for it: keep it short, and copy out what must
     * outlive it. {@link #receive()} is refused: a future's chunk would outlive its callback.
     *
     * @param layout the pipe's element layout, e.g. {@link PipeCodec#INTS} (only its element
     *        size is used, and it must be the IDL's, see {@link PipeCodec})
     * @param chunkElements the most elements pulled at once
     * @return a new receiving end
     * @throws IllegalArgumentException if chunkElements is not positive, or the buffer would be
     *         larger than 2 GiB
     */
    public static PipeReader<PipeView> lending(PipeCodec<?> layout, int chunkElements) {
        Objects.requireNonNull(layout, "layout");
        checkLendable(layout.elementSize(), chunkElements);
        return new PipeReader<>(null, layout.elementSize(), layout + ", lent views", chunkElements);
    }

    /**
     * Creates a lending receiving end for elements of a size, e.g. a pipe of structures.
     *
     * @param elementSize the size of one element in bytes: the IDL's
     * @param chunkElements the most elements pulled at once
     * @return a new receiving end, as {@link #lending(PipeCodec, int)}
     * @throws IllegalArgumentException if a size is not positive, or the buffer would be larger
     *         than 2 GiB
     */
    public static PipeReader<PipeView> lending(int elementSize, int chunkElements) {
        checkLendable(elementSize, chunkElements);
        return new PipeReader<>(null, elementSize, "pipe of " + elementSize + "-byte elements, lent views",
                chunkElements);
    }

    private static void checkLendable(int elementSize, int chunkElements) {
        if (elementSize < 1) {
            throw new IllegalArgumentException("elementSize " + elementSize);
        }
        if ((long) elementSize * chunkElements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(chunkElements + " elements of " + elementSize
                    + " bytes: a lending reader pulls at most 2 GiB at once");
        }
    }

    /** {@return true for a lending reader, whose chunks are views lent to one callback} */
    public boolean lends() {
        return codec == null;
    }

    /**
     * {@return the codec that decodes each pulled chunk into a new {@code T}; empty for a
     * {@linkplain #lends() lending} reader, which decodes nothing}
     */
    public java.util.Optional<PipeCodec<T>> codec() {
        return java.util.Optional.ofNullable(codec);
    }

    /** {@return the size of one element in bytes} */
    public int elementSize() {
        return elementSize;
    }

    /** {@return the most elements pulled at once} */
    public int chunkElements() {
        return chunkElements;
    }

    synchronized void attach(CallMachine<?> owner) {
        if (call != null) {
            throw new IllegalStateException("this pipe end already belongs to " + call);
        }
        call = owner;
        buffer = new Memory((long) chunkElements * elementSize);
        if (lends()) {
            bytes = buffer.getByteBuffer(0, buffer.size()).order(java.nio.ByteOrder.nativeOrder());
        }
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
            throw new IllegalStateException("attach the pipe to a call before receiving");
        }
        return c;
    }

    /**
     * Asks for the next chunk.
     *
     * @return completes with the next chunk, with null once the pipe has ended, or fails with
     *         the call's failure
     * @throws IllegalStateException if the reader is read through its publisher, or
     *         {@linkplain #lends() lends} its chunks (use {@link #forEach})
     */
    public CompletableFuture<T> receive() {
        if (lends()) {
            throw new IllegalStateException("a lending reader's chunks live for one callback: "
                    + "read them through forEach or publisher(), not receive()");
        }
        CallMachine<?> c = call();
        synchronized (this) {
            if (publisherUsed) {
                throw new IllegalStateException("this pipe is read through its publisher");
            }
        }
        CompletableFuture<T> f = new CallFuture<>(c.dispatcher);
        if (c.isEnded()) {
            // Nothing will be pulled any more, and the dispatcher may be gone: answer here.
            if (failure != null) {
                f.completeExceptionally(failure);
            } else {
                f.complete(null);
            }
            return f;
        }
        try {
            c.onDispatcher(() -> {
                if (failure != null) {
                    f.completeExceptionally(failure);
                } else if (ended) {
                    f.complete(null);
                } else {
                    receivers.add(f);
                    demand++;
                    c.act();
                }
            });
        } catch (DispatcherClosedException closing) {
            f.completeExceptionally(closing); // the close fails the call, and with it the pipe
        }
        return f;
    }

    /**
     * A publisher of the pipe's chunks, for one subscriber: it pulls as the subscriber requests,
     * calls onComplete at the end of the pipe and onError if the call fails. Cancelling the
     * subscription fails the call (a client cancels it, a server aborts it).
     *
     * @return the publisher
     */
    public Flow.Publisher<T> publisher() {
        return s -> {
            Objects.requireNonNull(s, "subscriber");
            CallMachine<?> c;
            try {
                c = call();
            } catch (IllegalStateException notAttached) {
                refuse(s, notAttached);
                return;
            }
            synchronized (this) {
                if (publisherUsed || !receivers.isEmpty()) {
                    refuse(s, new IllegalStateException("the pipe already has a reader"));
                    return;
                }
                publisherUsed = true;
            }
            if (c.isEnded()) {
                // The call is over (and its dispatcher may be closed): tell the subscriber here.
                if (failure != null) {
                    refuse(s, failure);
                } else {
                    s.onSubscribe(INERT);
                    s.onComplete();
                }
                return;
            }
            try {
                subscribeOnDispatcher(c, s);
            } catch (DispatcherClosedException closing) {
                refuse(s, closing); // the close fails the call, and with it the pipe
            }
        };
    }

    /**
     * Reads the whole pipe: each chunk is given to {@code each} on the dispatcher thread as soon
     * as it is pulled, and the next pull follows once {@code each} returned (its return is the
     * back-pressure). A lending reader's view is unreadable after {@code each} returned. An
     * exception {@code each} throws fails the call (a client cancels it, a server aborts it).
     * This is the publisher's one subscriber.
     *
     * @param each what to do with each chunk
     * @return completes at the end of the pipe, or fails with the call's failure
     */
    public CompletableFuture<Void> forEach(java.util.function.Consumer<? super T> each) {
        Objects.requireNonNull(each, "each");
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher().subscribe(new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T chunk) {
                each.accept(chunk);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        return done;
    }

    /** A subscription that is over before it began: requests and cancels do nothing (Flow §1.6, §3.6). */
    private static final Flow.Subscription INERT = new Flow.Subscription() {
        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    };

    /** Flow §1.9: a refused subscriber still gets onSubscribe, then onError; subscribe never throws. */
    private static void refuse(Flow.Subscriber<?> s, Throwable why) {
        s.onSubscribe(INERT);
        s.onError(why);
    }

    private void subscribeOnDispatcher(CallMachine<?> c, Flow.Subscriber<? super T> s) {
        c.onDispatcher(() -> {
            subscriber = s;
            // What happened before the subscription is told after onSubscribe; what happens
            // during it (its first requests may pull the pipe to its end) is told as it happens.
            Throwable failedBefore = failure;
            boolean endedBefore = ended;
            c.deliverSafely(() -> s.onSubscribe(new PipeSubscription(c, s)));
            if (failedBefore != null) {
                c.deliverSafely(() -> s.onError(failedBefore));
            } else if (endedBefore) {
                c.deliverSafely(s::onComplete);
            }
        });
    }

    /**
     * The subscription of the publisher's one subscriber. After cancel (rules 3.6, 3.7) requests
     * and cancels are no-ops, nothing more is signalled, and the reader lets go of the
     * subscriber (3.13); the call fails as the application asked (a client cancels, a server
     * aborts).
     */
    private final class PipeSubscription implements Flow.Subscription {
        private final CallMachine<?> c;
        private final Flow.Subscriber<? super T> s;
        private volatile boolean cancelled;

        PipeSubscription(CallMachine<?> c, Flow.Subscriber<? super T> s) {
            this.c = c;
            this.s = s;
        }

        @Override
        public void request(long n) {
            if (cancelled) {
                return;
            }
            c.onDispatcherIfLive(() -> {
                if (cancelled || subscriber != s) {
                    return;
                }
                if (n <= 0) {
                    c.failFromApplication(new IllegalArgumentException("Flow.Subscription.request(" + n
                            + "): rule 3.9 of Reactive Streams allows only a positive request"));
                    return;
                }
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                c.act();
            });
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            if (c.isEnded()) {
                forget(s);
                return;
            }
            c.onDispatcherIfLive(() -> {
                forget(s);
                if (!ended && failure == null) {
                    c.failFromApplication(new java.util.concurrent.CancellationException(
                            "the pipe's subscriber cancelled"));
                }
            });
        }
    }

    /** The subscriber is told nothing more, and no longer referenced. */
    private synchronized void forget(Flow.Subscriber<?> s) {
        if (subscriber == s) {
            subscriber = null;
        }
    }

    // ---- dispatcher thread -----------------------------------------------------------------------

    boolean wantsData() {
        return demand > 0 && !ended && failure == null;
    }

    /** A copying reader's chunk of the n elements just pulled into the buffer. */
    T decode(int n) {
        return codec.decode(buffer, n);
    }

    void deliver(T chunk) {
        demand--;
        CompletableFuture<T> f = receivers.poll();
        if (f != null) {
            f.complete(chunk);
        } else {
            Flow.Subscriber<? super T> s = subscriber;
            if (s != null) {
                call().deliverSafely(() -> s.onNext(chunk));
            }
        }
    }

    void end() {
        if (ended) {
            return;
        }
        ended = true;
        CompletableFuture<T> f;
        while ((f = receivers.poll()) != null) {
            f.complete(null);
        }
        Flow.Subscriber<? super T> s = subscriber;
        if (s != null) {
            subscriber = null; // terminal: told once, then let go
            call().deliverSafely(s::onComplete);
        }
    }

    void fail(Throwable cause) {
        if (ended || failure != null) {
            return;
        }
        failure = cause;
        CompletableFuture<T> f;
        while ((f = receivers.poll()) != null) {
            f.completeExceptionally(cause);
        }
        Flow.Subscriber<? super T> s = subscriber;
        if (s != null) {
            subscriber = null; // terminal: told once, then let go
            call().deliverSafely(() -> s.onError(cause));
        }
    }

    @Override
    public String toString() {
        return "PipeReader[" + layout + ", " + chunkElements + " elements]";
    }
}
