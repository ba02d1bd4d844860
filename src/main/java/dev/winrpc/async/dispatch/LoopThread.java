package dev.winrpc.async.dispatch;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The one platform thread a dispatcher owns, and the handshakes around it: made by the
 * application's factory (or a daemon thread of its own), started once, ready or failed, ended.
 */
final class LoopThread {

    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Throwable startFailure;

    /**
     * @param name the thread's name when the dispatcher makes it
     * @param factory the application's factory, or null for a daemon thread named {@code name}
     * @param body what the thread runs
     * @throws IllegalArgumentException if the factory returns null or a virtual thread
     */
    LoopThread(String name, ThreadFactory factory, Runnable body) {
        Thread t;
        if (factory == null) {
            t = new Thread(body, name);
            t.setDaemon(true);
        } else {
            t = factory.newThread(body);
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
     * @throws InterruptedException if the caller is interrupted while waiting
     */
    Throwable start() throws InterruptedException {
        thread.start();
        ready.await();
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
