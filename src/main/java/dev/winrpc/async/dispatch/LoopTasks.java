package dev.winrpc.async.dispatch;

import dev.winrpc.async.raw.Kernel32Ex;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What a dispatcher's thread runs besides notifications: the tasks other threads hand it
 * ({@link Dispatcher#execute}) and its timers ({@link Dispatcher#schedule}).
 *
 * <p>Tasks run in batches of those queued when the batch began, so that a task that queues
 * another (or itself) cannot keep the thread from its notifications: the thread then waits
 * without blocking, delivers what the runtime queued, and runs the next batch. Timers live on
 * the thread and say how long its next wait may block. No thread of its own.
 */
final class LoopTasks {

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Tasks added and not yet taken (ConcurrentLinkedQueue.size() counts by walking). */
    private final AtomicInteger queued = new AtomicInteger();
    /** A wake-up is on its way to the thread: the next add need not wake it again. */
    final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Dispatcher thread only. */
    private final TimerQueue timers = new TimerQueue();

    /** @param task to run on the dispatcher thread */
    void add(Runnable task) {
        queue.add(task);
        queued.incrementAndGet();
    }

    /** @param timer to fire on the dispatcher thread (called there) */
    void addTimer(Scheduled timer) {
        timers.add(timer);
    }

    /** @param timer cancelled on the dispatcher thread: leaves the queue now */
    void removeTimer(Scheduled timer) {
        timers.remove(timer);
    }

    /** @return the timers queued; dispatcher thread only (tests) */
    int timerCount() {
        return timers.size();
    }

    /** The loop has ended: no timer will run, and none keeps its task alive. */
    void clearTimers() {
        timers.clear();
    }

    /**
     * On the dispatcher thread: runs the tasks queued before this call (not those they queue),
     * then the timers that are due.
     *
     * @param report gets what a task or timer throws
     * @return true if tasks are still queued: the next wait must not block
     */
    boolean runBatch(Consumer<Throwable> report) {
        wakeupPending.set(false);
        for (int n = queued.get(); n > 0; n--) {
            Runnable task = queue.poll();
            if (task == null) {
                break;
            }
            queued.decrementAndGet();
            run(task, report);
        }
        long now = System.nanoTime();
        Scheduled t;
        while ((t = timers.peek()) != null && t.deadline - now <= 0) {
            timers.poll();
            Runnable task = t.task();
            if (task != null && !t.isCancelled()) {
                run(task, report);
            }
        }
        return queued.get() > 0;
    }

    private static void run(Runnable r, Consumer<Throwable> report) {
        try {
            r.run();
        } catch (Throwable e) {
            report.accept(e);
        }
    }

    /**
     * On the dispatcher thread: how long its next wait may block.
     *
     * @param tasksLeft what {@link #runBatch} returned
     * @param cap at most this many milliseconds, or {@link Kernel32Ex#INFINITE}
     * @return milliseconds, or {@link Kernel32Ex#INFINITE}
     */
    int waitMillis(boolean tasksLeft, int cap) {
        if (tasksLeft) {
            return 0;
        }
        Scheduled t;
        while ((t = timers.peek()) != null && t.isCancelled()) {
            timers.poll();
        }
        if (t == null) {
            return cap;
        }
        long left = t.deadline - System.nanoTime();
        long ms = left <= 0 ? 0 : Math.min(Integer.MAX_VALUE - 1, TimeUnit.NANOSECONDS.toMillis(left) + 1);
        return cap == Kernel32Ex.INFINITE ? (int) ms : (int) Math.min(ms, cap);
    }
}
