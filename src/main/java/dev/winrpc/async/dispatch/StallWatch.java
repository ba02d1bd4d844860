package dev.winrpc.async.dispatch;

/**
 * Watches how long each handler holds a dispatcher's thread, for the Flight Recorder event
 * {@link DispatcherStallEvent}: a handler that held it at least the threshold (the system
 * property {@value #THRESHOLD_PROPERTY}, in milliseconds, read once; default
 * {@value #DEFAULT_THRESHOLD_MILLIS}) is committed as a stall. While no recording has the event
 * enabled, {@link #begin()} costs one check and makes nothing, and {@link #end} one null check.
 */
final class StallWatch {

    /** The system property that sets the threshold, in milliseconds. */
    static final String THRESHOLD_PROPERTY = "dev.winrpc.async.stallThresholdMillis";

    /** The threshold when the property is not set. */
    static final long DEFAULT_THRESHOLD_MILLIS = 100;

    /** A handler that held the thread at least this long stalled it. */
    static final long THRESHOLD_NANOS = Math.max(0, Long.getLong(THRESHOLD_PROPERTY, DEFAULT_THRESHOLD_MILLIS))
            * 1_000_000L;

    /** A notification was delivered. */
    static final String NOTIFICATION = "notification";

    /** A task or a timer ran. */
    static final String TASK = "task";

    /** Asks whether the event is enabled (its type's, not the instance's): no event is made otherwise. */
    private static final DispatcherStallEvent PROBE = new DispatcherStallEvent();

    private StallWatch() {
    }

    /** @return the event begun, if a recording has it enabled; else null */
    static DispatcherStallEvent begin() {
        if (!PROBE.isEnabled()) {
            return null;
        }
        DispatcherStallEvent e = new DispatcherStallEvent();
        e.begin();
        e.startNanos = System.nanoTime();
        return e;
    }

    /**
     * The handler returned: commits the event if it held the thread at least the threshold.
     *
     * @param e what {@link #begin()} returned
     * @param dispatcher the dispatcher's name
     * @param handler {@link #NOTIFICATION} or {@link #TASK}
     */
    static void end(DispatcherStallEvent e, String dispatcher, String handler) {
        if (e == null) {
            return;
        }
        long held = System.nanoTime() - e.startNanos;
        if (held < THRESHOLD_NANOS) {
            return;
        }
        e.end();
        if (e.shouldCommit()) {
            e.dispatcher = dispatcher;
            e.handler = handler;
            e.held = held;
            e.threshold = THRESHOLD_NANOS;
            e.commit();
        }
    }
}
