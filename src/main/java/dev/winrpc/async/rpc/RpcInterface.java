package dev.winrpc.async.rpc;

import com.sun.jna.Pointer;
import dev.winrpc.async.raw.Rpcrt4Server;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An interface for {@link RpcServerBuilder#register}: MIDL's ifspec from the user's stub DLL,
 * the manager EPV (or null for the stub's default), flags, the most concurrent calls, and a
 * security callback written in Java (or null). Registered with {@code RpcServerRegisterIf3};
 * the ifspec and the EPV must stay valid until the server is closed.
 *
 * @param ifspec the stub's {@code RPC_IF_HANDLE}
 * @param epv the manager routines' entry-point vector, or null
 * @param flags the {@code RPC_IF_*} flags
 * @param maxCalls the most concurrent calls ({@code RPC_C_LISTEN_MAX_CALLS_DEFAULT} by default)
 * @param securityCallback the security callback, or null
 */
public record RpcInterface(Pointer ifspec, Pointer epv, Set<IfFlag> flags, int maxCalls,
        SecurityCallback securityCallback) {

    /**
     * Checks the values.
     *
     * @param ifspec the stub's {@code RPC_IF_HANDLE}
     * @param epv the manager routines' entry-point vector, or null
     * @param flags the {@code RPC_IF_*} flags
     * @param maxCalls the most concurrent calls
     * @param securityCallback the security callback, or null
     * @throws NullPointerException if ifspec or flags is null
     * @throws IllegalArgumentException if maxCalls is not positive
     */
    public RpcInterface {
        Objects.requireNonNull(ifspec, "ifspec");
        Objects.requireNonNull(flags, "flags");
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        if (maxCalls <= 0) {
            throw new IllegalArgumentException("maxCalls must be positive: " + maxCalls);
        }
    }

    /**
     * {@return the interface with the stub's default EPV, no flags, the default maximum of calls, no security callback}
     *
     * @param ifspec the stub's ifspec
     */
    public static RpcInterface of(Pointer ifspec) {
        return new RpcInterface(ifspec, null, Set.of(), Rpcrt4Server.RPC_C_LISTEN_MAX_CALLS_DEFAULT, null);
    }

    /**
     * {@return a copy with it}
     *
     * @param epv the manager EPV, or null
     */
    public RpcInterface withEpv(Pointer epv) {
        return new RpcInterface(ifspec, epv, flags, maxCalls, securityCallback);
    }

    /**
     * {@return a copy with exactly these flags}
     *
     * @param first a flag
     * @param more more flags
     */
    public RpcInterface withFlags(IfFlag first, IfFlag... more) {
        return new RpcInterface(ifspec, epv, EnumSet.of(first, more), maxCalls, securityCallback);
    }

    /**
     * {@return a copy with it}
     *
     * @param callback the security callback, or null
     */
    public RpcInterface withSecurityCallback(SecurityCallback callback) {
        return new RpcInterface(ifspec, epv, flags, maxCalls, callback);
    }

    /**
     * {@return a copy with it}
     *
     * @param max the most concurrent calls
     */
    public RpcInterface withMaxCalls(int max) {
        return new RpcInterface(ifspec, epv, flags, max, securityCallback);
    }
}
