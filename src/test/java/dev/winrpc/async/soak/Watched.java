package dev.winrpc.async.soak;

import dev.winrpc.async.call.AsyncCall;
import dev.winrpc.async.call.CallProbe;
import dev.winrpc.async.call.Tables;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A call the soak watches: its result must complete exactly once within the bound, and then
 * the call must have ended, walked its table, and let go of its registration.
 *
 * @param <R> the reply type
 */
final class Watched<R> {

    /** The bound of every wait, in seconds. */
    static final int BOUND_S = 30;

    final String who;
    final AsyncCall<R> call;
    private final AtomicInteger completions = new AtomicInteger();
    R value;
    Throwable failure;
    boolean completed;

    Watched(String who, AsyncCall<R> call, Runnable onCompletion) {
        this.who = who;
        this.call = call;
        call.result().whenComplete((v, t) -> {
            completions.incrementAndGet();
            onCompletion.run();
        });
    }

    /** Waits for the result; a result that does not come is a problem. */
    void await(List<String> problems) {
        try {
            value = call.result().get(BOUND_S, TimeUnit.SECONDS);
            completed = true;
        } catch (ExecutionException e) {
            failure = e.getCause();
            completed = true;
        } catch (TimeoutException e) {
            problems.add(who + ": its result did not complete within " + BOUND_S + " s (lost completion): " + call);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add(who + ": interrupted");
        }
    }

    /** After {@link #await}: ended, a walk of its table, completed once, registration closed. */
    void check(List<String> problems) {
        if (!completed) {
            return;
        }
        if (!within(call::ended)) {
            problems.add(who + ": its result completed but the call never reached END: " + call);
            return;
        }
        String walk = Tables.walkProblem(call);
        if (walk != null) {
            problems.add(who + ": " + walk);
        }
        if (!within(() -> completions.get() >= 1) || completions.get() != 1) {
            problems.add(who + ": its result completed " + completions.get() + " times");
        }
        if (!within(() -> CallProbe.registrationClosed(call))) {
            problems.add(who + ": ended, but its registration with " + call.dispatcher() + " was never closed");
        }
    }

    /** @return true if the condition holds within the bound */
    static boolean within(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_S);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
