package dev.winrpc.async.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Failures seen where a test cannot throw: inside JNA callbacks (notification routines, APC
 * routines, manager routines), which must never let an exception escape into native code, and on
 * worker threads. Each is recorded here and rethrown on the test thread by {@link #rethrow()};
 * a test class that registers one as an extension ({@code @RegisterExtension final Failures
 * failures = new Failures();}) has it rethrown after each test.
 */
public final class Failures implements AfterEachCallback {

    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

    /** @param t a failure to rethrow later on the test thread */
    public void record(Throwable t) {
        failures.add(t);
    }

    /**
     * Records an assertion failure unless the condition holds.
     *
     * @param condition what must hold
     * @param message what went wrong otherwise
     */
    public void check(boolean condition, String message) {
        if (!condition) {
            record(new AssertionError(message));
        }
    }

    /** @return whether nothing has been recorded */
    public boolean isEmpty() {
        return failures.isEmpty();
    }

    /**
     * Throws the first recorded failure (as an AssertionError whose cause it is), with every
     * other one suppressed; does nothing if none was recorded.
     */
    public void rethrow() {
        List<Throwable> all = new ArrayList<>(failures);
        if (all.isEmpty()) {
            return;
        }
        AssertionError e = new AssertionError("failure on another thread or in a callback: "
                + all.get(0), all.get(0));
        for (int i = 1; i < all.size(); i++) {
            e.addSuppressed(all.get(i));
        }
        throw e;
    }

    /** After each test of a class that registered this as an extension: {@link #rethrow()}. */
    @Override
    public void afterEach(ExtensionContext context) {
        rethrow();
    }
}
