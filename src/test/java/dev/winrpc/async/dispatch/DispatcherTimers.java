package dev.winrpc.async.dispatch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** For tests in other packages: how many timers a dispatcher holds, read on its thread. */
public final class DispatcherTimers {

    private DispatcherTimers() {
    }

    /**
     * @param d an open dispatcher
     * @return the timers in its queue (a timer cancelled on its thread is not)
     */
    public static int count(Dispatcher d) {
        CompletableFuture<Integer> n = new CompletableFuture<>();
        d.execute(() -> n.complete(d.tasks.timerCount()));
        try {
            return n.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not read the timers of " + d, e);
        }
    }
}
