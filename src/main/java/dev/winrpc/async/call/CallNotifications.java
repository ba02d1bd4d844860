package dev.winrpc.async.call;

import static dev.winrpc.async.pipe.PipeInput.FAILED;
import static dev.winrpc.async.pipe.PipeInput.NO_NOTIFICATION;

import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.dispatch.NotificationTarget;
import dev.winrpc.async.pipe.Action;
import dev.winrpc.async.raw.Rpcrt4;

/**
 * A call as its dispatcher sees it: routes each notification to the part of the call that
 * owns it (the side's behaviour, the pipe engine), then lets the call act. Kept apart from
 * {@link AsyncCall} so that these methods are not the call's public API. Runs on the
 * dispatcher's thread only, and never lets an exception escape.
 */
final class CallNotifications implements NotificationTarget {

    private final CallMachine<?> call;

    CallNotifications(CallMachine<?> call) {
        this.call = call;
    }

    @Override
    public void onNotification(int event) {
        try {
            switch (event) {
                case Rpcrt4.RpcCallComplete:
                    call.onCallComplete();
                    break;
                case Rpcrt4.RpcSendComplete:
                    if (call.sender == null) {
                        call.unexpected("RpcSendComplete with no push outstanding");
                    } else {
                        call.sender.onSendComplete();
                    }
                    break;
                case Rpcrt4.RpcReceiveComplete:
                    if (call.receiver == null) {
                        call.unexpected("RpcReceiveComplete while not waiting for a pull");
                    } else {
                        call.receiver.onReceiveComplete();
                    }
                    break;
                case Rpcrt4.RpcClientCancel:
                case Rpcrt4.RpcClientDisconnect:
                    if (!call.onClientGone(event)) {
                        return;
                    }
                    break;
                default:
                    call.unexpected("notification " + event);
            }
            call.act();
        } catch (Throwable t) {
            call.internalFailure(t);
        }
    }

    @Override
    public boolean finishesOnClose() {
        return true;
    }

    @Override
    public void onFailure(Throwable cause) {
        try {
            call.outcome.fail(cause);
            if (cause instanceof DispatcherClosedException) {
                // "On failure to get a notification": the dispatcher still delivers this
                // call's notifications while it closes, and the call must end now.
                if (call.action() == Action.MAKE_CALL) {
                    // Not started: the runtime has no call to cancel, and nothing to finish.
                    call.apply(FAILED);
                } else if (call.accepts(NO_NOTIFICATION)) {
                    call.apply(NO_NOTIFICATION);
                } else {
                    call.failIfPossible();
                }
                call.act();
                if (!call.isEnded()) {
                    call.onDispatcherClosing();
                    call.act();
                }
                call.failEverything(cause);
            } else {
                if (call.action() == Action.MAKE_CALL) {
                    call.apply(FAILED);
                } else {
                    call.failIfPossible();
                }
                call.act();
            }
        } catch (Throwable t) {
            call.dispatcher.report(t);
        }
    }

    @Override
    public String toString() {
        return call.toString();
    }
}
