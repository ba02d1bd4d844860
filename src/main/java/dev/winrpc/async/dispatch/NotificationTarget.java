package dev.winrpc.async.dispatch;

/**
 * What a dispatcher notifies: usually a call of the safe layer. Every method runs on the
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
     * dispatcher closes while the call is registered. Must not throw (what it throws goes to
     * the dispatcher's handler).
     *
     * @param cause why
     */
    void onFailure(Throwable cause);

    /**
     * Whether the target ends its call by itself when its dispatcher closes, and wants the
     * call's notifications until then. Asked once, when the dispatcher starts closing with the
     * call registered, just before {@link #onFailure} tells it so.
     *
     * <p>True (the safe layer's calls): the target makes the runtime end the call (a client
     * cancels abortively, a server aborts) and closes its registration once the runtime is
     * done; the dispatcher keeps delivering for a bounded time ({@link Dispatcher#CLOSE_DRAIN}).
     * False (the default): the registration is detached at once: switched to
     * RpcNotificationTypeNone, so the runtime notifies no thread or port that nobody serves,
     * and kept pinned until the application, which finishes the call by polling
     * RpcAsyncGetCallStatus, closes it.
     *
     * @return true if the call ends by itself and wants its notifications meanwhile
     */
    default boolean finishesOnClose() {
        return false;
    }
}
