package dev.winrpc.async.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Function;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.Kernel32Direct;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The APC recorder ({@link ApcRecorder}) on the simulator: the routine the states get is the
 * recorder's, every notification it records reaches its call on the dispatcher's thread in the
 * order the routine was called, and a backlog larger than the ring goes through the upcall
 * without a loss or a reordering. The notifications are made the way the runtime makes them: an
 * APC queued to the dispatcher's thread that calls the routine written into the state.
 */
class ApcRecorderTest {

    static {
        Simulator.control(); // the simulator backs the runtime
    }

    /** Three calls, so that an order mistake shows. */
    private static final int CALLS = 3;

    @Test
    void theRoutineIsTheRecordersWhereThePlatformHasItsCode() {
        assertNotNull(ApcRecorderCode.forPlatform(Platform.isWindows(), Platform.ARCH),
                "the build's platform has recorder code: " + Platform.ARCH);
        try (ApcDispatcher d = new ApcDispatcher()) {
            assertTrue(d.routine().kind().startsWith("recorder+"), d.routine().kind());
            Pointer fallback = d.routine().upcallEntryPoint();
            assertNotEquals(fallback, d.routine().entryPoint(), "the states get the recorder, not the upcall");
        }
    }

    @Test
    void turnedOffTheUpcallServesEveryNotification() {
        System.setProperty(ApcRecorder.PROPERTY, "false");
        try (ApcDispatcher d = new ApcDispatcher()) {
            assertFalse(d.routine().kind().startsWith("recorder"), d.routine().kind());
            assertEquals(d.routine().upcallEntryPoint(), d.routine().entryPoint());
        } finally {
            System.clearProperty(ApcRecorder.PROPERTY); // on by default
        }
    }

    @Test
    void aFewNotificationsAreDeliveredInOrderOnTheDispatchersThread() throws Exception {
        deliverBacklog(10);
    }

    @Test
    void aBacklogLargerThanTheRingOverflowsIntoTheUpcallInOrder() throws Exception {
        deliverBacklog(ApcRecorderCode.CAPACITY * 3 + 7);
    }

    /**
     * Parks the dispatcher's thread in a task, queues {@code n} APCs that each call the states'
     * routine for one of the calls (round robin, with an event number that grows), releases the
     * thread, whose one alertable wait runs them all, and checks what each call received.
     */
    private static void deliverBacklog(int n) throws Exception {
        try (ApcDispatcher d = new ApcDispatcher()) {
            List<Integer> seen = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            RPC_ASYNC_STATE[] states = new RPC_ASYNC_STATE[CALLS];
            Registration[] regs = new Registration[CALLS];
            CountDownLatch all = new CountDownLatch(n);
            for (int c = 0; c < CALLS; c++) {
                states[c] = new RPC_ASYNC_STATE();
                assertEquals(RpcErrors.RPC_S_OK, RpcRuntime.rpcrt4().RpcAsyncInitializeHandle(states[c], RPC_ASYNC_STATE.SIZE));
                int call = c;
                regs[c] = d.register(states[c], new NotificationTarget() {
                    @Override
                    public void onNotification(int event) {
                        seen.add(event * CALLS + call);
                        threads.add(Thread.currentThread());
                        all.countDown();
                    }

                    @Override
                    public void onFailure(Throwable cause) {
                    }
                });
            }
            Pointer routine = states[0].getPointer().getPointer(RPC_ASYNC_STATE.U_OFFSET);
            assertEquals(d.routine().entryPoint(), routine, "u.APC.NotificationRoutine");
            Function fn = Function.getFunction(routine, dev.winrpc.async.raw.RpcEntry.CONVENTION);
            int[] next = {0};
            Kernel32Ex.PAPCFUNC_DIRECT apc = parameter -> {
                int i = next[0]++;
                fn.invoke(new Object[] {states[i % CALLS].getPointer(), Pointer.NULL, i / CALLS});
            };
            Thread dispatcherThread = queueBehindParkedThread(d, apc, n);
            assertTrue(all.await(30, TimeUnit.SECONDS), "delivered " + (n - all.getCount()) + " of " + n);
            CountDownLatch after = new CountDownLatch(1);
            d.execute(after::countDown); // the lists are the dispatcher thread's until then
            assertTrue(after.await(10, TimeUnit.SECONDS));
            assertEquals(n, next[0], "APCs run");
            assertEquals(n, seen.size());
            for (int i = 0; i < n; i++) {
                if (seen.get(i) != i) {
                    assertEquals(i, seen.get(i), "notification " + i + " (call " + i % CALLS + ", event " + i / CALLS + ")");
                }
                if (threads.get(i) != dispatcherThread) {
                    assertEquals(dispatcherThread, threads.get(i), "notification " + i + "'s thread");
                }
            }
            for (Registration r : regs) {
                r.close();
            }
        }
    }

    @Test
    void recordsOfACallThatAnEarlierRecordEndedAreStaleNotReported() throws Exception {
        // A ends at its first record: its two later ones in the same wait are stale (the runtime
        // would have dropped them had the completion come first); B is untouched; a new call at
        // A's address is notified by what is recorded after the end.
        staleRun(new int[] {A, B, A, A, B}, List.of("A0", "B1", "B4"), List.of("A'0"));
    }

    @Test
    void aNotificationThatOverflowsIntoTheUpcallAfterItsCallEndedIsStale() throws Exception {
        // A full ring: the upcall's own notification (for A) comes after every record, one of
        // which ended A.
        int[] order = new int[ApcRecorderCode.CAPACITY + 1];
        java.util.Arrays.fill(order, B);
        order[0] = A;
        order[ApcRecorderCode.CAPACITY] = A;
        List<String> expected = new ArrayList<>();
        expected.add("A0");
        for (int i = 1; i < ApcRecorderCode.CAPACITY; i++) {
            expected.add("B" + i);
        }
        staleRun(order, expected, List.of("A'0"));
    }

    private static final int A = 0;
    private static final int B = 1;

    /**
     * Queues one APC per entry of {@code order} (the state it notifies; its event is its index)
     * behind a parked dispatcher thread; call A's target closes A's registration and registers
     * a new call (A') on the same state at its first notification. Then queues one more APC for
     * the state and checks that A' gets it, that the first wait delivered exactly
     * {@code expected}, and that nothing was reported.
     */
    private static void staleRun(int[] order, List<String> expected, List<String> expectedAfter) throws Exception {
        try (ApcDispatcher d = new ApcDispatcher()) {
            List<Throwable> reported = java.util.Collections.synchronizedList(new ArrayList<>());
            d.setExceptionHandler(reported::add);
            List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
            RPC_ASYNC_STATE[] states = {new RPC_ASYNC_STATE(), new RPC_ASYNC_STATE()};
            for (RPC_ASYNC_STATE st : states) {
                assertEquals(RpcErrors.RPC_S_OK, RpcRuntime.rpcrt4().RpcAsyncInitializeHandle(st, RPC_ASYNC_STATE.SIZE));
            }
            Registration[] regs = new Registration[2];
            Registration[] renewed = new Registration[1];
            NotificationTarget reborn = target(event -> seen.add("A'" + event));
            regs[A] = d.register(states[A], target(event -> {
                seen.add("A" + event);
                regs[A].close();
                renewed[0] = d.register(states[A], reborn);
            }));
            regs[B] = d.register(states[B], target(event -> seen.add("B" + event)));
            Function fn = Function.getFunction(d.routine().entryPoint(), dev.winrpc.async.raw.RpcEntry.CONVENTION);
            int[] next = {0};
            CountDownLatch ran = new CountDownLatch(order.length + 1);
            Kernel32Ex.PAPCFUNC_DIRECT apc = parameter -> {
                int i = next[0]++;
                int state = i < order.length ? order[i] : A;
                fn.invoke(new Object[] {states[state].getPointer(), Pointer.NULL, i < order.length ? i : 0});
                ran.countDown();
            };
            queueBehindParkedThread(d, apc, order.length);
            awaitOnThread(d, ran, 1);
            assertEquals(order.length, next[0], "APCs run");
            assertSameDeliveries(expected, new ArrayList<>(seen));
            seen.clear();
            assertNotEquals(0, Kernel32Direct.QueueUserAPC(apc, d.threadHandle().getPointer(), null));
            awaitOnThread(d, ran, 0);
            assertEquals(expectedAfter, new ArrayList<>(seen), "the new call at A's address");
            assertEquals(List.of(), reported, "nothing reported");
            renewed[0].close();
            regs[B].close();
        }
    }

    /**
     * Parks the dispatcher's thread in a task, queues {@code n} APCs to it, then lets it go: its
     * next alertable wait runs them all at once.
     *
     * @return the dispatcher's thread
     */
    private static Thread queueBehindParkedThread(ApcDispatcher d, Kernel32Ex.PAPCFUNC_DIRECT apc, int n)
            throws InterruptedException {
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread[] thread = new Thread[1];
        d.execute(() -> {
            thread[0] = Thread.currentThread();
            parked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(parked.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < n; i++) {
            assertNotEquals(0, Kernel32Direct.QueueUserAPC(apc, d.threadHandle().getPointer(), null));
        }
        release.countDown();
        return thread[0];
    }

    /** Like assertEquals on the lists, with a message short enough for a thousand entries. */
    private static void assertSameDeliveries(List<String> expected, List<String> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            assertEquals(expected.get(i), actual.get(i), "delivery " + i);
        }
        assertEquals(expected.size(), actual.size(), () -> "deliveries; beyond the common part: "
                + (actual.size() > n ? actual.subList(n, actual.size()) : expected.subList(n, expected.size())));
    }

    /**
     * Waits until the queued APCs have run (the latch at {@code left}), then until the
     * dispatcher's thread has drained what they recorded (a task runs after the wait's drain).
     */
    private static void awaitOnThread(ApcDispatcher d, CountDownLatch ran, int left) throws InterruptedException {
        for (int i = 0; i < 1_000 && ran.getCount() > left; i++) {
            Thread.sleep(10);
        }
        assertEquals(left, ran.getCount(), "APCs still to run");
        CountDownLatch done = new CountDownLatch(1);
        d.execute(done::countDown);
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }

    private static NotificationTarget target(java.util.function.IntConsumer onEvent) {
        return new NotificationTarget() {
            @Override
            public void onNotification(int event) {
                onEvent.accept(event);
            }

            @Override
            public void onFailure(Throwable cause) {
                throw new AssertionError(cause);
            }
        };
    }
}
