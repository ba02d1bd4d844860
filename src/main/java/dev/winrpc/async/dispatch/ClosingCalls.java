package dev.winrpc.async.dispatch;

import dev.winrpc.async.raw.Rpcrt4;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a closing dispatcher does with the calls still registered (the CLOSING phase of
 * {@link Lifecycle}, on the dispatcher's thread): it tells each one; a call that ends by itself
 * ({@link NotificationTarget#finishesOnClose()}) keeps its notifications while it ends, for at
 * most {@link Dispatcher#CLOSE_DRAIN}; any other, and any still live after that, is detached:
 * switched to RpcNotificationTypeNone, so that the runtime notifies no thread or port that
 * nobody serves, and kept pinned until its registration is closed.
 */
final class ClosingCalls {

    private ClosingCalls() {
    }

    /**
     * CLOSING, on the dispatcher thread: tells the calls still registered, and lets them end;
     * then forgets the timers (a deadline of a call still live then never fires: the close has
     * already failed that call).
     */
    static void end(Dispatcher d) {
        try {
            endCalls(d);
        } finally {
            d.tasks.clearTimers();
        }
    }

    private static void endCalls(Dispatcher d) {
        try {
            d.drainQueued();
        } catch (Throwable t) {
            d.report(t);
        }
        d.runTasks();
        // Every registration made before CLOSING is complete and live here (registering is
        // atomic with the move to CLOSING); none is made after it.
        List<Registration> live = d.registry.live();
        for (Registration r : live) {
            if (r.target.finishesOnClose()) {
                d.fail(r, new DispatcherClosedException(d + " closed while the call on the "
                        + "RPC_ASYNC_STATE at 0x" + Long.toHexString(r.stateAddress) + " was in flight"));
            } else {
                // Nothing will wait for this call's notifications: tell the runtime not to send
                // them. The application finishes the call by polling RpcAsyncGetCallStatus.
                detach(d, r);
                d.fail(r, new DispatcherClosedException(d + " closed while the call on the "
                        + "RPC_ASYNC_STATE at 0x" + Long.toHexString(r.stateAddress) + " was in flight; "
                        + "it is no longer notified: finish it by polling RpcAsyncGetCallStatus"));
            }
        }
        boolean more = d.runTasks();
        long deadline = System.nanoTime() + Dispatcher.CLOSE_DRAIN.toNanos();
        long left;
        while (d.registry.size() > 0 && (left = deadline - System.nanoTime()) > 0) {
            d.waitOnce(d.waitMillis(more, (int) Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left)))));
            more = d.runTasks();
        }
        for (Registration r : d.registry.live()) {
            detach(d, r);
            // Told to the call too: it will not end, and its application must hear so.
            d.fail(r, new DispatcherClosedException(d + ": the call on the RPC_ASYNC_STATE at 0x"
                    + Long.toHexString(r.stateAddress) + " did not end within " + Dispatcher.CLOSE_DRAIN.toSeconds()
                    + " s of close; it is no longer notified, and its memory stays pinned"));
        }
    }

    /** Takes a live registration out of the registry, pinned, with no notification any more. */
    private static void detach(Dispatcher d, Registration r) {
        if (!d.registry.detach(r)) {
            return;
        }
        try {
            r.state.NotificationType = Rpcrt4.RpcNotificationTypeNone;
            r.state.writeField("NotificationType");
        } catch (Throwable t) {
            d.report(t);
        }
    }
}
