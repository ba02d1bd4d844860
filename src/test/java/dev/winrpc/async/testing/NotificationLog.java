package dev.winrpc.async.testing;

import com.sun.jna.Pointer;
import dev.winrpc.async.raw.Rpcrt4;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

/**
 * An APC notification routine ({@code RPCNOTIFICATION_ROUTINE}) that records every call: the
 * state's address, the event and the Java thread it ran on. It never throws into native code:
 * anything that goes wrong inside is recorded in its {@link Failures}.
 *
 * <p>Hold it strongly for as long as the runtime may call it (until the call's final completion
 * and until the target thread has drained its APCs).
 */
public final class NotificationLog implements Rpcrt4.RPCNOTIFICATION_ROUTINE {

    /** One notification. */
    public record Entry(long pAsync, int event, Thread thread) {
    }

    private final Failures failures;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final AtomicIntegerArray counts = new AtomicIntegerArray(8);
    private volatile Consumer<Entry> then = e -> { };

    /** @param failures where failures inside the routine go */
    public NotificationLog(Failures failures) {
        this.failures = failures;
    }

    /**
     * @param then runs after each notification is recorded, on the notified thread (its
     *        exceptions are recorded, never thrown into native code)
     * @return this
     */
    public NotificationLog then(Consumer<Entry> then) {
        this.then = then;
        return this;
    }

    @Override
    public void callback(Pointer pAsync, Pointer Context, int Event) {
        try {
            Entry e = new Entry(Pointer.nativeValue(pAsync), Event, Thread.currentThread());
            entries.add(e);
            if (Event >= 0 && Event < counts.length()) {
                counts.incrementAndGet(Event);
            } else {
                failures.record(new AssertionError("unknown RPC_ASYNC_EVENT " + Event));
            }
            if (Context != null) {
                failures.record(new AssertionError("the notification routine's Context is "
                        + Context + ", not NULL"));
            }
            then.accept(e);
        } catch (Throwable t) {
            failures.record(t);
        }
    }

    /** @return how many notifications of this RPC_ASYNC_EVENT arrived */
    public int count(int event) {
        return counts.get(event);
    }

    /** @return how many notifications arrived */
    public int total() {
        return entries.size();
    }

    /** @return every notification, in the order they ran */
    public List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    /** @return the events, in the order they ran */
    public List<Integer> events() {
        List<Integer> out = new ArrayList<>();
        for (Entry e : entries) {
            out.add(e.event());
        }
        return out;
    }

    /** @return the threads the routine ran on */
    public Set<Thread> threads() {
        Set<Thread> out = new LinkedHashSet<>();
        for (Entry e : entries) {
            out.add(e.thread());
        }
        return out;
    }

    /** @return the set of addresses of the states notified */
    public Set<Long> states() {
        Set<Long> out = new LinkedHashSet<>();
        for (Entry e : entries) {
            out.add(e.pAsync());
        }
        return out;
    }

    /** @return bit (1 << event) for each event seen, as SIM_PEER_RESULT.events_seen */
    public int eventMask() {
        int m = 0;
        for (Entry e : entries) {
            m |= 1 << e.event();
        }
        return m;
    }
}
