package dev.winrpc.async.dispatch;

/**
 * What a dispatcher notifies: usually a call object of the safe layer. Both methods run on the
 * dispatcher's thread, one at a time, in the order the runtime issued the notifications.
 */
public interface NotificationTarget {

    /**
     * The runtime notified the call.
     *
     * @param event an RPC_ASYNC_EVENT value (RpcCallComplete, RpcSendComplete, ...). With event
     *        or completion-port delivery it is the state's Event field as read at delivery time.
     * @throws Exception anything; it is caught, passed to {@link #onFailure} and to the
     *         dispatcher's handler, and never reaches native code
     */
    void onNotification(int event) throws Exception;

    /**
     * The call cannot be notified any more, or its handler failed: {@code cause} is the
     * exception {@link #onNotification} threw, or a {@link DispatcherClosedException} when the
     * dispatcher closed while the call was registered. Must not throw (what it throws goes to
     * the dispatcher's handler).
     *
     * @param cause why
     */
    void onFailure(Throwable cause);
}
