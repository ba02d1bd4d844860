package dev.winrpc.async.dispatch;

import java.util.concurrent.atomic.AtomicInteger;

/** A task {@link Dispatcher#schedule scheduled} on a dispatcher's thread. */
public final class Scheduled implements Comparable<Scheduled> {
    private static final AtomicInteger SEQ = new AtomicInteger();
    final long deadline;
    final Runnable task;
    private final int seq = SEQ.incrementAndGet();
    private volatile boolean cancelled;

    Scheduled(long deadline, Runnable task) {
        this.deadline = deadline;
        this.task = task;
    }

    /** Cancels the timer: its task will not run (unless it is running). Any thread; idempotent. */
    public void cancel() {
        cancelled = true;
    }

    /** {@return true once cancelled} */
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public int compareTo(Scheduled o) {
        int c = Long.compare(deadline - o.deadline, 0);
        return c != 0 ? c : Integer.compare(seq, o.seq);
    }
}
