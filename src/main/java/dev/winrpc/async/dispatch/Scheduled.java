package dev.winrpc.async.dispatch;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task {@link Dispatcher#schedule scheduled} on a dispatcher's thread.
 *
 * <p>Cancelled on the dispatcher's thread (where a call cancels its own timers), it leaves the
 * dispatcher's queue at once; cancelled elsewhere, it lets go of its task at once and leaves the
 * queue when it reaches its head. Either way a cancelled timer keeps nothing of its task alive.
 */
public final class Scheduled implements Comparable<Scheduled> {
    private static final AtomicInteger SEQ = new AtomicInteger();
    final long deadline;
    private final Dispatcher owner;
    private volatile Runnable task;
    private final int seq = SEQ.incrementAndGet();
    private volatile boolean cancelled;
    /** Its place in the owner's {@link TimerQueue}, or -1; dispatcher thread only. */
    int index = -1;

    private Scheduled(Dispatcher owner, long deadline, Runnable task) {
        this.owner = owner;
        this.deadline = deadline;
        this.task = task;
    }

    /**
     * @param owner the dispatcher that runs it
     * @param delay from now, not negative (a delay beyond about 146 years is taken as that)
     * @param task what to run
     * @return the timer, not yet queued
     */
    static Scheduled after(Dispatcher owner, Duration delay, Runnable task) {
        long max = Long.MAX_VALUE / 2;
        long nanos = delay.compareTo(Duration.ofNanos(max)) > 0 ? max : delay.toNanos();
        return new Scheduled(owner, System.nanoTime() + nanos, task);
    }

    /** @return the task, or null once cancelled */
    Runnable task() {
        return task;
    }

    /** Cancels the timer: its task will not run (unless it is running). Any thread; idempotent. */
    public void cancel() {
        cancelled = true;
        task = null;
        if (owner.inDispatcherThread()) {
            owner.tasks.removeTimer(this);
        }
    }

    /** @return true once cancelled */
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public int compareTo(Scheduled o) {
        int c = Long.compare(deadline - o.deadline, 0);
        return c != 0 ? c : Integer.compare(seq, o.seq);
    }
}
