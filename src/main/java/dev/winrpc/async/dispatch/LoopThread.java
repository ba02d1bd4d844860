package dev.winrpc.async.dispatch;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one platform thread a dispatcher owns, and the handshakes around it: made by the
 * application's factory (or a daemon thread of its own), started once, ready or failed, ended.
 *
 * <p>Starting never hangs and never leaks: a thread the factory made already started is
 * refused; a thread that does not run the dispatcher's body within {@link #startTimeoutMillis}
 * is abandoned (the body returns at once if it runs later); and the caller's interrupt does not
 * cut the handshake short (it is kept for the caller).
 */
final class LoopThread {

    /** How long {@link #start} waits for the body to run and get ready; package-private for tests. */
    static volatile long startTimeoutMillis = 10_000;

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int ABANDONED = 2;

    private final Thread thread;
    private final AtomicInteger body = new AtomicInteger(NEW);
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Throwable startFailure;

    /**
     * @param name the thread's name when the dispatcher makes it
     * @param factory the application's factory, or null for a daemon thread named {@code name}
     * @param run what the thread runs
     * @throws IllegalArgumentException if the factory returns null or a virtual thread
     */
    LoopThread(String name, ThreadFactory factory, Runnable run) {
        Runnable guarded = () -> {
            if (body.compareAndSet(NEW, RUNNING)) {
                run.run();
            }
        };
        Thread t;
        if (factory == null) {
            t = new Thread(guarded, name);
            t.setDaemon(true);
        } else {
            t = factory.newThread(guarded);
            if (t == null) {
                throw new IllegalArgumentException("the thread factory returned null");
            }
        }
        Threads.requirePlatformThread(t, name + "'s thread");
        this.thread = t;
    }

    /** @return the thread */
    Thread thread() {
        return thread;
    }

    /** @return true when called on the thread */
    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /**
     * Starts the thread and waits until its body says it is ready or failed.
     *
     * @return the failure the body reported, or null once it is ready
     * @throws IllegalArgumentException if the factory's thread had been started already
     * @throws IllegalStateException if the thread did not run the body in time (abandoned)
     */
    Throwable start() {
        try {
            thread.start();
        } catch (IllegalThreadStateException e) {
            body.set(ABANDONED);
            throw new IllegalArgumentException("the thread factory returned a thread that had been "
                    + "started already: a dispatcher needs a new thread that runs the Runnable it is given", e);
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startTimeoutMillis);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    if (ready.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // kept for the caller; the handshake goes on
                    continue;
                }
                if (body.compareAndSet(NEW, ABANDONED)) {
                    throw new IllegalStateException("the thread factory's thread did not run the "
                            + "dispatcher's Runnable within " + startTimeoutMillis + " ms");
                }
                // The body started just now: it will say ready or failed.
                deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startTimeoutMillis);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (startFailure != null) {
            awaitEnd(10_000); // the thread has ended or is ending
        }
        return startFailure;
    }

    /** On the thread: it is ready. */
    void ready() {
        ready.countDown();
    }

    /**
     * On the thread: it could not get ready, and ends.
     *
     * @param t why
     */
    void failed(Throwable t) {
        startFailure = t;
        ready.countDown();
        ended.countDown();
    }

    /** On the thread: its body has returned. */
    void ended() {
        ended.countDown();
    }

    /**
     * Waits for the thread to end ({@link Thread#join(long)}); an interrupt ends the wait early
     * and is kept for the caller.
     *
     * @param millis at most this long
     * @return false if the thread is still alive when the wait ran out (not when interrupted)
     */
    boolean join(long millis) {
        try {
            thread.join(millis);
            return !thread.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Waits for the thread's body to return.
     *
     * @param millis at most this long
     * @return true if it returned
     */
    boolean awaitEnd(long millis) {
        try {
            return ended.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
