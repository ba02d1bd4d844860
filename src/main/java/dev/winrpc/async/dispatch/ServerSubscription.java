package dev.winrpc.async.dispatch;

import com.sun.jna.Pointer;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import java.util.Objects;

/** {@link Dispatcher#subscribe}: a server call's subscription to its client's cancel or disconnect. */
final class ServerSubscription {

    private ServerSubscription() {
    }

    static int subscribe(Dispatcher d, Registration r, Pointer callHandle, int notification) {
        Objects.requireNonNull(r, "registration");
        if (r.dispatcher != d) {
            throw new IllegalArgumentException(r + " is not registered with " + d);
        }
        int event;
        if (notification == Rpcrt4.RpcNotificationCallCancel) {
            event = Rpcrt4.RpcClientCancel;
        } else if (notification == Rpcrt4.RpcNotificationClientDisconnect) {
            event = Rpcrt4.RpcClientDisconnect;
        } else {
            throw new IllegalArgumentException("notification " + notification + " is neither "
                    + "RpcNotificationCallCancel nor RpcNotificationClientDisconnect");
        }
        if (!d.capabilities().contains(Capability.SERVER_SUBSCRIPTIONS)) {
            return RpcErrors.RPC_S_CANNOT_SUPPORT;
        }
        RPC_ASYNC_NOTIFICATION_INFO info = new RPC_ASYNC_NOTIFICATION_INFO();
        int type = d.subscriptionTarget(r, event, info);
        info.write();
        return RpcRuntime.rpcrt4().RpcServerSubscribeForNotification(callHandle, notification, type, info);
    }
}
