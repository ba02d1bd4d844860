package dev.winrpc.async.call;

import dev.winrpc.async.dispatch.Scheduled;
import java.time.Duration;

/**
 * A bound on a wait the table leaves unbounded: a client's after a non-abortive cancel (no
 * timeout of its own, Microsoft's RpcAsyncCancelCall page says), a server's for its null push's
 * send completion. Once the limit has passed, the escalation runs on the dispatcher's thread
 * (a dispatcher timer: no thread of its own), then the call acts. One bound at a time; stopped
 * when the wait ends and at END. Dispatcher thread only.
 */
final class WaitBound {

    private final CallMachine<?> call;
    private Scheduled timer;

    WaitBound(CallMachine<?> call) {
        this.call = call;
    }

    /**
     * @param limit how long the wait may last
     * @param onExpiry what to do then
     */
    void start(Duration limit, Runnable onExpiry) {
        if (timer != null) {
            return;
        }
        timer = call.dispatcher.schedule(limit, () -> {
            timer = null;
            if (!call.isEnded()) {
                try {
                    onExpiry.run();
                    call.act();
                } catch (Throwable t) {
                    call.internalFailure(t);
                }
            }
        });
    }

    void stop() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
