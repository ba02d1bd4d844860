package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.Registration;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Util;

/**
 * A server call's subscriptions to its client's cancel and disconnect: on Windows a server call
 * hears RpcClientCancel and RpcClientDisconnect only through RpcServerSubscribeForNotification,
 * and must unsubscribe before it completes or aborts; the runtime then says how many
 * notifications it queued, and the call's registration stays until they have all arrived.
 * Dispatcher thread only, except {@link #subscribed}.
 */
final class ServerSubscriptions {

    /** The RPC_NOTIFICATIONS a server call subscribes to, each on its own. */
    private static final int[] KINDS = {Rpcrt4.RpcNotificationCallCancel, Rpcrt4.RpcNotificationClientDisconnect};

    private final Dispatcher dispatcher;
    /** The kinds (RPC_NOTIFICATIONS bits) subscribed and not yet ended. */
    private volatile int subscribed;
    /** The call handle the subscriptions were made with. */
    private Pointer callHandle;
    /** Notifications the runtime says it queued, by RPC_NOTIFICATIONS value, at unsubscribe. */
    private final int[] queued = new int[3];
    /** ... and those that reached the call. */
    private final int[] received = new int[3];

    ServerSubscriptions(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * Subscribes to both kinds, on the dispatcher thread, with the call's handle (made just
     * after accept, so that nothing can complete or abort the call meanwhile). A cancel made
     * before the subscription is never notified: RpcServerTestCancel finds it. (A disconnect
     * before it shows as the pipes' or the completion's failure.)
     *
     * @param r the call's registration
     * @param pAsync the call's state
     * @return true if the client had already cancelled
     */
    boolean subscribe(Registration r, Pointer pAsync) {
        callHandle = Rpcrt4Util.RpcAsyncGetCallHandle(pAsync);
        int kinds = 0;
        for (int kind : KINDS) {
            int st = dispatcher.subscribe(r, callHandle, kind);
            if (st == RpcErrors.RPC_S_OK) {
                kinds |= kind;
            } else if (st != RpcErrors.RPC_S_CANNOT_SUPPORT) {
                dispatcher.report(RpcException.runtimeFailure("RpcServerSubscribeForNotification", st));
            }
        }
        subscribed = kinds;
        return (kinds & Rpcrt4.RpcNotificationCallCancel) != 0
                && RpcRuntime.rpcrt4().RpcServerTestCancel(callHandle) == RpcErrors.RPC_S_OK;
    }

    /** Ends the subscriptions, before the final RpcAsyncCompleteCall or RpcAsyncAbortCall. */
    void end() {
        int kinds = subscribed;
        if (kinds == 0) {
            return;
        }
        subscribed = 0;
        Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();
        for (int kind : KINDS) {
            if ((kinds & kind) == 0) {
                continue;
            }
            IntByReference n = new IntByReference();
            int st = rpcrt4.RpcServerUnsubscribeForNotification(callHandle, kind, n);
            if (st == RpcErrors.RPC_S_OK) {
                queued[kind] = n.getValue();
            } else {
                dispatcher.report(RpcException.runtimeFailure("RpcServerUnsubscribeForNotification", st));
            }
        }
    }

    /** @param event RpcClientCancel or RpcClientDisconnect, as it arrived */
    void received(int event) {
        received[event == Rpcrt4.RpcClientCancel ? Rpcrt4.RpcNotificationCallCancel
                : Rpcrt4.RpcNotificationClientDisconnect]++;
    }

    /** @return true while the runtime has queued notifications that have not arrived */
    boolean owed() {
        return queued[Rpcrt4.RpcNotificationCallCancel] > received[Rpcrt4.RpcNotificationCallCancel]
                || queued[Rpcrt4.RpcNotificationClientDisconnect] > received[Rpcrt4.RpcNotificationClientDisconnect];
    }
}
