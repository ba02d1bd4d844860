package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.pipe.IllegalPipeTransitionException;
import dev.winrpc.async.pipe.PipeInput;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.pipe.Side;
import dev.winrpc.async.raw.ASYNC_PIPE;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A server's side of an asynchronous call, made inside a manager routine the way seed 000 does
 * it in C: the routine receives the asynchronous handle first, and the server call registers it
 * with a dispatcher (notification fields, then {@code RpcAsyncRegisterHandle}), pulls the in
 * pipe as the application asks, pushes the out pipe with RPC_C_NOTIFY_ON_SEND_COMPLETE, and,
 * once the table reaches Comp, completes the call with the application's reply; or aborts it
 * with a code ({@link #abort(int)}). It reacts to RpcClientCancel and RpcClientDisconnect by
 * the table's failure paths (the in pipe's or out pipe's futures fail, then the call aborts or
 * completes as the table says).
 *
 * <pre>{@code
 * void PipeEcho(Pointer pAsync, Pointer h, int a, Pointer inpipe, Pointer outpipe, Pointer b) {
 *     PipeReader<int[]> in = PipeReader.of(PipeCodec.INTS);
 *     PipeWriter<int[]> out = PipeWriter.of(PipeCodec.INTS);
 *     OutParam count = OutParam.server(b, 4);
 *     ServerCall<Integer> call = ServerCall.builder(dispatcher, Reply.INT, pAsync)
 *             .receive(in, inpipe).send(out, outpipe).out(count).accept();
 *     ... read in, write out, count.setInt(n), call.complete(sum) ...
 * }
 * }</pre>
 *
 * <p>The table's "fail fatally" path (raise an exception on the RPC thread) is never taken: a
 * Java exception must not reach native code, and an SEH exception raised from Java would
 * unwind through JVM frames. A server that must fail aborts. {@link Builder#accept()} never
 * leaves the runtime's call unfinished: if it cannot register the call (a closed dispatcher,
 * say) it aborts it with RPC_S_CALL_FAILED (D, To fail gracefully: A) and returns a call that
 * has ended, its {@link #done()} failed with the reason; on a programming error (a pipe end
 * that belongs to another call) it aborts, then throws.
 *
 * @param <R> the reply's Java type
 */
public final class ServerCall<R> extends AsyncCall<R> {

    /** Builds a server call around the handle a manager routine received. */
    public static final class Builder<R> {
        private final Dispatcher dispatcher;
        private final Reply<R> reply;
        private final Pointer pAsync;
        private PipeReader<?> in;
        private Pointer inPipe;
        private PipeWriter<?> out;
        private Pointer outPipe;
        private final List<OutParam> outs = new ArrayList<>();

        private Builder(Dispatcher dispatcher, Reply<R> reply, Pointer pAsync) {
            this.dispatcher = dispatcher;
            this.reply = reply;
            this.pAsync = pAsync;
        }

        /**
         * The call's [in] pipe.
         *
         * @param reader its receiving end
         * @param pipe the ASYNC_&lt;pipe&gt; pointer the manager routine received
         * @return this
         */
        public Builder<R> receive(PipeReader<?> reader, Pointer pipe) {
            this.in = Objects.requireNonNull(reader, "reader");
            this.inPipe = Objects.requireNonNull(pipe, "pipe");
            return this;
        }

        /**
         * The call's [out] pipe.
         *
         * @param writer its sending end
         * @param pipe the ASYNC_&lt;pipe&gt; pointer the manager routine received
         * @return this
         */
        public Builder<R> send(PipeWriter<?> writer, Pointer pipe) {
            this.out = Objects.requireNonNull(writer, "writer");
            this.outPipe = Objects.requireNonNull(pipe, "pipe");
            return this;
        }

        /**
         * An [out] parameter, set with {@link OutParam#setInt} before {@link #complete}.
         *
         * @param param from {@link OutParam#server(Pointer, int)}
         * @return this
         */
        public Builder<R> out(OutParam param) {
            outs.add(Objects.requireNonNull(param, "param"));
            return this;
        }

        /**
         * Registers the call and takes it out of D. If the call cannot be registered it is
         * aborted with RPC_S_CALL_FAILED and the returned call has ended, its {@link #done()}
         * failed with the reason.
         *
         * @return the call
         * @throws IllegalStateException after aborting the call, if a pipe end or [out]
         *         parameter belongs to another call
         */
        public ServerCall<R> accept() {
            return ServerCall.accept(this);
        }
    }

    private static final int UNDECIDED = 0;
    private static final int COMPLETING = 1;
    private static final int ABORTING = 2;
    /** The application's one decision: complete or abort, taken atomically. */
    private final java.util.concurrent.atomic.AtomicInteger decision = new java.util.concurrent.atomic.AtomicInteger();
    private final CompletableFuture<R> view;

    private ServerCall(Builder<R> b) {
        super(b.dispatcher, Side.SERVER, b.reply, b.out, b.in, b.outs);
        this.view = result.copy();
    }

    /**
     * @param dispatcher notifies the call (APC, completion port or event)
     * @param reply the reply type
     * @param pAsync the handle the manager routine received as its first parameter
     * @param <R> the reply's Java type
     * @return a builder
     */
    public static <R> Builder<R> builder(Dispatcher dispatcher, Reply<R> reply, Pointer pAsync) {
        if (pAsync == null) {
            throw new IllegalArgumentException("pAsync is NULL");
        }
        return new Builder<>(dispatcher, reply, pAsync);
    }

    private static <R> ServerCall<R> accept(Builder<R> b) {
        ServerCall<R> call;
        try {
            call = new ServerCall<>(b);
        } catch (RuntimeException | Error e) {
            // A programming error (a pipe end already in use, no reply type, ...): the runtime's
            // call must still end (D, "To fail gracefully": A), then the error is thrown.
            try {
                dev.winrpc.async.RpcRuntime.rpcrt4().RpcAsyncAbortCall(b.pAsync, RpcErrors.RPC_S_CALL_FAILED);
            } catch (Throwable again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        call.begin(b);
        return call;
    }

    private void begin(Builder<R> b) {
        async = new RPC_ASYNC_STATE(b.pAsync);
        asyncAddress = b.pAsync;
        started = true; // the runtime started it: it must be completed or aborted
        begin(PipeState.D);
        try {
            async.read();
            async.Flags = writer != null ? Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE : 0;
            async.UserInfo = null;
            if (reader != null) {
                reader.pipe = new ASYNC_PIPE(b.inPipe);
            }
            if (writer != null) {
                writer.pipe = new ASYNC_PIPE(b.outPipe);
            }
            registered(dispatcher.register(async, this));
        } catch (Throwable t) {
            // Not registered: abort here, on the runtime's thread (D, To fail gracefully: A).
            failure = t;
            try {
                apply(PipeInput.APP_FAIL);
                rpcrt4.RpcAsyncAbortCall(asyncAddress, RpcErrors.RPC_S_CALL_FAILED);
                finalized = true;
                apply(PipeInput.OK);
            } catch (Throwable again) {
                t.addSuppressed(again);
            }
            markEnded();
            result.completeExceptionally(t);
            return;
        }
        onDispatcher(() -> {
            if (!finalized) {
                // On Windows the client's cancel and disconnect reach a server call only through
                // a subscription. Made here, on the dispatcher thread, so that nothing can
                // complete or abort the call while it is being made.
                subscribeClientNotifications(registration);
            }
            if (state() == PipeState.D) {
                apply(PipeInput.OK); // "The call is dispatched by the RPC runtime"
            }
            act();
        });
    }

    /**
     * Completes when the call has ended: with the reply sent, or exceptionally if it was
     * aborted (by {@link #abort}, or by the table's failure paths after a client cancel or
     * disconnect).
     *
     * @return the outcome
     */
    public CompletableFuture<R> done() {
        return view;
    }

    /**
     * Completes when the runtime tells the server that its client cancelled the call
     * (RpcClientCancel) or went away (RpcClientDisconnect), with an {@link RpcException} whose
     * status says which (RPC_S_CALL_CANCELLED or RPC_S_CALL_FAILED); it never completes for a
     * call its client let finish. Completing it has no effect on the call.
     *
     * <p>What the library does on its own: while the application still pulls or pushes, the
     * table's failure path is taken (the call is aborted, or completed without the
     * application's reply where the table says so). Once the pipes are done (Comp), the call
     * waits for the application: a non-abortive cancel asks the server to stop, and the server
     * may still {@link #complete} it, which it must, since Comp has no "To fail". The reply goes
     * to a client that cancelled non-abortively, and is discarded for one that did not.
     *
     * @return the client's cancel or disconnect
     */
    public CompletableFuture<RpcException> clientGone() {
        return clientGone.copy();
    }

    /**
     * Gives the reply. The call is completed with it (RpcAsyncCompleteCall) once the table
     * reaches Comp: after the in pipe has been pulled to its end and the out pipe ended.
     *
     * @param value the reply
     * @throws IllegalStateException if the reply was already given, the call was aborted, or
     *         it has ended
     */
    public void complete(R value) {
        checkNotEnded();
        if (!decision.compareAndSet(UNDECIDED, COMPLETING)) {
            throw new IllegalStateException(decision.get() == COMPLETING
                    ? "complete was already called: a call completes once"
                    : "the call was aborted: it cannot be completed too");
        }
        replyGiven = true;
        onDispatcher(() -> {
            serverReply = value;
            serverReplySet = true;
            act();
        });
    }

    /**
     * Aborts the call: the table's "To fail" path (A), RpcAsyncAbortCall with the code, which
     * reaches the client as a fault.
     *
     * @param exceptionCode the fault for the client; not 0
     * @throws IllegalArgumentException if the code is 0
     * @throws IllegalStateException if the call was already completed or aborted
     * @throws IllegalPipeTransitionException if the call's state has no "To fail" (once the
     *         table reached Comp or WNP, the call can only complete)
     */
    public void abort(int exceptionCode) {
        if (exceptionCode == 0) {
            throw new IllegalArgumentException("an ExceptionCode of 0 does not reach the client as a fault");
        }
        checkNotEnded();
        if (decision.get() == COMPLETING) {
            throw new IllegalStateException("complete was already called: the call cannot be aborted too");
        }
        PipeState s = state();
        if (!accepts(PipeInput.APP_FAIL)) {
            if (table != null) {
                throw new IllegalPipeTransitionException(table, s, PipeInput.APP_FAIL);
            }
            throw new IllegalStateException(title() + ": cannot abort in state " + s);
        }
        if (!decision.compareAndSet(UNDECIDED, ABORTING)) {
            throw new IllegalStateException(decision.get() == ABORTING
                    ? "abort was already called: a call is aborted once"
                    : "complete was already called: the call cannot be aborted too");
        }
        replyGiven = true;
        onDispatcher(() -> {
            if (failure == null) {
                failure = dev.winrpc.async.RpcException.serverFault("RpcAsyncAbortCall", exceptionCode);
            }
            abortCode = exceptionCode;
            appFailPending = true;
            act();
        });
    }
}
