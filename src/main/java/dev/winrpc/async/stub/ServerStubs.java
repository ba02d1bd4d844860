package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4Direct;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The server half of generated code: the body of every manager routine of a generated EPV runs
 * inside {@link #serve}, so that no Java exception reaches native code and every call the
 * runtime dispatched ends (completed with the implementation's reply, or aborted with a clear
 * status); and the EPV's address is held with the EPV ({@link #epvPointer}).
 *
 * <p>Statuses: an implementation that fails with an {@link RpcException} aborts the call with
 * that exception's status (a server's fault code, {@link RpcException#serverFault}); any other
 * failure (an exception, a null future, a routine that cannot accept its call) aborts it with
 * {@link #IMPLEMENTATION_FAILED} and is logged (logger {@code dev.winrpc.async.stub.ServerStubs},
 * level ERROR). An implementation's future completing after the call has ended (the client
 * cancelled or went away) is ignored; the implementation's future is cancelled when the call
 * ends first, so that it can stop its work.
 */
public final class ServerStubs {

    /**
     * The code a call is aborted with when its implementation failed with anything but an
     * {@link RpcException}: RPC_S_CALL_FAILED (1726), "The remote procedure call failed."
     */
    public static final int IMPLEMENTATION_FAILED = RpcErrors.RPC_S_CALL_FAILED;

    private static final System.Logger LOG = System.getLogger(ServerStubs.class.getName());

    private ServerStubs() {
    }

    /** One manager routine's call, while its routine runs. */
    public static final class Routine {
        private final String operation;
        private final Pointer binding;
        private boolean acceptEntered;
        private ServerCall<?> call;

        private Routine(String operation, Pointer binding) {
            this.operation = operation;
            this.binding = binding;
        }

        /**
         * Accepts the call (registers it with its dispatcher); from here on a failure aborts it.
         *
         * @param builder the call's builder, with its pipes and [out] parameters
         * @param <R> the reply's Java type
         * @return the call
         */
        public <R> ServerCall<R> accept(ServerCall.Builder<R> builder) {
            acceptEntered = true;
            ServerCall<R> c = builder.accept();
            c.operation(operation);
            call = c;
            return c;
        }

        /**
         * Runs the implementation, with its {@link ServerContext} current on this thread, and
         * completes the call with what its future gives.
         *
         * @param call the accepted call
         * @param implementation calls the user's implementation
         * @param complete sets the [out] values of the implementation's result and returns the
         *        reply (run on the thread that completes the future)
         * @param <R> the reply's Java type
         * @param <V> the implementation's result type
         */
        public <R, V> void reply(ServerCall<R> call, Supplier<? extends CompletionStage<V>> implementation,
                Function<? super V, ? extends R> complete) {
            CompletionStage<V> f = ServerContext.run(operation, call, binding, implementation);
            if (f == null) {
                throw new NullPointerException(operation + "'s implementation returned null, not a future");
            }
            call.result().whenComplete((v, t) -> cancelQuietly(f));
            f.whenComplete((v, t) -> {
                if (call.ended()) {
                    return;
                }
                if (t != null) {
                    abort(operation, call, t);
                    return;
                }
                try {
                    call.complete(complete.apply(v));
                } catch (RuntimeException | Error e) {
                    abort(operation, call, e);
                }
            });
        }
    }

    /**
     * Runs a manager routine's body; nothing escapes into native code. A failure before the
     * call was accepted aborts the runtime's call with {@link #IMPLEMENTATION_FAILED} (one in
     * {@link ServerCall.Builder#accept()} has aborted it already); after, aborts the call.
     *
     * @param pAsync the asynchronous handle the routine received
     * @param operation the operation's name, in messages and on the call
     * @param body accepts the call and starts the implementation
     */
    public static void serve(Pointer pAsync, String operation, Consumer<Routine> body) {
        serve(pAsync, null, operation, body);
    }

    /**
     * Runs a manager routine's body, as {@link #serve(Pointer, String, Consumer)}, with the
     * call's binding handle, which the implementation's {@link ServerContext} asks the runtime
     * about.
     *
     * @param pAsync the asynchronous handle the routine received
     * @param binding the call's binding handle the routine received, or null for the call this
     *        thread runs
     * @param operation the operation's name, in messages and on the call
     * @param body accepts the call and starts the implementation
     */
    public static void serve(Pointer pAsync, Pointer binding, String operation, Consumer<Routine> body) {
        Routine r = null;
        try {
            r = new Routine(operation, binding);
            body.accept(r);
        } catch (Throwable t) {
            try {
                if (r == null || !r.acceptEntered) {
                    LOG.log(Level.ERROR, operation + ": the manager routine failed before accepting its call", t);
                    if (pAsync != null) {
                        Rpcrt4Direct.RpcAsyncAbortCall(pAsync, IMPLEMENTATION_FAILED);
                    }
                } else if (r.call != null) {
                    abort(operation, r.call, t);
                } else {
                    LOG.log(Level.ERROR, operation + ": accepting the call failed (it was aborted)", t);
                }
            } catch (Throwable t2) {
                t.addSuppressed(t2);
                LOG.log(Level.ERROR, operation + ": aborting the call failed", t);
            }
        }
    }

    /**
     * {@return the code a call is aborted with for a failure: an {@link RpcException}'s
     * nonzero status, else {@link #IMPLEMENTATION_FAILED}}
     *
     * @param failure what the implementation failed with (a {@link CompletionException} or
     *        {@link ExecutionException} is unwrapped)
     */
    public static int abortCode(Throwable failure) {
        if (unwrapped(failure) instanceof RpcException e && e.status() != 0) {
            return e.status();
        }
        return IMPLEMENTATION_FAILED;
    }

    private static void abort(String operation, ServerCall<?> call, Throwable t) {
        int code = abortCode(t);
        if (code == IMPLEMENTATION_FAILED && !(unwrapped(t) instanceof RpcException)) {
            LOG.log(Level.ERROR, operation + ": the implementation failed; the call is aborted", t);
        }
        try {
            call.abort(code);
        } catch (IllegalStateException ended) {
            // the call ended meanwhile (its client cancelled or went away): nothing to abort
        }
    }

    /** Cancels an implementation's stage once its call has ended; a stage that cannot be cancelled is left alone. */
    private static void cancelQuietly(CompletionStage<?> f) {
        try {
            f.toCompletableFuture().cancel(false);
        } catch (RuntimeException notCancellable) {
            // a stage without toCompletableFuture (UnsupportedOperationException): its late result is ignored
        }
    }

    private static Throwable unwrapped(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * The address of a generated EPV structure, as a pointer that holds the structure (and so
     * every callback in it) strongly for as long as the pointer itself is reachable: an
     * {@link dev.winrpc.async.rpc.RpcInterface} made with it keeps the callbacks alive while a
     * server holds the interface, that is until the server is closed.
     *
     * @param epv the EPV, its fields set
     * @return its address, written
     */
    public static Pointer epvPointer(Structure epv) {
        Objects.requireNonNull(epv, "epv");
        epv.write();
        return new HeldPointer(Pointer.nativeValue(epv.getPointer()), epv);
    }

    /** A pointer that keeps what it points into reachable. */
    private static final class HeldPointer extends Pointer {
        private final Object held;

        HeldPointer(long peer, Object held) {
            super(peer);
            this.held = held;
        }

        @Override
        public String toString() {
            return "epv@0x" + Long.toHexString(Pointer.nativeValue(this)) + " (" + held.getClass().getSimpleName() + ")";
        }
    }
}
