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
                case Rpcrt4.RpcReceiveComplete:
                    pipeNotification(event);
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

    /**
     * A pipe's notification, with its event taken as a hint: a runtime may read the state's
     * Event field when the APC runs rather than when it issued it (Wine does), so two
     * notifications issued before the dispatcher's next alertable wait both arrive as the later
     * event; and several send completions may be collapsed into one, or come for the initial
     * request. What the call is waiting for decides. A send is taken as complete only when the
     * call has one outstanding and nothing else could be meant (its buffer is then let go);
     * a pending pull is simply made again, which is harmless if its data is not there yet.
     * Nothing here fails a healthy call.
     */
    private void pipeNotification(int event) {
        boolean sending = call.sender != null && call.sender.outstandingSends() > 0;
        boolean pulling = call.receiver != null && call.receiver.waiting();
        boolean pullOutstanding = call.receiver != null && call.receiver.pullOutstanding();
        if (event == Rpcrt4.RpcSendComplete ? sending : sending && !pullOutstanding) {
            call.sender.onSendCompleteNotified(); // act(), next, may push before giving back
        } else if (pulling) {
            call.receiver.onReceiveComplete();
        } else if (call.receiver != null) {
            call.receiver.forgetPending(); // the runtime waking a pull the call left
        }
        // Otherwise a surplus notification (an initial or collapsed send completion, or one
        // read late): nothing is waiting for it.
    }

    @Override
    public boolean finishesOnClose() {
        return true;
    }

    @Override
    public void onFailure(Throwable cause) {
        try {
            call.outcome.fail(cause);
            if (cause instanceof DispatcherClosedException && call.dispatcherClosing) {
                // The close detached the call, which did not end while the dispatcher still
                // delivered: it will not reach END, so the application is told now, with the
                // call's first failure (a stub that threw before the close, say).
                Throwable first = call.outcome.failure();
                call.failEverything(first != null ? first : cause);
            } else if (cause instanceof DispatcherClosedException) {
                call.dispatcherClosing = true;
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
                // END tells the application how the call ended (a server's fault, say), as
                // for any call; a call that does not get there is told when it is detached.
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
