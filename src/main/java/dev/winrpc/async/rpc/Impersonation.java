package dev.winrpc.async.rpc;

import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;

/**
 * The calling thread acting as a call's client ({@code RpcImpersonateClient}) until
 * {@link #close()} ({@code RpcRevertToSelfEx}): use it in a try-with-resources in the manager
 * routine, on the thread that opened it.
 *
 * <pre>{@code
 * try (Impersonation as = Impersonation.of(hBinding)) {
 *     // open files as the client
 * }
 * }</pre>
 */
public final class Impersonation implements AutoCloseable {

    private final Pointer callBinding;
    private final Thread thread;
    private boolean reverted;

    private Impersonation(Pointer callBinding) {
        this.callBinding = callBinding;
        this.thread = Thread.currentThread();
    }

    /**
     * Starts impersonating the call's client on this thread.
     *
     * @param callBinding the call's binding handle, or null for the call this thread runs
     * @return the scope; close it on this thread
     * @throws RpcException if the runtime refuses (RPC_S_NO_CONTEXT_AVAILABLE for an
     *         unauthenticated client, RPC_S_NO_CALL_ACTIVE, ...)
     */
    public static Impersonation of(Pointer callBinding) {
        RpcException.check("RpcImpersonateClient", RpcRuntime.rpcrt4Server().RpcImpersonateClient(callBinding));
        return new Impersonation(callBinding);
    }

    /**
     * Reverts to the server's own identity. A second close is a no-op.
     *
     * @throws IllegalStateException if called on another thread than the one that opened it
     * @throws RpcException if the runtime fails to revert
     */
    @Override
    public void close() {
        if (reverted) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("an impersonation ends on the thread that began it (" + thread.getName() + ")");
        }
        reverted = true;
        RpcException.check("RpcRevertToSelfEx", RpcRuntime.rpcrt4Server().RpcRevertToSelfEx(callBinding));
    }
}
