package dev.winrpc.async.rpc;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.Deadline;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.Reply;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.RpcWstr;
import dev.winrpc.async.raw.Rpcrt4Binding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client binding handle: made from a string binding ({@link #fromString}) or a
 * {@link #builder()}, with typed authentication ({@link RpcAuth}) and a default call deadline.
 *
 * <p><b>Calls.</b> {@link #call(Dispatcher, Reply)} gives a {@link ClientCall.Builder} that
 * already carries the binding's default deadline (a call may set its own with
 * {@link ClientCall.Builder#deadline(Deadline)}); {@link #start(ClientCall.Builder, Stub)} starts
 * it with this binding's handle, and the binding counts the call as in flight from before the
 * stub runs to the call's END.
 *
 * <p><b>Closing.</b> {@link #close()} refuses new calls at once. With no call in flight it frees
 * the handle ({@code RpcBindingFree}) and returns. With calls in flight:
 * <ul>
 *   <li>on a thread of a dispatcher that notifies one of them (a notification handler, a
 *       continuation of a call's result), it does not wait, which would deadlock: the handle is
 *       freed when the last call ends;</li>
 *   <li>elsewhere it waits for them, at most the close timeout ({@link RpcBindingBuilder#closeTimeout},
 *       {@link #DEFAULT_CLOSE_TIMEOUT}); if some are still in flight then, it cancels them
 *       abortively and throws an {@link IllegalStateException} that says so: the handle is freed
 *       when the last of them ends.</li>
 * </ul>
 * The handle is never freed while a call made through {@link #start} can use it. A second
 * close is a no-op. A binding that is never closed leaks its handle.
 *
 * <p>Thread-safe.
 */
public final class RpcBinding implements AutoCloseable {

    /** How long {@link #close()} waits for calls in flight by default. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** Starts a call on a binding: a MIDL client stub, or glue around one. */
    @FunctionalInterface
    public interface Stub {
        /**
         * {@return the RPC_STATUS of the initial call}
         *
         * @param binding the binding handle to pass to the stub
         * @param ctx the call's addresses
         */
        int start(Pointer binding, ClientCall.Context ctx);
    }

    private final Object lock = new Object();
    private final Pointer handle;
    private final Deadline deadline;
    private final Duration closeTimeout;
    private final List<ClientCall<?>> calls = new ArrayList<>();
    private int using;
    private boolean closed;
    private boolean freed;

    RpcBinding(Pointer handle, Deadline deadline, Duration closeTimeout) {
        this.handle = handle;
        this.deadline = deadline;
        this.closeTimeout = closeTimeout;
    }

    static Rpcrt4Binding raw() {
        return RpcRuntime.rpcrt4Binding();
    }

    /**
     * A binding from a string binding
     * ({@code [ObjectUUID@]ProtocolSequence:[NetworkAddress][[Endpoint][,Option=Value]...]}),
     * without authentication, deadline none.
     *
     * @param stringBinding the string
     * @return the binding
     * @throws NullPointerException if stringBinding is null
     * @throws IllegalArgumentException if it is empty or blank, or holds a NUL character
     * @throws RpcException if the runtime refuses it (RPC_S_INVALID_STRING_BINDING,
     *         RPC_S_PROTSEQ_NOT_SUPPORTED, ...)
     */
    public static RpcBinding fromString(String stringBinding) {
        return builder().stringBinding(stringBinding).build();
    }

    /** {@return a builder} */
    public static RpcBindingBuilder builder() {
        return new RpcBindingBuilder();
    }

    /** {@return the deadline a call made through {@link #call} gets unless it sets its own} */
    public Deadline defaultDeadline() {
        return deadline;
    }

    /**
     * A call builder that carries this binding's default deadline.
     *
     * @param dispatcher notifies the call
     * @param reply the reply type
     * @param <R> the reply's Java type
     * @return the builder; start it with {@link #start(ClientCall.Builder, Stub)}
     */
    public <R> ClientCall.Builder<R> call(Dispatcher dispatcher, Reply<R> reply) {
        return ClientCall.builder(dispatcher, reply).deadline(deadline);
    }

    /**
     * Starts a call on this binding: the binding stays alive until the call's END.
     *
     * @param builder the call, usually from {@link #call(Dispatcher, Reply)}
     * @param stub starts the call with this binding's handle
     * @param <R> the reply's Java type
     * @return the call
     * @throws IllegalStateException if the binding is closed
     */
    public <R> ClientCall<R> start(ClientCall.Builder<R> builder, Stub stub) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(stub, "stub");
        acquire();
        ClientCall<R> call;
        try {
            call = builder.start(ctx -> stub.start(handle, ctx));
        } catch (RuntimeException | Error e) {
            release(null);
            throw e;
        }
        synchronized (lock) {
            calls.add(call);
            using--;
            lock.notifyAll();
        }
        call.whenEnded(() -> release(call));
        return call;
    }

    /**
     * As {@code start(call(dispatcher, reply), stub)}.
     *
     * @param dispatcher notifies the call
     * @param reply the reply type
     * @param stub starts the call with this binding's handle
     * @param <R> the reply's Java type
     * @return the call
     * @throws IllegalStateException if the binding is closed
     */
    public <R> ClientCall<R> start(Dispatcher dispatcher, Reply<R> reply, Stub stub) {
        return start(call(dispatcher, reply), stub);
    }

    /**
     * The handle, for stubs called outside {@link #start}: the caller must not use it after
     * {@link #close()}, nor close the binding while its own calls on it are in flight.
     *
     * @return the binding handle
     * @throws IllegalStateException if the binding is closed
     */
    public Pointer handle() {
        synchronized (lock) {
            checkOpen();
            return handle;
        }
    }

    /** {@return how many calls started through {@link #start} have not yet ended} */
    public int callsInFlight() {
        synchronized (lock) {
            return inFlightLocked();
        }
    }

    /** {@return whether {@link #close()} was called} */
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * {@return the handle's string binding ({@code RpcBindingToStringBindingW}): with the endpoint once it is known}
     *
     * @throws IllegalStateException if the binding is closed
     * @throws RpcException if the runtime fails
     */
    public String toStringBinding() {
        acquire();
        try {
            PointerByReference s = new PointerByReference();
            RpcException.check("RpcBindingToStringBindingW", raw().RpcBindingToStringBindingW(handle, s));
            return takeString(s);
        } finally {
            release(null);
        }
    }

    /**
     * Whether the server the binding names is listening ({@code RpcMgmtIsServerListening}).
     *
     * @return true for RPC_S_OK, false for RPC_S_NOT_LISTENING
     * @throws IllegalStateException if the binding is closed
     * @throws RpcException for any other status (the server cannot be reached, ...)
     */
    public boolean isServerListening() {
        acquire();
        try {
            int st = raw().RpcMgmtIsServerListening(handle);
            if (st == RpcErrors.RPC_S_OK) {
                return true;
            }
            if (st == RpcErrors.RPC_S_NOT_LISTENING) {
                return false;
            }
            throw RpcException.of("RpcMgmtIsServerListening", st);
        } finally {
            release(null);
        }
    }

    /**
     * Completes a binding without an endpoint from the endpoint mapper
     * ({@code RpcEpResolveBinding}).
     *
     * @param ifspec the interface (MIDL's ifspec from the stub)
     * @throws NullPointerException if ifspec is null
     * @throws IllegalStateException if the binding is closed
     * @throws RpcException if it cannot be resolved (EPT_S_NOT_REGISTERED, ...)
     */
    public void resolve(Pointer ifspec) {
        Objects.requireNonNull(ifspec, "ifspec");
        acquire();
        try {
            RpcException.check("RpcEpResolveBinding", raw().RpcEpResolveBinding(handle, ifspec));
        } finally {
            release(null);
        }
    }

    /**
     * Refuses new calls and frees the handle now or when the last call in flight ends: see the
     * class comment. A second close is a no-op.
     *
     * @throws IllegalStateException if calls were still in flight after the close timeout (they
     *         have been cancelled abortively; the handle is freed when they end)
     */
    @Override
    public void close() {
        List<ClientCall<?>> stuck;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (inFlightLocked() == 0) {
                freeLocked();
                return;
            }
            for (ClientCall<?> c : calls) {
                if (c.dispatcher().inDispatcherThread()) {
                    return; // freed by the last call's end: waiting here would deadlock
                }
            }
            long end = System.nanoTime() + closeTimeout.toNanos();
            boolean interrupted = false;
            while (inFlightLocked() > 0 && !interrupted) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (inFlightLocked() == 0) {
                freeLocked();
                return;
            }
            stuck = new ArrayList<>(calls);
        }
        for (ClientCall<?> c : stuck) {
            c.cancel(true);
        }
        throw new IllegalStateException(stuck.size() + " call(s) on " + this + " still in flight after "
                + closeTimeout.toMillis() + " ms: cancelled abortively; the handle is freed when the last ends");
    }

    @Override
    public String toString() {
        return "RpcBinding@" + Integer.toHexString(System.identityHashCode(this));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private void acquire() {
        synchronized (lock) {
            checkOpen();
            using++;
        }
    }

    private void release(ClientCall<?> call) {
        synchronized (lock) {
            if (call == null) {
                using--;
            } else {
                calls.remove(call);
            }
            if (closed && !freed && inFlightLocked() == 0) {
                freeLocked();
            }
            lock.notifyAll();
        }
    }

    private int inFlightLocked() {
        calls.removeIf(ClientCall::ended);
        return using + calls.size();
    }

    private void freeLocked() {
        if (freed) {
            return;
        }
        freed = true;
        PointerByReference r = new PointerByReference(handle);
        RpcException.check("RpcBindingFree", raw().RpcBindingFree(r));
    }

    static String takeString(PointerByReference s) {
        try {
            return RpcWstr.read(s.getValue());
        } finally {
            if (s.getValue() != null) {
                raw().RpcStringFreeW(s);
            }
        }
    }
}
