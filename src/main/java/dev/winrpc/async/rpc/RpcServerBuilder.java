package dev.winrpc.async.rpc;

import dev.winrpc.async.raw.Rpcrt4Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds an {@link RpcServer}: its endpoints (fixed, or dynamic and registered with the
 * endpoint mapper), the authentication services it accepts, its interfaces, and how it reports
 * its security callbacks' failures. Not thread-safe.
 */
public final class RpcServerBuilder {

    /** A protocol sequence and its endpoint (null: dynamic). */
    record Endpoint(String protseq, String endpoint) {
    }

    /** An authentication service and the server's principal name (null: the default). */
    record AuthInfo(RpcAuth.Service service, String principal) {
    }

    final List<Endpoint> endpoints = new ArrayList<>();
    final List<AuthInfo> authInfos = new ArrayList<>();
    final List<RpcInterface> interfaces = new ArrayList<>();
    int maxCalls = Rpcrt4Server.RPC_C_LISTEN_MAX_CALLS_DEFAULT;
    Duration closeTimeout = RpcServer.DEFAULT_CLOSE_TIMEOUT;
    Consumer<Throwable> errorHandler = RpcServer::logWarning;

    RpcServerBuilder() {
    }

    /**
     * Listens on a protocol sequence at an endpoint ({@code RpcServerUseProtseqEpW}).
     *
     * @param protseq the protocol sequence, e.g. {@code ncacn_ip_tcp}
     * @param endpoint the endpoint, e.g. a port
     * @return this
     * @throws IllegalArgumentException if either is empty or holds a NUL character
     */
    public RpcServerBuilder endpoint(String protseq, String endpoint) {
        endpoints.add(new Endpoint(text(protseq, "protocol sequence"), text(endpoint, "endpoint")));
        return this;
    }

    /**
     * Listens on a protocol sequence at an endpoint the runtime chooses
     * ({@code RpcServerUseProtseqW}); the server's bindings are then registered in the endpoint
     * map for every interface ({@code RpcServerInqBindings}, {@code RpcEpRegisterW}).
     *
     * @param protseq the protocol sequence
     * @return this
     * @throws IllegalArgumentException if it is empty or holds a NUL character
     */
    public RpcServerBuilder dynamicEndpoint(String protseq) {
        endpoints.add(new Endpoint(text(protseq, "protocol sequence"), null));
        return this;
    }

    /**
     * Accepts an authentication service ({@code RpcServerRegisterAuthInfoW}).
     *
     * @param service the service (not {@link RpcAuth.Service#NONE})
     * @param principal the server's principal name, or null
     * @return this
     * @throws IllegalArgumentException for {@link RpcAuth.Service#NONE}
     */
    public RpcServerBuilder authInfo(RpcAuth.Service service, String principal) {
        Objects.requireNonNull(service, "service");
        if (service == RpcAuth.Service.NONE) {
            throw new IllegalArgumentException("NONE is not an authentication service to register");
        }
        authInfos.add(new AuthInfo(service, principal == null ? null : text(principal, "principal")));
        return this;
    }

    /**
     * Registers an interface ({@code RpcServerRegisterIf3}).
     *
     * @param iface the interface
     * @return this
     * @throws IllegalArgumentException if the same ifspec is registered twice with the same
     *         manager type (or twice without one)
     */
    public RpcServerBuilder register(RpcInterface iface) {
        Objects.requireNonNull(iface, "iface");
        for (RpcInterface i : interfaces) {
            if (i.ifspec().equals(iface.ifspec()) && Objects.equals(i.managerType(), iface.managerType())) {
                throw new IllegalArgumentException("the interface " + iface.ifspec() + " is registered twice"
                        + (iface.managerType() == null ? "" : " with manager type " + iface.managerType()));
            }
        }
        interfaces.add(iface);
        return this;
    }

    /**
     * Sets the most concurrent calls of {@code RpcServerListen}.
     *
     * @param max the most concurrent calls of {@code RpcServerListen}
     * @return this
     * @throws IllegalArgumentException if not positive
     */
    public RpcServerBuilder maxCalls(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("maxCalls must be positive: " + max);
        }
        this.maxCalls = max;
        return this;
    }

    /**
     * Sets how long {@link RpcServer#close()} waits for calls in flight.
     *
     * @param timeout how long {@link RpcServer#close()} waits for calls in flight
     * @return this
     * @throws IllegalArgumentException if negative
     */
    public RpcServerBuilder closeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative close timeout " + timeout);
        }
        this.closeTimeout = timeout;
        return this;
    }

    /**
     * Sets told of everything a security callback throws (the call is refused); by default a {@link System.Logger} WARNING. It runs on the runtime's thread; what it throws is ignored.
     *
     * @param handler told of everything a security callback throws (the call is refused); by
     *        default a {@link System.Logger} WARNING. It runs on the runtime's thread; what it
     *        throws is ignored.
     * @return this
     */
    public RpcServerBuilder errorHandler(Consumer<Throwable> handler) {
        this.errorHandler = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /**
     * Uses the endpoints, registers the authentication services and the interfaces (and the
     * dynamic endpoints in the endpoint map). It does not listen yet: see {@link RpcServer#start()}.
     *
     * @return the server
     * @throws IllegalStateException if no endpoint was given
     * @throws dev.winrpc.async.RpcException if the runtime refuses (RPC_S_PROTSEQ_NOT_SUPPORTED,
     *         RPC_S_DUPLICATE_ENDPOINT, RPC_S_ALREADY_REGISTERED, ...); what was registered is
     *         unregistered again (endpoints stay: rpcrt4 cannot give them back)
     */
    public RpcServer build() {
        if (endpoints.isEmpty()) {
            throw new IllegalStateException("a server needs at least one endpoint");
        }
        return RpcServer.open(this);
    }

    private static String text(String s, String what) {
        Objects.requireNonNull(s, what);
        if (s.isBlank()) {
            throw new IllegalArgumentException("the " + what + " is empty");
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the " + what + " holds a NUL character");
        }
        return s;
    }
}
