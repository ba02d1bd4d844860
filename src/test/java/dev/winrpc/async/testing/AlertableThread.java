package dev.winrpc.async.testing;

import com.sun.jna.platform.win32.WinNT.HANDLE;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A platform thread of the test that is an APC target: it opens a real handle to itself
 * ({@link ApcTarget}), publishes it, runs a body, then runs whatever APCs are still queued to it
 * and closes the handle. {@link #join(long)} rethrows the body's failure on the test thread.
 */
public final class AlertableThread {

    /** What the thread runs, given itself as an APC target. */
    public interface Body {
        /**
         * @param self the thread's own APC target (its waits must be called on this thread)
         * @throws Exception anything; rethrown by {@link AlertableThread#join(long)}
         */
        void run(ApcTarget self) throws Exception;
    }

    private final Thread thread;
    private final CompletableFuture<ApcTarget> target = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private AlertableThread(String name, Body body) {
        thread = new Thread(() -> {
            ApcTarget self;
            try {
                self = ApcTarget.forCurrentThread();
            } catch (Throwable t) {
                target.completeExceptionally(t);
                done.completeExceptionally(t);
                return;
            }
            target.complete(self);
            Throwable failure = null;
            try {
                body.run(self);
            } catch (Throwable t) {
                failure = t;
            }
            try {
                self.close();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        }, name);
        thread.setDaemon(true);
    }

    /**
     * Starts a thread running body.
     *
     * @param name the thread's name
     * @param body what it runs
     * @return the thread
     */
    public static AlertableThread start(String name, Body body) {
        AlertableThread t = new AlertableThread(name, body);
        t.thread.start();
        return t;
    }

    /** @return the thread's APC target, once it has opened its handle (waits up to 10 s) */
    public ApcTarget target() {
        try {
            return target.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(thread.getName() + " did not open a handle to itself", e);
        }
    }

    /** @return the real handle (THREAD_SET_CONTEXT | SYNCHRONIZE) to the thread */
    public HANDLE handle() {
        return target().handle();
    }

    /** @return the Java thread */
    public Thread thread() {
        return thread;
    }

    /**
     * Waits for the body to end and its handle to be closed; rethrows its failure.
     *
     * @param timeoutMs the bound
     * @throws Exception the body's failure
     */
    public void join(long timeoutMs) throws Exception {
        try {
            done.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception ex) {
                throw ex;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " did not finish within " + timeoutMs
                    + " ms", e);
        }
        thread.join(timeoutMs);
    }
}
