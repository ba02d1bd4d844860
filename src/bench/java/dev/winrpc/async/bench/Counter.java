package dev.winrpc.async.bench;

import dev.winrpc.async.dispatch.NotificationTarget;
import dev.winrpc.async.raw.Rpcrt4;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmarks' handler: counts notifications on the dispatcher thread and lets the
 * benchmark thread wait for a batch. It does what the C loop's counting handler does
 * (winrpcbench.c, count_one): a plain count, compared with the goal the benchmark thread set;
 * reaching it publishes the count once per batch (a volatile write). The benchmark thread
 * spins until then, or, for a blocking counter, parks and is unparked once per batch (the C
 * loop's condition variable). It allocates nothing.
 */
final class Counter implements NotificationTarget {

    private static final long LIMIT_NS = TimeUnit.SECONDS.toNanos(60);

    /** Park instead of spinning: the call benchmarks, whose simulator threads need a core. */
    private final boolean blocking;
    /** The thread that waits (set by {@link #expect}). */
    private volatile Thread waiter;

    /** @param blocking whether {@link #await} parks (true) or spins (false) */
    Counter(boolean blocking) {
        this.blocking = blocking;
    }

    /** The dispatcher thread's. */
    private long count;
    /** The benchmark thread's. */
    private volatile long goal;
    /** Written once per batch, when the count reaches the goal. */
    private volatile long reached;
    /** Events other than RpcCallComplete, failures (single writer: the dispatcher thread). */
    private volatile long errors;
    private volatile Throwable failure;

    @Override
    public void onNotification(int event) {
        if (event != Rpcrt4.RpcCallComplete) {
            errors++;
        }
        countOne();
    }

    /** Counts one notification (or one completed call); on the dispatcher thread. */
    void countOne() {
        long c = ++count;
        if (c == goal) {
            reached = c;
            if (blocking) {
                LockSupport.unpark(waiter);
            }
        }
    }

    /** Counts an error; on the dispatcher thread. */
    void error() {
        errors++;
    }

    @Override
    public void onFailure(Throwable cause) {
        failure = cause;
        errors++;
    }

    /** Raises the goal by n; before the n notifications can arrive. */
    void expect(long n) {
        waiter = Thread.currentThread();
        goal = goal + n;
    }

    /** Spins (or parks) until the goal is reached. */
    void await() {
        long g = goal;
        long deadline = 0;
        int spins = 0;
        while (reached < g) {
            if (blocking) {
                LockSupport.parkNanos(this, LIMIT_NS);
                spins = 0xFFFF;
            } else {
                Thread.onSpinWait();
            }
            if ((++spins & 0xFFFF) == 0) {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + LIMIT_NS;
                } else if (now - deadline > 0) {
                    throw new IllegalStateException(reached + " of " + g
                            + " notifications after 60 s", failure);
                }
            }
        }
    }

    /** @throws IllegalStateException if a notification was unexpected or a handler failed */
    void check(String what) {
        if (errors != 0 || failure != null) {
            throw new IllegalStateException(what + ": " + errors + " unexpected notifications or "
                    + "failed calls", failure);
        }
    }
}
