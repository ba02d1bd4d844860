package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.Registration;
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
 * A client's asynchronous call: a plain call (its result is a {@link CompletableFuture}), or a
 * call with async pipes that follows seed 002's client table for its pipe kind: it pushes the
 * chunks of its {@link PipeWriter} one at a time, waiting for RpcSendComplete between them, ends
 * the in pipe with the null push, pulls its {@link PipeReader} as the application asks, waits
 * for the completion and completes.
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
        /** @return the call's PRPC_ASYNC_STATE */
        Pointer pAsync();

        /** @return the [in] pipe structure to pass (the stub fills it in), or null */
        Pointer inPipe();

        /** @return the [out] pipe structure to pass (the stub fills it in), or null */
        Pointer outPipe();
    }

    /** Starts the call: a MIDL client stub, or glue around one. */
    @FunctionalInterface
    public interface Stub {
        /**
         * @param ctx the addresses to pass
         * @return the RPC_STATUS of the initial call (RPC_S_OK when it was started)
         */
        int start(Context ctx);
    }

    /** Builds and starts a client call. */
    public static final class Builder<R> {
        private final Dispatcher dispatcher;
        private final Reply<R> reply;
        private PipeWriter<?> in;
        private PipeReader<?> out;
        private final List<OutParam> outs = new ArrayList<>();

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
         * Initialises the call's state, registers it with the dispatcher and starts the call on
         * the dispatcher's thread.
         *
         * @param stub starts the call
         * @return the call
         * @throws dev.winrpc.async.dispatch.DispatcherClosedException if the dispatcher is closed
         * @throws IllegalArgumentException if a pipe call uses a dispatcher other than an
         *         ApcDispatcher (only an APC says which event it notifies)
         * @throws IllegalStateException if a pipe end or [out] parameter belongs to another call
         */
        public ClientCall<R> start(Stub stub) {
            Objects.requireNonNull(stub, "stub");
            if (dispatcher.isClosed()) {
                throw new dev.winrpc.async.dispatch.DispatcherClosedException(
                        dispatcher + " is closed: cannot start a call");
            }
            ClientCall<R> call = new ClientCall<>(dispatcher, reply, in, out, outs);
            call.begin(stub);
            return call;
        }
    }

    private final ASYNC_PIPE inPipe;
    private final ASYNC_PIPE outPipe;
    private final CompletableFuture<R> view;

    private ClientCall(Dispatcher dispatcher, Reply<R> reply, PipeWriter<?> in, PipeReader<?> out,
            List<OutParam> outs) {
        super(dispatcher, Side.CLIENT, reply, in, out, outs);
        this.inPipe = in != null ? new ASYNC_PIPE() : null;
        this.outPipe = out != null ? new ASYNC_PIPE() : null;
        this.view = result.copy();
    }

    /**
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
    public static <R> ClientCall<R> start(Dispatcher dispatcher, Reply<R> reply,
            java.util.function.ToIntFunction<Pointer> stub) {
        Objects.requireNonNull(stub, "stub");
        return builder(dispatcher, reply).start(ctx -> stub.applyAsInt(ctx.pAsync()));
    }

    private void begin(Stub stub) {
        async = new RPC_ASYNC_STATE();
        asyncAddress = async.getPointer();
        RpcException.check("RpcAsyncInitializeHandle",
                rpcrt4.RpcAsyncInitializeHandle(async, RPC_ASYNC_STATE.SIZE));
        // After InitializeHandle, which resets Flags.
        async.Flags = writer != null ? Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE : 0;
        async.UserInfo = null;
        begin(PipeState.C);
        Registration registration = dispatcher.register(async, this);
        registered(registration);
        Context ctx = new Context() {
            @Override
            public Pointer pAsync() {
                return asyncAddress;
            }

            @Override
            public Pointer inPipe() {
                return inPipe == null ? null : inPipe.getPointer();
            }

            @Override
            public Pointer outPipe() {
                return outPipe == null ? null : outPipe.getPointer();
            }
        };
        try {
            onDispatcher(() -> {
                int st;
                try {
                    st = stub.start(ctx);
                } catch (Throwable t) {
                    failure = t;
                    st = RpcErrors.RPC_S_CALL_FAILED;
                }
                if (st == RpcErrors.RPC_S_OK) {
                    started = true;
                    if (inPipe != null) {
                        inPipe.read();
                        writer.pipe = inPipe;
                    }
                    if (outPipe != null) {
                        outPipe.read();
                        reader.pipe = outPipe;
                    }
                    // C's "To fail: go to Can": a cancel asked for inside the stub is made
                    // now that the runtime has the call.
                    apply(appFailPending && accepts(PipeInput.APP_FAIL) ? PipeInput.APP_FAIL : PipeInput.OK);
                } else {
                    if (failure == null) {
                        failure = RpcException.runtimeFailure("the client stub", st);
                    }
                    apply(PipeInput.FAILED);
                }
                act();
            });
        } catch (RuntimeException e) {
            // The dispatcher refused the work: the call was never started.
            registration.close();
            throw e;
        }
    }

    /**
     * The reply: completes with it when the call completed with RPC_S_OK; fails with an
     * {@link RpcException} (a runtime failure or the server's fault) or with the exception that
     * failed the call. Completing or cancelling this future does not affect the call: use
     * {@link #cancel(boolean)}.
     *
     * @return the result
     */
    public CompletableFuture<R> result() {
        return view;
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
}
