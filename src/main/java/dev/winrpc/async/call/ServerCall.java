package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.pipe.IllegalPipeTransitionException;
import dev.winrpc.async.pipe.PipeInput;
import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.pipe.Side;
import dev.winrpc.async.raw.ASYNC_PIPE;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Direct;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A server's side of an asynchronous call, made inside a manager routine the way Microsoft's
 * "Server-side Asynchronous Pipe Handling" example does it in C
 * ({@code docs/reference/server-side-asynchronous-pipe-handling.md}): the routine receives the
 * asynchronous handle first, and the server call registers it with a dispatcher, pulls the in
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
 * has ended, its {@link #result()} failed with the reason; on a programming error (a pipe end
 * that belongs to another call) it aborts, then throws.
 *
 * @param <R> the reply's Java type
 */
public final class ServerCall<R> extends AsyncCall<R> {

    /**
     * Builds a server call around the handle a manager routine received.
     *
     * @param <R> the reply's Java type
     */
    public static final class Builder<R> {
        private final Dispatcher dispatcher;
        private final Reply<R> reply;
        private final Pointer pAsync;
        private PipeReader<?> in;
        private Pointer inPipe;
        private PipeWriter<?> out;
        private Pointer outPipe;
        private final List<OutParam> outs = new ArrayList<>();
        private Duration nullPushTimeout = DEFAULT_NULL_PUSH_TIMEOUT;

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
         * How long the call waits for its null push's send completion (WNP), which the page
         * leaves unbounded: then it takes WNP's "On failure to get a completion go to A" and
         * aborts, its {@link #result()} failing with a {@link java.util.concurrent.TimeoutException}.
         *
         * @param timeout positive; {@link ServerCall#DEFAULT_NULL_PUSH_TIMEOUT} by default
         * @return this
         */
        public Builder<R> nullPushTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the timeout must be positive: " + timeout);
            }
            this.nullPushTimeout = timeout;
            return this;
        }

        /**
         * Registers the call and takes it out of D. If the call cannot be registered (the
         * dispatcher is closing, for one) it is aborted with RPC_S_CALL_FAILED and the returned
         * call has ended, its {@link #result()} failed with the reason; a close that begins
         * after the registration aborts it the same way. Accepting never throws for a closing
         * dispatcher: the manager routine has a call either way, and returns.
         *
         * @return the call
         * @throws IllegalStateException after aborting the call, if a pipe end or [out]
         *         parameter belongs to another call; without touching anything, if this
         *         asynchronous handle was accepted already (a manager routine accepts its call
         *         once)
         */
        public ServerCall<R> accept() {
            return ServerCall.accept(this);
        }
    }

    /** The default bound on the wait for the null push's send completion (WNP). */
    public static final Duration DEFAULT_NULL_PUSH_TIMEOUT = Duration.ofSeconds(30);

    /** The application's one decision: complete or abort. */
    private final ServerDecision<R> decision;
    /** A server's: completed when the runtime says the client cancelled or went away. */
    private final CompletableFuture<RpcException> clientGone;
    private final ServerSubscriptions subscriptions;
    private final Duration nullPushTimeout;

    // ---- dispatcher thread only ----
    /** The server was told RpcClientCancel. */
    private boolean clientCancelled;
    private R serverReply;
    private boolean serverReplySet;
    /** The code Abort uses. */
    private int abortCode = RpcErrors.RPC_S_CALL_FAILED;
    /** The application's abort, accepted: carried out where the table is when it gets here. */
    private boolean abortRequested;
    /** END was handled while subscription notifications were still on their way. */
    private boolean releaseWhenSettled;

    private ServerCall(Builder<R> b) {
        super(b.dispatcher, Side.SERVER, PipeKind.of(b.in != null, b.out != null), b.reply, b.out, b.in, b.outs);
        this.subscriptions = new ServerSubscriptions(b.dispatcher);
        this.clientGone = new CallFuture<>(b.dispatcher);
        this.decision = new ServerDecision<>(reply, replyBuffer);
        this.nullPushTimeout = b.nullPushTimeout;
    }

    /** Starts building the server's side of a call the manager routine received.
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
        AcceptedHandles.claim(b.pAsync);
        ServerCall<R> call;
        try {
            call = new ServerCall<>(b);
        } catch (RuntimeException | Error e) {
            AcceptedHandles.abortUnbuilt(b.pAsync, e);
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
            async.Flags = sender != null ? Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE : 0;
            async.UserInfo = null;
            if (receiver != null) {
                receiver.pipe = new ASYNC_PIPE(b.inPipe);
            }
            if (sender != null) {
                sender.pipe = new ASYNC_PIPE(b.outPipe);
            }
            registered(dispatcher.registerServerCall(async, target));
        } catch (Throwable t) {
            // Not registered: abort here, on the runtime's thread (D, To fail gracefully: A).
            outcome.fail(t);
            try {
                apply(PipeInput.APP_FAIL);
                AcceptedHandles.release(asyncAddress);
                Rpcrt4Direct.RpcAsyncAbortCall(asyncAddress, RpcErrors.RPC_S_CALL_FAILED);
                outcome.aborted(RpcErrors.RPC_S_CALL_FAILED);
                apply(PipeInput.OK);
            } catch (Throwable again) {
                t.addSuppressed(again);
            }
            markEnded();
            result.completeExceptionally(t);
            return;
        }
        try {
            onDispatcher(this::dispatched);
        } catch (DispatcherClosedException closing) {
            // Closing began after the registration: the close aborts the call (D: A); accept stands.
        }
    }

    /** On the dispatcher thread, once the call is registered: it leaves D. */
    private void dispatched() {
        if (!outcome.isFinalized() && subscriptions.subscribe(registration, asyncAddress)) {
            // On Windows the client's cancel and disconnect reach a server call only through
            // a subscription. Made here, on the dispatcher thread, so that nothing can
            // complete or abort the call while it is being made. The client cancelled
            // before it: that cancel is never notified.
            clientGone(Rpcrt4.RpcClientCancel);
        }
        if (state() == PipeState.D) {
            apply(PipeInput.OK); // "The call is dispatched by the RPC runtime"
        }
        act();
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
     * <p>A call can end without the application: its client cancels or goes away, its
     * dispatcher closes, the runtime fails it. The server cannot always see that coming, so a
     * reply given after it is dropped and complete returns normally; {@link #result()} says how
     * the call ended, and {@link #clientGone()} whether the client left.
     *
     * @param value the reply
     * @throws IllegalStateException if the application already completed or aborted the call
     * @throws IllegalArgumentException if the reply cannot be written as the call's
     *         {@link Reply} type (nothing was decided: the call still waits for its reply)
     */
    public void complete(R value) {
        boolean written = decision.complete(value);
        replyGiven = true;
        if (written) { // else ended without the application: the reply is dropped
            onDispatcherIfLive(() -> { // a close that began meanwhile aborts the call
                serverReply = value;
                serverReplySet = true;
                act();
            });
        }
    }

    /**
     * Aborts the call: the table's "To fail" path (A), RpcAsyncAbortCall with the code, which
     * reaches the client as a fault.
     *
     * <p>The abort is refused when the call is seen to be in a state without "To fail" (Comp
     * or WNP, where the table can only complete). An abort accepted before the call got there
     * is carried out when it gets to Comp, with RpcAsyncAbortCall in place of
     * RpcAsyncCompleteCall: the client never gets a reply the server did not give. (A server
     * that decides to fail after reading its [in] pipe to the end can abort from the reader's
     * own callback: the end is delivered before the table leaves the pull state.)
     *
     * <p>As with {@link #complete}, aborting a call that ended without the application returns.
     *
     * @param exceptionCode the fault for the client; not 0
     * @throws IllegalArgumentException if the code is 0
     * @throws IllegalStateException if the application already completed or aborted the call
     * @throws IllegalPipeTransitionException if the call's state has no "To fail" (once the
     *         table reached Comp or WNP, the call can only complete)
     */
    public void abort(int exceptionCode) {
        if (exceptionCode == 0) {
            throw new IllegalArgumentException("an ExceptionCode of 0 does not reach the client as a fault");
        }
        decision.checkNotCompleting();
        if (isEnded()) {
            decision.abort(); // refuses a second abort; else the call ended without the application
            replyGiven = true;
            return;
        }
        PipeState s = state(); // one reading for the check and the message: the state moves meanwhile
        if (s == null || table.next(s, PipeInput.APP_FAIL).isEmpty()) {
            throw new IllegalPipeTransitionException(table, s, PipeInput.APP_FAIL);
        }
        decision.abort();
        replyGiven = true;
        onDispatcherIfLive(() -> { // a close that began meanwhile aborts the call
            outcome.fail(RpcException.serverFault("RpcAsyncAbortCall", exceptionCode));
            abortCode = exceptionCode;
            abortRequested = true;
            appFailPending = true;
            act();
        });
    }

    // ---- the server's behaviour (dispatcher thread) -----------------------------------------------

    @Override
    boolean cancelAction() {
        throw new IllegalStateException(title() + ": a server table has no Can state");
    }

    @Override
    boolean abortAction() {
        abortNative(abortCode);
        apply(PipeInput.OK);
        return true;
    }

    private void abortNative(int code) {
        if (outcome.isFinalized()) {
            throw new IllegalStateException(title() + ": the call was already completed or aborted");
        }
        subscriptions.end();
        AcceptedHandles.release(asyncAddress);
        int st = Rpcrt4Direct.RpcAsyncAbortCall(asyncAddress, code);
        outcome.aborted(code);
        outcome.fail(RpcException.serverFault("RpcAsyncAbortCall", code));
        if (st != RpcErrors.RPC_S_OK) {
            dispatcher.report(RpcException.runtimeFailure("RpcAsyncAbortCall", st));
        }
    }

    @Override
    boolean completeAction() {
        if (abortRequested) {
            // The application aborted before the table got here, and gave no reply.
            abortNative(abortCode);
            apply(PipeInput.OK);
            return true;
        }
        boolean replyStands = !outcome.failed() || clientCancelled;
        if (!serverReplySet && !compAfterFailure) {
            if (replyStands && !dispatcherClosing) {
                // Waiting for the application's reply. After a client's cancel the server may
                // still finish (a non-abortive cancel asks, it does not end the call): its reply
                // goes, and the application hears of the cancel through clientGone(). Comp has
                // no "To fail", and completing here without the application's reply would hand
                // the client a reply nobody gave.
                return false;
            }
            // The call failed (its dispatcher closed, or the library failed) and no reply will
            // come: it is aborted, never completed with a reply nobody gave.
            abortNative(RpcErrors.RPC_S_CALL_FAILED);
            apply(PipeInput.OK);
            return true;
        }
        // Comp reached by a failure (the pipe broke: "If a failure is received go Comp") does
        // not wait for the application: the table completes, and the client does not get that
        // reply. The buffer holds the application's reply if it gave one (written by complete).
        if (sender != null) {
            sender.endBeforeCompletion();
        }
        boolean appReply = serverReplySet && replyStands && !compAfterFailure;
        subscriptions.end();
        AcceptedHandles.release(asyncAddress);
        int st = decision.completeCall(asyncAddress, serverReplySet);
        outcome.finalized(st);
        if (st == RpcErrors.RPC_S_OK && appReply) {
            outcome.forgive(); // the application's reply went: the cancel was answered by it
        }
        if (st != RpcErrors.RPC_S_OK) {
            outcome.fail(RpcException.runtimeFailure("RpcAsyncCompleteCall", st));
        }
        apply(st == RpcErrors.RPC_S_OK ? PipeInput.OK : PipeInput.FAILED);
        return true;
    }

    @Override
    Duration nullPushBound() {
        return nullPushTimeout;
    }

    @Override
    void onCallComplete() {
        unexpected("RpcCallComplete on a server call");
    }

    @Override
    boolean onClientGone(int event) {
        subscriptions.received(event);
        if (endHandled) {
            // A subscription's notification queued before the subscription ended: the
            // registration was kept for it (see registrationReleasable).
            if (releaseWhenSettled && !subscriptions.owed()) {
                releaseWhenSettled = false;
                releaseRegistration();
            }
            return false;
        }
        clientGone(event);
        return true;
    }

    /** The client cancelled or went away: the table's failure path, and the application is told. */
    private void clientGone(int event) {
        boolean cancel = event == Rpcrt4.RpcClientCancel;
        if (cancel && clientCancelled) {
            return; // seen already (RpcServerTestCancel found it before it was notified)
        }
        clientCancelled |= cancel;
        abortCode = cancel ? RpcErrors.RPC_S_CALL_CANCELLED : RpcErrors.RPC_S_CALL_FAILED;
        RpcException gone = new RpcException(RpcException.Kind.RUNTIME_FAILURE,
                cancel ? "RpcClientCancel" : "RpcClientDisconnect", abortCode, null);
        outcome.fail(gone);
        clientGone.complete(gone);
        if (accepts(PipeInput.FAILURE)) {
            apply(PipeInput.FAILURE);
        } else {
            failIfPossible();
        }
    }

    @Override
    void onDispatcherClosing() {
        // The table's failure path (A) was taken where the state has one; Comp aborts (completeAction).
    }

    @Override
    boolean finishRuntimeCall() {
        abortNative(RpcErrors.RPC_S_CALL_FAILED);
        return true;
    }

    @Override
    Throwable failureAtEnd() {
        return outcome.atEnd();
    }

    @Override
    R successValue() {
        return serverReply;
    }

    @Override
    boolean registrationReleasable() {
        if (subscriptions.owed()) {
            // The runtime queued subscription notifications that have not arrived: they will,
            // to this registration, which stays until they have (the runtime may still use it).
            releaseWhenSettled = true;
            return false;
        }
        return true;
    }
}
