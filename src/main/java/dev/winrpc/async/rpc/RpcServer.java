package dev.winrpc.async.rpc;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.RpcWstr;
import dev.winrpc.async.raw.Rpcrt4Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An RPC server in this process: endpoints, interfaces with their flags and Java security
 * callbacks, authentication services; made by {@link #builder()}, listening after
 * {@link #start()} (which does not block), stopped and unregistered by {@link #close()}.
 *
 * <p><b>Several per process.</b> rpcrt4 keeps one listening state per process
 * ({@code RpcServerListen}): of the servers whose interfaces are not all
 * {@link IfFlag#AUTOLISTEN}, one listens at a time ({@code start()} fails with
 * RPC_S_ALREADY_LISTENING while another listens). A server whose interfaces are all
 * AUTOLISTEN takes calls from the moment {@link RpcServerBuilder#build()} registers them, never
 * touches the listening state, and can share the process with others: this is what a library
 * hosted in someone else's process should use. Two servers of one interface in one process need
 * manager types ({@link RpcInterface#withManagerType}). Endpoints and authentication services
 * stay for the life of the process (rpcrt4 has no function to give them back), so an endpoint
 * cannot be used by a second server (RPC_S_DUPLICATE_ENDPOINT).
 *
 * <p><b>Closing</b> stops listening ({@code RpcMgmtStopServerListening}) if this server
 * listens, unregisters its interfaces and waits for their calls in flight
 * ({@code RpcServerUnregisterIf} with WaitForCallsToComplete, and {@code RpcMgmtWaitServerListen}
 * for a listening server), at most the close timeout; then resets its object UUIDs' manager
 * types ({@code RpcObjectSetType}), removes its endpoint-map entries ({@code RpcEpUnregister})
 * and frees the binding vector. If calls still run after the close timeout it throws an
 * {@link IllegalStateException}: the server takes no new call, and a second {@code close()}
 * waits for the same calls again. On a thread running a call of this process (a manager
 * routine, a security callback) close is refused with an {@link IllegalStateException}, since it
 * would wait for its own call. A closed server's second close is a no-op.
 *
 * <p>While open, the server (and so each interface's security callback) is held strongly, even
 * if the application drops it.
 */
public final class RpcServer implements AutoCloseable {

    /** How long {@link #close()} waits for calls in flight by default. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());
    /** Open servers: their security callbacks must stay reachable while registered. */
    private static final Set<RpcServer> OPEN = ConcurrentHashMap.newKeySet();

    private final RpcServerBuilder config;
    private final List<RpcInterface> registered = new ArrayList<>();
    private final List<SecurityGate> gates = new ArrayList<>();
    private final List<RpcInterface> mapped = new ArrayList<>();
    private final PointerByReference vector = new PointerByReference();
    /** Manager type UUIDs and object UUIDs as rpcrt4 reads them, for registering and undoing. */
    private final List<Memory> types = new ArrayList<>();
    private final List<Memory> typedObjects = new ArrayList<>();
    private boolean listening;
    private boolean listenedNatively;
    private CompletableFuture<Void> closing;
    private boolean closed;

    private RpcServer(RpcServerBuilder config) {
        this.config = config;
    }

    /** {@return a builder} */
    public static RpcServerBuilder builder() {
        return new RpcServerBuilder();
    }

    static Rpcrt4Server raw() {
        return RpcRuntime.rpcrt4Server();
    }

    static void logWarning(Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "a security callback threw; the call was refused", t);
    }

    static RpcServer open(RpcServerBuilder b) {
        RpcServer s = new RpcServer(b);
        try {
            s.setUp();
        } catch (RuntimeException | Error e) {
            s.unregister(false);
            throw e;
        }
        OPEN.add(s);
        return s;
    }

    private void setUp() {
        Rpcrt4Server r = raw();
        boolean dynamic = false;
        for (RpcServerBuilder.Endpoint e : config.endpoints) {
            if (e.endpoint() == null) {
                dynamic = true;
                RpcException.check("RpcServerUseProtseqW", r.RpcServerUseProtseqW(RpcWstr.of(e.protseq()),
                        Rpcrt4Server.RPC_C_PROTSEQ_MAX_REQS_DEFAULT, null));
            } else {
                RpcException.check("RpcServerUseProtseqEpW", r.RpcServerUseProtseqEpW(RpcWstr.of(e.protseq()),
                        Rpcrt4Server.RPC_C_PROTSEQ_MAX_REQS_DEFAULT, RpcWstr.of(e.endpoint()), null));
            }
        }
        for (RpcServerBuilder.AuthInfo a : config.authInfos) {
            RpcException.check("RpcServerRegisterAuthInfoW", r.RpcServerRegisterAuthInfoW(
                    RpcWstr.of(a.principal()), a.service().value(), null, null));
        }
        for (RpcInterface i : config.interfaces) {
            SecurityGate gate = i.securityCallback() == null ? null
                    : new SecurityGate(this, i.securityCallback(), config.errorHandler);
            Memory type = guid(i.managerType());
            RpcException.check("RpcServerRegisterIf3", r.RpcServerRegisterIf3(i.ifspec(), type, i.epv(),
                    IfFlag.bits(i.flags()), i.maxCalls(), -1, gate, null));
            registered.add(i);
            types.add(type);
            if (gate != null) {
                gates.add(gate);
            }
            for (UUID o : i.objects()) {
                Memory obj = guid(o);
                RpcException.check("RpcObjectSetType", r.RpcObjectSetType(obj, type));
                typedObjects.add(obj);
            }
        }
        if (dynamic && !config.interfaces.isEmpty()) {
            RpcException.check("RpcServerInqBindings", r.RpcServerInqBindings(vector));
            for (RpcInterface i : config.interfaces) {
                RpcException.check("RpcEpRegisterW", r.RpcEpRegisterW(i.ifspec(), vector.getValue(), null, null));
                mapped.add(i);
            }
        }
    }

    /**
     * Starts listening ({@code RpcServerListen} with DontWait): returns at once. A server whose
     * interfaces are all {@link IfFlag#AUTOLISTEN} takes calls since it was built; for it this
     * only marks the server started.
     *
     * @throws IllegalStateException if closed, or already started
     * @throws RpcException if the runtime refuses (RPC_S_ALREADY_LISTENING: another server of
     *         this process listens)
     */
    public synchronized void start() {
        if (closed || closing != null) {
            throw new IllegalStateException(this + " is closed");
        }
        if (listening) {
            throw new IllegalStateException(this + " is already listening");
        }
        if (!autolistenOnly()) {
            RpcException.check("RpcServerListen", raw().RpcServerListen(1, config.maxCalls, 1));
            listenedNatively = true;
        }
        listening = true;
    }

    private boolean autolistenOnly() {
        return !config.interfaces.isEmpty()
                && config.interfaces.stream().allMatch(i -> i.flags().contains(IfFlag.AUTOLISTEN));
    }

    /** {@return whether {@link #start()} succeeded and {@link #close()} has not begun} */
    public synchronized boolean isListening() {
        return listening && closing == null;
    }

    /** {@return whether the server is closed (everything unregistered)} */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * {@return the endpoints' string bindings ({@code RpcServerInqBindings}), e.g. to learn the dynamic endpoints}
     *
     * @throws IllegalStateException if closed
     * @throws RpcException if the runtime fails
     */
    public synchronized List<String> bindings() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        PointerByReference v = new PointerByReference();
        RpcException.check("RpcServerInqBindings", raw().RpcServerInqBindings(v));
        try {
            List<String> out = new ArrayList<>();
            int n = dev.winrpc.async.raw.RPC_BINDING_VECTOR.count(v.getValue());
            for (int i = 0; i < n; i++) {
                PointerByReference s = new PointerByReference();
                Pointer h = dev.winrpc.async.raw.RPC_BINDING_VECTOR.handle(v.getValue(), i);
                RpcException.check("RpcBindingToStringBindingW",
                        RpcBinding.raw().RpcBindingToStringBindingW(h, s));
                out.add(RpcBinding.takeString(s));
            }
            return out;
        } finally {
            raw().RpcBindingVectorFree(v);
        }
    }

    /**
     * Stops listening, waits (bounded) for calls in flight, unregisters: see the class comment.
     *
     * @throws IllegalStateException on a thread running a call (a manager routine, a security
     *         callback), or if calls still run after the close timeout (close again later)
     * @throws RpcException if the runtime fails to stop or unregister
     */
    @Override
    public void close() {
        if (SecurityGate.running() != null || CallerInfo.onACallThread()) {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            throw new IllegalStateException("close() of " + this + " on a thread running an RPC call (a manager"
                    + " routine or a security callback) would wait for its own call: close it from another thread");
        }
        CompletableFuture<Void> w;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (closing == null) {
                closing = CompletableFuture.runAsync(this::shutDown, RpcServer::waitThread);
            }
            w = closing;
        }
        try {
            w.get(config.closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("calls of " + this + " still run after " + config.closeTimeout.toMillis()
                    + " ms: it takes no new call; close again to wait for them");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing " + this, e);
        } catch (ExecutionException e) {
            markClosed();
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("closing " + this + " failed", e.getCause());
        }
        markClosed();
    }

    private synchronized void markClosed() {
        closed = true;
        OPEN.remove(this);
    }

    /** On the close thread: stop listening and wait for the calls, unregister (waiting for theirs). */
    private void shutDown() {
        boolean stop;
        synchronized (this) {
            stop = listenedNatively;
        }
        if (stop) {
            int st = raw().RpcMgmtStopServerListening(null);
            if (st != RpcErrors.RPC_S_OK && st != RpcErrors.RPC_S_NOT_LISTENING) {
                throw RpcException.of("RpcMgmtStopServerListening", st);
            }
            st = raw().RpcMgmtWaitServerListen();
            if (st != RpcErrors.RPC_S_OK && st != RpcErrors.RPC_S_NOT_LISTENING) {
                throw RpcException.of("RpcMgmtWaitServerListen", st);
            }
        }
        unregister(true); /* the lists are the close thread's alone from now on */
    }

    private static void waitThread(Runnable r) {
        Thread t = new Thread(r, "RpcServer-close-wait");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Unregisters every interface (waiting for their calls, or not) and endpoint-map entry,
     * resets the object types and frees the vector; reports the first failure.
     */
    private void unregister(boolean wait) {
        Rpcrt4Server r = raw();
        RpcException first = null;
        for (RpcInterface i : mapped) {
            int st = r.RpcEpUnregister(i.ifspec(), vector.getValue(), null);
            if (st != RpcErrors.RPC_S_OK && first == null) {
                first = RpcException.of("RpcEpUnregister", st);
            }
        }
        mapped.clear();
        if (vector.getValue() != null) {
            r.RpcBindingVectorFree(vector);
        }
        for (int k = 0; k < registered.size(); k++) {
            Pointer ifspec = registered.get(k).ifspec();
            int st = wait ? r.RpcServerUnregisterIf(ifspec, types.get(k), 1)
                    : r.RpcServerUnregisterIfEx(ifspec, types.get(k), 1);
            if (st != RpcErrors.RPC_S_OK && first == null) {
                first = RpcException.of(wait ? "RpcServerUnregisterIf" : "RpcServerUnregisterIfEx", st);
            }
        }
        for (Memory obj : typedObjects) {
            int st = r.RpcObjectSetType(obj, null);
            if (st != RpcErrors.RPC_S_OK && first == null) {
                first = RpcException.of("RpcObjectSetType", st);
            }
        }
        typedObjects.clear();
        registered.clear();
        types.clear();
        gates.clear();
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "RpcServer@" + Integer.toHexString(System.identityHashCode(this));
    }

    /**
     * {@return a UUID as rpcrt4 reads one (Data1, Data2, Data3 in the machine's order, Data4 as
     * bytes); the nil UUID for null (no manager type: only the registration without one)}
     */
    static Memory guid(UUID u) {
        Memory m = new Memory(16);
        long hi = u == null ? 0 : u.getMostSignificantBits();
        long lo = u == null ? 0 : u.getLeastSignificantBits();
        m.setInt(0, (int) (hi >>> 32));
        m.setShort(4, (short) (hi >>> 16));
        m.setShort(6, (short) hi);
        for (int k = 0; k < 8; k++) {
            m.setByte(8 + k, (byte) (lo >>> (56 - 8 * k)));
        }
        return m;
    }
}
