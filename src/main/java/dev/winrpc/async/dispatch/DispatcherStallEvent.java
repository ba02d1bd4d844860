package dev.winrpc.async.dispatch;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * The Flight Recorder event {@code dev.winrpc.async.DispatcherStall}: a notification handler or a
 * task held a dispatcher's thread at least {@link StallWatch#THRESHOLD_PROPERTY} milliseconds
 * (default 100), so every other call of that dispatcher waited as long. Disabled by default;
 * made and committed by {@link StallWatch} only while a recording has it enabled. Its stack
 * trace is the dispatcher thread's at the end of the stall.
 */
@Name(DispatcherStallEvent.NAME)
@Label("Dispatcher Stall")
@Category({"winrpc-async"})
@Description("A handler held a winrpc-async dispatcher's thread longer than the stall threshold")
@Enabled(false)
final class DispatcherStallEvent extends Event {

    /** The event's name. */
    static final String NAME = "dev.winrpc.async.DispatcherStall";

    @Label("Dispatcher")
    @Description("The dispatcher's name (its thread's, unless the application's factory named it)")
    String dispatcher;

    @Label("Handler")
    @Description("What held the thread: a notification, or a task or timer handed to the dispatcher")
    String handler;

    @Label("Held")
    @Timespan(Timespan.NANOSECONDS)
    long held;

    @Label("Threshold")
    @Timespan(Timespan.NANOSECONDS)
    long threshold;

    /** System.nanoTime() when the handler began; not a field of the event (transient). */
    transient long startNanos;
}
