package dev.winrpc.async.dispatch;

import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;

/**
 * A dispatcher's life, as one state machine: {@code OPEN -> CLOSING -> TERMINATED -> RELEASED}.
 * One lock orders every transition against what must not interleave with it: registering a
 * call (only while OPEN), waking the thread (only before TERMINATED, through a handle that is
 * still open), and releasing the native resources (once, after TERMINATED, when no detached
 * call can reach them).
 */
final class Lifecycle {

    /** The phases, in the only order they are entered. */
    enum Phase {
        /** Serving. */
        OPEN,
        /** close() was called: nothing new is accepted; the thread ends the calls still live. */
        CLOSING,
        /** The thread has ended; detached calls may still reach the native resources. */
        TERMINATED,
        /** The native resources are released. */
        RELEASED
    }

    /** What {@link #whileOpen} returns when the phase is not OPEN. */
    static final long CLOSED = Long.MIN_VALUE;

    private final Object lock = new Object();
    private volatile Phase phase = Phase.OPEN;

    /** @return the phase now */
    Phase phase() {
        return phase;
    }

    /** @return true while OPEN */
    boolean isOpen() {
        return phase == Phase.OPEN;
    }

    /**
     * OPEN to CLOSING.
     *
     * @return true for the call that made the move
     */
    boolean close() {
        synchronized (lock) {
            if (phase != Phase.OPEN) {
                return false;
            }
            phase = Phase.CLOSING;
            return true;
        }
    }

    /** The thread has ended (or never started its loop). */
    void terminated() {
        synchronized (lock) {
            if (phase.compareTo(Phase.TERMINATED) < 0) {
                phase = Phase.TERMINATED;
            }
        }
    }

    /**
     * Runs {@code register} with {@code arg} only while OPEN, with no transition in between.
     * Takes its argument rather than capturing it, so that a caller passing a constant function
     * allocates nothing.
     *
     * @param <A> the argument's type
     * @param arg what register works on
     * @param register what to do; its result is returned
     * @return what register returned, or {@link #CLOSED} if not OPEN (nothing was run)
     */
    <A> long whileOpen(A arg, ToLongFunction<A> register) {
        synchronized (lock) {
            if (phase != Phase.OPEN) {
                return CLOSED;
            }
            return register.applyAsLong(arg);
        }
    }

    void whileRunning(Runnable wake) {
        synchronized (lock) {
            if (phase.compareTo(Phase.TERMINATED) < 0) {
                wake.run();
            }
        }
    }

    /**
     * TERMINATED to RELEASED, once, when {@code nothingDetached} holds; runs {@code release}
     * then.
     *
     * @param nothingDetached true when no detached call can reach the resources any more
     * @param release releases them
     */
    void release(BooleanSupplier nothingDetached, Runnable release) {
        synchronized (lock) {
            if (phase != Phase.TERMINATED || !nothingDetached.getAsBoolean()) {
                return;
            }
            phase = Phase.RELEASED;
            release.run();
        }
    }

    @Override
    public String toString() {
        return phase.name();
    }
}
