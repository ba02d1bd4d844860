package dev.winrpc.async.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's timers: the indexed heap agrees with a sorted set under any mix of adds,
 * removals and polls (the earliest first, ties in the order scheduled); a timer cancelled on
 * the dispatcher thread leaves the queue at once, one cancelled elsewhere lets go of its task
 * and never runs; a closed dispatcher forgets its timers.
 */
class TimerQueueTest {

    @Property(tries = 300)
    void theHeapAgreesWithASortedSet(@ForAll @Size(max = 200) List<@IntRange(min = 0, max = 99) Integer> ops) {
        TimerQueue q = new TimerQueue();
        TreeSet<Scheduled> model = new TreeSet<>();
        List<Scheduled> all = new ArrayList<>();
        for (int op : ops) {
            if (op < 55) { // add, deadlines close together so that ties happen
                Scheduled t = Scheduled.after(null, Duration.ofNanos(op % 7), () -> { });
                q.add(t);
                model.add(t);
                all.add(t);
            } else if (op < 85 && !all.isEmpty()) { // remove any timer, queued or not
                Scheduled t = all.get(op % all.size());
                q.remove(t);
                model.remove(t);
            } else { // poll
                Scheduled got = q.poll();
                Scheduled expected = model.pollFirst();
                assertSame(expected, got);
            }
            assertEquals(model.size(), q.size());
            assertSame(model.isEmpty() ? null : model.first(), q.peek());
        }
        q.clear();
        assertEquals(0, q.size());
        assertNull(q.peek());
    }

    @Test
    void aTimerCancelledOnTheDispatcherThreadLeavesTheQueueAtOnce() throws Exception {
        try (ApcDispatcher d = new ApcDispatcher()) {
            AtomicInteger ran = new AtomicInteger();
            CompletableFuture<int[]> sizes = new CompletableFuture<>();
            d.execute(() -> {
                Scheduled a = d.schedule(Duration.ofMinutes(5), ran::incrementAndGet);
                Scheduled b = d.schedule(Duration.ofMinutes(6), ran::incrementAndGet);
                int before = d.tasks.timerCount();
                a.cancel();
                b.cancel();
                sizes.complete(new int[] {before, d.tasks.timerCount()});
            });
            int[] s = sizes.get(10, TimeUnit.SECONDS);
            assertEquals(2, s[0]);
            assertEquals(0, s[1]);
            assertEquals(0, ran.get());
        }
    }

    @Test
    void aTimerCancelledElsewhereNeverRunsAndLetsGoOfItsTask() throws Exception {
        try (ApcDispatcher d = new ApcDispatcher()) {
            AtomicInteger ran = new AtomicInteger();
            Scheduled t = d.schedule(Duration.ofMillis(20), ran::incrementAndGet);
            t.cancel();
            assertTrue(t.isCancelled());
            assertNull(t.task(), "a cancelled timer keeps its task");
            CompletableFuture<Void> later = new CompletableFuture<>();
            d.schedule(Duration.ofMillis(60), () -> later.complete(null));
            later.get(10, TimeUnit.SECONDS);
            assertEquals(0, ran.get());
            assertEquals(0, DispatcherTimers.count(d));
        }
    }

    @Test
    void aClosedDispatcherForgetsItsTimersAndRefusesNewOnes() throws Exception {
        ApcDispatcher d = new ApcDispatcher();
        AtomicInteger ran = new AtomicInteger();
        d.schedule(Duration.ofMinutes(5), ran::incrementAndGet);
        assertEquals(1, DispatcherTimers.count(d));
        d.close();
        assertEquals(0, d.tasks.timerCount(), "the ended loop's timers");
        assertEquals(0, ran.get());
        assertThrows(java.util.concurrent.RejectedExecutionException.class,
                () -> d.schedule(Duration.ofMillis(1), ran::incrementAndGet));
    }

    @Test
    void aDelayOfCenturiesDoesNotOverflow() throws Exception {
        try (ApcDispatcher d = new ApcDispatcher()) {
            Scheduled far = d.schedule(Duration.ofDays(365L * 10_000), () -> { });
            CompletableFuture<Void> near = new CompletableFuture<>();
            d.schedule(Duration.ofMillis(1), () -> near.complete(null));
            near.get(10, TimeUnit.SECONDS); // the far timer did not come first or block the loop
            assertEquals(1, DispatcherTimers.count(d));
            far.cancel();
        }
    }
}
