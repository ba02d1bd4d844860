package dev.winrpc.async.rpc;

/**
 * An interface's security callback, written in Java: given who calls and how, admit the call
 * or refuse it (the client gets RPC_S_ACCESS_DENIED). It runs on a thread of the runtime's,
 * before the manager routine, and only for authenticated calls unless the interface has
 * {@link IfFlag#ALLOW_CALLBACKS_WITH_NO_AUTH}.
 *
 * <p>Anything it throws refuses the call and is reported to the server's error handler
 * ({@link RpcServerBuilder#errorHandler}, by default a {@link System.Logger} WARNING); nothing
 * unwinds into native code. It must not close its own server (that is refused).
 */
@FunctionalInterface
public interface SecurityCallback {

    /**
     * {@return true to admit the call}
     *
     * @param caller the call's attributes ({@code RpcServerInqCallAttributesW})
     * @throws Exception anything: the call is refused and the exception reported
     */
    boolean allow(CallerInfo caller) throws Exception;
}
