package dev.winrpc.async.rpc;

import com.sun.jna.Pointer;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4Server;
import java.util.function.Consumer;

/**
 * The library's {@code RPC_IF_CALLBACK_FN} around a {@link SecurityCallback}: held strongly by
 * its {@link RpcServer} (itself held while open) for as long as the interface is registered;
 * catches every Throwable (deny, and report it), so nothing reaches JNA, which would answer 0
 * (RPC_S_OK) for an escaping exception and admit the call.
 */
final class SecurityGate implements Rpcrt4Server.RPC_IF_CALLBACK_FN {

    private static final ThreadLocal<RpcServer> RUNNING = new ThreadLocal<>();

    private final RpcServer server;
    private final SecurityCallback callback;
    private final Consumer<Throwable> errors;

    SecurityGate(RpcServer server, SecurityCallback callback, Consumer<Throwable> errors) {
        this.server = server;
        this.callback = callback;
        this.errors = errors;
    }

    /** @return the server whose security callback this thread is running, or null */
    static RpcServer running() {
        return RUNNING.get();
    }

    @Override
    public int callback(Pointer interfaceUuid, Pointer context) {
        RUNNING.set(server);
        try {
            return callback.allow(CallerInfo.of(context)) ? RpcErrors.RPC_S_OK : Rpcrt4Server.RPC_S_ACCESS_DENIED;
        } catch (Throwable t) {
            try {
                errors.accept(t);
            } catch (Throwable ignored) {
                // a failing error handler still denies, and nothing unwinds into native code
            }
            return Rpcrt4Server.RPC_S_ACCESS_DENIED;
        } finally {
            RUNNING.remove();
        }
    }
}
