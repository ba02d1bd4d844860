package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import dev.winrpc.async.Deadline;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcStatus;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.dispatch.Registration;
import dev.winrpc.async.pipe.Action;
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
import java.util.function.ToIntFunction;

/**
 * A client's asynchronous call: a plain call (its {@link #result()} is a
 * {@link java.util.concurrent.CompletableFuture}), or a call with async pipes that follows the
 * client table of the "Asynchronous Pipe State" page for its pipe kind: it pushes the chunks of
 * its {@link PipeWriter} one at a time, waiting for RpcSendComplete between them, ends the in
 * pipe with the null push, pulls its {@link PipeReader} as the application asks, waits for the
 * completion and completes.
 *
 * <pre>{@code
 * PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
 * PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
 * OutParam b = OutParam.clientInt();
 * ClientCall<Integer> call = ClientCall.builder(dispatcher, Reply.INT)
 *         .send(in).receive(out).out(b)
 *         .start(ctx -> stubs.PipeEcho(ctx.pAsync(), binding, 5, ctx.inPipe(), ctx.outPipe(), b.pointer()));
 * in.send(new int[] {1, 2, 3});
 * in.finish();
 * out.publisher().subscribe(...);
 * int sum = call.result().get();
 * }</pre>
 *
 * <p>The stub is called on the dispatcher's thread, with the call's state already registered
 * (so no notification can be missed); it must return the RPC_STATUS of the initial call rather
 * than raise an SEH exception (MIDL stubs raise: wrap them in C, as windows-tests' glue does).
 *
 * @param <R> the reply's Java type
 */
public final class ClientCall<R> extends AsyncCall<R> {

    /** What the stub gets: the addresses to pass to it. */
    public interface Context {
        /** {@return the call's PRPC_ASYNC_STATE} */
        Pointer pAsync();

        /** {@return the [in] pipe structure to pass (the stub fills it in), or null} */
        Pointer inPipe();

        /** {@return the [out] pipe structure to pass (the stub fills it in), or null} */
        Pointer outPipe();
    }

    /**
     * The default bound on a non-abortive cancel: then the call is cancelled abortively, as
     * Microsoft's RpcAsyncCancelCall page advises (a non-abortive cancel has no timeout of its
     * own).
     */
    public static final Duration DEFAULT_CANCEL_TIMEOUT = Duration.ofSeconds(10);

    /** Starts the call: a MIDL client stub, or glue around one. */
    @FunctionalInterface
    public interface Stub {
        /** Starts the call with the addresses the stub needs.
         * @param ctx the addresses to pass
         * @return the RPC_STATUS of the initial call (RPC_S_OK when it was started)
         */
        int start(Context ctx);
    }

    /**
     * Builds and starts a client call.
     *
     * @param <R> the reply's Java type
     */
    public static final class Builder<R> {
        private final Dispatcher dispatcher;
        private final Reply<R> reply;
        private PipeWriter<?> in;
        private PipeReader<?> out;
        private final List<OutParam> outs = new ArrayList<>();
        private Duration cancelTimeout = DEFAULT_CANCEL_TIMEOUT;
        private Deadline deadline = Deadline.none();

        private Builder(Dispatcher dispatcher, Reply<R> reply) {
            this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
            this.reply = Objects.requireNonNull(reply, "reply");
        }

        /**
         * The call's [in] pipe.
         *
         * @param writer its sending end, not attached to another call
         * @return this
         */
        public Builder<R> send(PipeWriter<?> writer) {
            this.in = Objects.requireNonNull(writer, "writer");
            return this;
        }

        /**
         * The call's [out] pipe.
         *
         * @param reader its receiving end, not attached to another call
         * @return this
         */
        public Builder<R> receive(PipeReader<?> reader) {
            this.out = Objects.requireNonNull(reader, "reader");
            return this;
        }

        /**
         * An [out] parameter the call pins until it ends.
         *
         * @param param from {@link OutParam#client(int)}
         * @return this
         */
        public Builder<R> out(OutParam param) {
            outs.add(Objects.requireNonNull(param, "param"));
            return this;
        }

        /**
         * How long a non-abortive {@link ClientCall#cancel(boolean) cancel} may wait for the
         * server to finish the call: then the call is cancelled abortively (RpcAsyncCancelCall
         * has no timeout of its own, and its page advises this).
         *
         * @param timeout positive; {@link ClientCall#DEFAULT_CANCEL_TIMEOUT} by default
         * @return this
         */
        public Builder<R> cancelTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the timeout must be positive: " + timeout);
            }
            this.cancelTimeout = timeout;
            return this;
        }

        /**
         * The call's deadline, counted from {@link #start}: when it passes, the call is
         * cancelled abortively and fails with an {@link dev.winrpc.async.RpcDeadlineExceededException}.
         *
         * @param deadline {@link Deadline#none()} (the default) or {@link Deadline#after}
         * @return this
         */
        public Builder<R> deadline(Deadline deadline) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        /**
         * As {@link #deadline(Deadline) deadline(Deadline.after(timeout))}.
         *
         * @param timeout positive
         * @return this
         * @throws IllegalArgumentException if timeout is zero or negative
         */
        public Builder<R> deadline(Duration timeout) {
            return deadline(Deadline.after(timeout));
        }

        /**
         * Initialises the call's state, registers it with the dispatcher and starts the call on
         * the dispatcher's thread.
         *
         * @param stub starts the call
         * @return the call
         * @throws DispatcherClosedException if the dispatcher is closed
         * @throws IllegalArgumentException if a pipe call uses a dispatcher that cannot tell
         *         the pipe events apart (only an ApcDispatcher can)
         * @throws IllegalStateException if a pipe end or [out] parameter belongs to another call
         */
        public ClientCall<R> start(Stub stub) {
            Objects.requireNonNull(stub, "stub");
            if (dispatcher.isClosed()) {
                throw new DispatcherClosedException(dispatcher + " is closed: cannot start a call");
            }
            ClientCall<R> call = new ClientCall<>(dispatcher, reply, in, out, outs, cancelTimeout,
                    CallDeadline.of(deadline));
            call.begin(stub);
            return call;
        }
    }

    private final ASYNC_PIPE inPipe;
    private final ASYNC_PIPE outPipe;
    private final Duration cancelTimeout;
    private final CallDeadline deadline;

    // ---- dispatcher thread only ----
    /** RpcAsyncCompleteCall returned RPC_S_ASYNC_CALL_PENDING: Comp waits for RpcCallComplete. */
    private boolean awaitingCallComplete;
    boolean cancelIssued;
    private boolean cancelAbortive = true;
    /** An abortive RpcAsyncCancelCall has been made: the runtime ends the call at once. */
    private boolean abortiveCancelIssued;

    private ClientCall(Dispatcher dispatcher, Reply<R> reply, PipeWriter<?> in, PipeReader<?> out,
            List<OutParam> outs, Duration cancelTimeout, CallDeadline deadline) {
        super(dispatcher, Side.CLIENT, PipeKind.of(in != null, out != null), reply, in, out, outs);
        this.cancelTimeout = cancelTimeout;
        this.deadline = deadline;
        this.inPipe = in != null ? new ASYNC_PIPE() : null;
        this.outPipe = out != null ? new ASYNC_PIPE() : null;
    }

    /** Starts building a client call.
     * @param dispatcher notifies the call (APC, completion port, event; polling for plain calls)
     * @param reply the reply type
     * @param <R> the reply's Java type
     * @return a builder
     */
    public static <R> Builder<R> builder(Dispatcher dispatcher, Reply<R> reply) {
        return new Builder<>(dispatcher, reply);
    }

    /**
     * Starts a plain call (no pipe).
     *
     * @param dispatcher notifies the call
     * @param reply the reply type
     * @param stub starts the call with the state's address
     * @param <R> the reply's Java type
     * @return the call
     */
    public static <R> ClientCall<R> start(Dispatcher dispatcher, Reply<R> reply, ToIntFunction<Pointer> stub) {
        Objects.requireNonNull(stub, "stub");
        return builder(dispatcher, reply).start(ctx -> stub.applyAsInt(ctx.pAsync()));
    }

    private void begin(Stub stub) {
        Registration registration;
        try {
            async = new RPC_ASYNC_STATE();
            asyncAddress = async.getPointer();
            RpcException.check("RpcAsyncInitializeHandle",
                    Rpcrt4Direct.RpcAsyncInitializeHandle(asyncAddress, RPC_ASYNC_STATE.SIZE));
            // After InitializeHandle, which resets Flags.
            async.Flags = sender != null ? Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE : 0;
            async.UserInfo = null;
            begin(PipeState.C);
            registration = dispatcher.register(async, target);
        } catch (RuntimeException | Error e) {
            refused();
            throw e;
        }
        registered(registration);
        Context ctx = new StubContext(asyncAddress, inPipe == null ? null : inPipe.getPointer(),
                outPipe == null ? null : outPipe.getPointer());
        try {
            onDispatcher(() -> makeCall(stub, ctx));
        } catch (DispatcherClosedException e) {
            // Closed since the registration: the call never started (the close ended it in C).
            registration.close();
            refused();
            throw new DispatcherClosedException(dispatcher + " is closed: cannot start a call");
        }
    }

    /** The call was refused before it started: its pipe ends and [out] parameters are free again. */
    private void refused() {
        markEnded();
        detachAll();
    }

    /**
     * C, "Make the RPC": on the dispatcher thread. A stub's failure does not prove that the
     * runtime has no call: one that threw may have thrown after the call started. What the
     * runtime says decides: a stub that returned a failure failed synchronously (the call must
     * not be cancelled then); otherwise RpcAsyncGetCallStatus tells whether the state has a call
     * behind it (a state never used in a call is RPC_S_INVALID_BINDING). A close that ended the
     * call in C after this task was queued leaves nothing to start. */
    private void makeCall(Stub stub, Context ctx) {
        if (isEnded()) {
            return; // the stub must not hand the runtime a state whose registration is closed
        }
        int st;
        Throwable thrown = null;
        try {
            st = stub.start(ctx);
        } catch (Throwable t) {
            thrown = t;
            st = RpcErrors.RPC_S_CALL_FAILED;
        }
        boolean live = (thrown != null || st == RpcErrors.RPC_S_OK) && runtimeHasCall();
        if (live) {
            started = true;
            if (deadline != null) {
                deadline.arm(this);
            }
            if (inPipe != null) {
                inPipe.read();
                sender.pipe = inPipe;
            }
            if (outPipe != null) {
                outPipe.read();
                receiver.pipe = outPipe;
            }
            if (thrown != null) {
                // The stub threw after the runtime took the call: C's "To fail: go to Can",
                // abortively, and the call fails with what the stub threw.
                outcome.fail(thrown);
                appFailPending = true;
                cancelAbortive = true;
            }
            // C's "To fail: go to Can": a cancel asked for inside the stub is made now that the
            // runtime has the call.
            apply(appFailPending && accepts(PipeInput.APP_FAIL) ? PipeInput.APP_FAIL : PipeInput.OK);
        } else {
            outcome.fail(thrown != null ? thrown : st == RpcErrors.RPC_S_OK
                    ? new IllegalStateException("the client stub returned RPC_S_OK, but the runtime has no "
                            + "call on the state: the stub must start the call with the pAsync it is given")
                    : RpcException.runtimeFailure("the client stub", st));
            apply(PipeInput.FAILED);
        }
        act();
    }

    private boolean runtimeHasCall() {
        int status = Rpcrt4Direct.RpcAsyncGetCallStatus(asyncAddress);
        return status != RpcErrors.RPC_S_INVALID_BINDING && status != RpcErrors.RPC_S_INVALID_ASYNC_HANDLE;
    }

    /**
     * Cancels the call: the table's "To fail" path (Can), RpcAsyncCancelCall, then the
     * completion as usual. Ignored once the call is completing (in Can, WComp, Comp or END).
     *
     * @param abortive true: at once (RPC_S_CALL_CANCELLED); false: the server is asked and may
     *        finish first
     */
    public void cancel(boolean abortive) {
        onDispatcherIfLive(() -> {
            if (accepts(PipeInput.APP_FAIL)) {
                cancelAbortive = abortive;
                appFailPending = true;
                act();
            }
        });
    }

    // ---- the client's behaviour (dispatcher thread) -----------------------------------------------

    @Override
    boolean cancelAction() {
        if (!cancelIssued) {
            cancelIssued = true;
            abortiveCancelIssued = cancelAbortive;
            int st = Rpcrt4Direct.RpcAsyncCancelCall(asyncAddress, cancelAbortive);
            if (!cancelAbortive) {
                // "There is no built-in timeout mechanism. ... If the call times out, then the
                // client can issue an abortive cancel."
                bound(cancelTimeout, this::cancelAbortively);
            }
            apply(st == RpcErrors.RPC_S_OK ? PipeInput.OK : PipeInput.FAILED);
        } else {
            apply(PipeInput.OK);
        }
        return true;
    }

    /** An abortive RpcAsyncCancelCall outside the table, once: the runtime then ends the call. */
    void cancelAbortively() {
        if (started && !outcome.isFinalized() && !abortiveCancelIssued) {
            abortiveCancelIssued = true;
            cancelIssued = true;
            Rpcrt4Direct.RpcAsyncCancelCall(asyncAddress, true); // its result changes nothing here
        }
    }

    @Override
    boolean abortAction() {
        throw new IllegalStateException(title() + ": a client table has no Abort state");
    }

    @Override
    boolean completeAction() {
        if (!started) {
            // The OUT client's "On failure go to Comp" after a call that never started: there
            // is nothing for RpcAsyncCompleteCall to complete.
            outcome.nothingToFinalize();
            apply(PipeInput.FAILED);
            return true;
        }
        if (awaitingCallComplete && !callComplete) {
            return false;
        }
        int st = Rpcrt4Direct.RpcAsyncCompleteCall(asyncAddress, replyBuffer);
        if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            // Not final: the reply is not there yet. Comp is done once it is.
            awaitingCallComplete = true;
            callComplete = false;
            return false;
        }
        outcome.finalized(st);
        apply(st == RpcErrors.RPC_S_OK ? PipeInput.OK : PipeInput.FAILED);
        return true;
    }

    @Override
    void onCallComplete() {
        // The event is a hint (it may have been read when the APC ran, after a later one was
        // written): the runtime says whether the call is complete.
        int status = Rpcrt4Direct.RpcAsyncGetCallStatus(asyncAddress);
        if (status == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            if (receiver != null && receiver.waiting()) {
                receiver.onReceiveComplete(); // pulling again is harmless
            }
            return;
        }
        callComplete = true;
        Action a = action();
        if (a == Action.WAIT_COMPLETION || a == Action.COMPLETE || a == Action.END
                || a == Action.WAIT_SEND || a == Action.CANCEL) {
            return; // the state's own step reads callComplete
        }
        if (receiver != null && status == RpcErrors.RPC_S_OK) {
            // The reply came before the out pipe was drained (nothing orders the two; with
            // ncalrpc the whole reply can be there before the application pulls it): the call
            // keeps pulling to the end, then completes. No data is lost.
            if (a == Action.WAIT_PULL) {
                receiver.onReceiveComplete();
            }
            return;
        }
        if (a == Action.WAIT_PULL) {
            // "If a failure is received": the call ended while a pull was pending.
            outcome.fail(new RpcException(RpcException.Kind.RUNTIME_FAILURE, "RpcCallComplete",
                    RpcErrors.RPC_S_CALL_FAILED, null));
            apply(PipeInput.FAILURE);
            return;
        }
        // The call ended while the library was doing something of its own (waiting for the
        // application's data or demand): the state's "To fail".
        failIfPossible();
    }

    @Override
    boolean onClientGone(int event) {
        unexpected("a server notification on a client call");
        return true;
    }

    @Override
    void onDispatcherClosing() {
        // The call's table took its failure path where it had one (Can). A call that waits for
        // its completion without having cancelled abortively (WComp after a non-abortive cancel
        // or after the null push, Comp waiting for the reply, or END waiting for the
        // RpcCallComplete a failed pipe operation brings) is cancelled abortively now, so that
        // the runtime ends it while the dispatcher still delivers its notification.
        cancelAbortively();
    }

    @Override
    boolean finishRuntimeCall() {
        if (!callComplete) {
            // END reached by a pipe operation the runtime refused: the runtime may still hold
            // the call, and nothing else would end it. An abortive cancel makes it end (and is
            // harmless if it is ending already); then wait for RpcCallComplete and complete.
            cancelAbortively();
            return false;
        }
        int st = Rpcrt4Direct.RpcAsyncCompleteCall(asyncAddress, replyBuffer);
        if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            callComplete = false;
            return false;
        }
        outcome.finalized(st);
        return true;
    }

    @Override
    Throwable failureAtEnd() {
        int st = outcome.finalStatus();
        if (outcome.isFinalized() && st != RpcErrors.RPC_S_OK && !RpcStatus.isRuntimeStatus(st)) {
            // The server's fault is what the call ended with; a pipe failure on the way there
            // was its consequence.
            outcome.supersede(RpcException.serverFault("RpcAsyncCompleteCall", st));
        }
        return deadline == null ? outcome.atEnd() : deadline.atEnd(outcome.atEnd(), outcome);
    }

    @Override
    R successValue() {
        return reply.read(replyBuffer);
    }
}
