package dev.winrpc.async.call;

import dev.winrpc.async.pipe.PipeState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Bounded waits: nothing in these tests waits for ever. */
public final class Await {

    /** The bound of every wait, in seconds. */
    public static final int SECONDS = 10;

    private Await() {
    }

    /**
     * @param f a future that must complete normally
     * @param <T> its type
     * @return its value
     */
    public static <T> T value(CompletableFuture<T> f) {
        try {
            return f.get(SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the future failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * @param f a future that must fail
     * @return why it failed
     */
    public static Throwable failure(CompletableFuture<?> f) {
        try {
            Object v = f.get(SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("the future completed normally with " + v + "; it should have failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * @param call a call that must end well
     * @param <R> its reply type
     * @return its reply; a timeout names the call's state and path
     */
    public static <R> R value(AsyncCall<R> call) {
        try {
            return value(publicFuture(call));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + call, e.getCause());
        }
    }

    /**
     * @param call a call that must fail
     * @return why it failed; a timeout names the call's state and path
     */
    public static Throwable failure(AsyncCall<?> call) {
        try {
            return failure(publicFuture(call));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + call, e.getCause());
        }
    }

    @SuppressWarnings("unchecked")
    private static <R> CompletableFuture<R> publicFuture(AsyncCall<R> call) {
        return call instanceof ClientCall ? ((ClientCall<R>) call).result() : ((ServerCall<R>) call).result();
    }

    /**
     * Waits for a condition.
     *
     * @param what for the message
     * @param condition what to wait for
     */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + SECONDS + " s: " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until the call is in the state. */
    public static void state(AsyncCall<?> call, PipeState s) {
        until(call + " reaches " + s, () -> call.state() == s);
    }

    /** Waits until the call has ended (reached END and let go). */
    public static void ended(AsyncCall<?> call) {
        until(call + " ends", call::ended);
    }

    /**
     * Asserts that nothing changes for a while: a call that must stay where it is.
     *
     * @param ms how long to watch
     */
    public static void quiet(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
