package dev.winrpc.async.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.raw.Rpcrt4Direct;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.RawCall;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dispatch issue's guarantees, for every kind of dispatcher, against the simulator: real
 * fixture calls, notified by the simulator's own threads.
 */
class DispatcherTest {

    private final WinRpcFixtureNative fx = Simulator.fixture();
    private final SimControl sim = Simulator.control();

    /** A kind of dispatcher, and how many calls it serves at once. */
    record Kind(Supplier<Dispatcher> factory, int maxInFlight) implements Supplier<Dispatcher> {
        @Override
        public Dispatcher get() {
            return factory.get();
        }
    }

    static Stream<Named<Kind>> dispatchers() {
        return Stream.of(
                Named.of("apc", new Kind(ApcDispatcher::new, Integer.MAX_VALUE)),
                Named.of("iocp", new Kind(IocpDispatcher::new, Integer.MAX_VALUE)),
                Named.of("event", new Kind(EventDispatcher::new, EventDispatcher.MAX_CALLS)),
                Named.of("polling", new Kind(PollingDispatcher::new, Integer.MAX_VALUE)));
    }

    /**
     * Starts n Add calls, never more in flight than the dispatcher serves at once.
     *
     * @return each call's result minus the expected sum (so every element must be 0)
     */
    private List<CompletableFuture<Integer>> addMany(Kind kind, Dispatcher d, Binding b, int n,
            Random rnd) throws InterruptedException {
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(
                Math.min(kind.maxInFlight(), n));
        List<CompletableFuture<Integer>> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            assertTrue(slots.tryAcquire(60, TimeUnit.SECONDS), "calls stopped completing");
            int x = rnd.nextInt(100_000);
            // No strong reference to the RawCall is kept here: only the dispatcher's
            // registry holds the call, its state and its memory.
            CompletableFuture<Integer> r = add(d, b, x, 1000).result.thenApply(v -> v - 1000 - x);
            r.whenComplete((v, t) -> slots.release());
            results.add(r);
        }
        return results;
    }

    private RawCall add(Dispatcher d, Binding b, int x, int y) {
        RawCall c = new RawCall().register(d);
        return c.started(fx.WinRpcFixture_Add(c.state.getPointer(), b.handle(), x, y));
    }

    @ParameterizedTest
    @MethodSource("dispatchers")
    void notificationsRunOnTheDispatcherThread(Kind kind) throws Exception {
        try (Dispatcher d = kind.get(); Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            RawCall c = add(d, b, 2, 3);
            assertEquals(5, c.result.get(10, TimeUnit.SECONDS));
            assertSame(d.thread(), c.notifiedOn);
            assertEquals(0, d.registeredCalls());
        }
    }

    @ParameterizedTest
    @MethodSource("dispatchers")
    void aBusyHandlerDelaysTheNextNotificationInsteadOfRunningItElsewhere(Kind kind)
            throws Exception {
        List<long[]> spans = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        try (Dispatcher d = kind.get(); Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            List<RawCall> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RawCall c = new RawCall().onEvent(e -> {
                    long start = System.nanoTime();
                    threads.add(Thread.currentThread());
                    sleep(100);
                    spans.add(new long[] {start, System.nanoTime()});
                }).register(d);
                calls.add(c.started(fx.WinRpcFixture_Add(c.state.getPointer(), b.handle(), i, i)));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertEquals(2 * i, calls.get(i).result.get(10, TimeUnit.SECONDS));
            }
            for (Thread t : threads) {
                assertSame(d.thread(), t);
            }
            spans.sort((x, y) -> Long.compare(x[0], y[0]));
            for (int i = 1; i < spans.size(); i++) {
                assertTrue(spans.get(i)[0] >= spans.get(i - 1)[1], "handlers overlapped");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dispatchers")
    void tenThousandCallsInFlightThroughOneDispatcherAllComplete(Kind kind)
            throws Exception {
        // Replies come late enough that all 10,000 are in flight at once (except where the
        // dispatcher serves fewer calls at a time, which then get no delay).
        sim.sim_set_reply_delay(kind.maxInFlight() >= 10_000 ? 200 : 0);
        try (Dispatcher d = kind.get(); Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            List<CompletableFuture<Integer>> results = addMany(kind, d, b, 10_000, new Random(1));
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            for (CompletableFuture<Integer> r : results) {
                assertEquals(0, r.get());
            }
            assertEquals(0, d.registeredCalls());
        }
    }

    @ParameterizedTest
    @MethodSource("dispatchers")
    void closeWithCallsInFlightFailsThemCleanlyAndLeaksNothing(Kind kind)
            throws Exception {
        Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();
        int staleBefore = Dispatcher.stalePinned();
        List<RawCall> calls = new ArrayList<>();
        Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT); // freed after the calls' end
        try {
            Dispatcher d = kind.get();
            for (int i = 0; i < Math.min(20, kind.maxInFlight()); i++) {
                RawCall c = new RawCall().register(d);
                calls.add(c.started(fx.WinRpcFixture_Sleep(c.state.getPointer(), b.handle(), -1)));
            }
            d.close();
            d.close(); // idempotent
            for (RawCall c : calls) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> c.result.get(10, TimeUnit.SECONDS));
                assertInstanceOf(DispatcherClosedException.class, e.getCause());
            }
            assertEquals(staleBefore + calls.size(), Dispatcher.stalePinned(), "their states stay pinned");
            d.thread().join(10_000);
            assertFalse(d.thread().isAlive());
        } finally {
            // The runtime is not done with them: finish each call without notifications, as
            // the application would, then let the registrations go.
            for (RawCall c : calls) {
                assertEquals(RpcErrors.RPC_S_OK, Rpcrt4Direct.RpcAsyncCancelCall(c.state.getPointer(), true));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (Rpcrt4Direct.RpcAsyncGetCallStatus(c.state.getPointer()) == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
                    assertTrue(System.nanoTime() < deadline, "the cancelled call never finished");
                    Thread.sleep(1);
                }
                assertEquals(RpcErrors.RPC_S_CALL_CANCELLED,
                        Rpcrt4Direct.RpcAsyncCompleteCall(c.state.getPointer(), new com.sun.jna.Memory(4)));
                c.registration().close();
            }
            b.close();
        }
        assertEquals(staleBefore, Dispatcher.stalePinned());
        // The oracle extension then checks: no misuse, no handle, no state left.
    }

    @ParameterizedTest
    @MethodSource("dispatchers")
    void aThrowingHandlerDoesNotKillTheDispatcher(Kind kind) throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        try (Dispatcher d = kind.get(); Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            d.setExceptionHandler(reported::add);
            IllegalStateException boom = new IllegalStateException("boom");
            RawCall bad = new RawCall().onEvent(e -> {
                throw boom;
            }).register(d);
            bad.started(fx.WinRpcFixture_Add(bad.state.getPointer(), b.handle(), 1, 1));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> bad.result.get(10, TimeUnit.SECONDS));
            assertSame(boom, e.getCause(), "the call's failure path got the exception");
            assertTrue(waitFor(() -> reported.contains(boom), 10_000), "the user's handler got it");
            // The handler threw before completing the call: the application completes it.
            assertTrue(bad.completeIfDone());

            RawCall good = add(d, b, 20, 22);
            assertEquals(42, good.result.get(10, TimeUnit.SECONDS));
            assertTrue(d.thread().isAlive());
        }
    }

    @ParameterizedTest
    @MethodSource("dispatchers")
    void aGcStormWhileCallsAreInFlightLosesNoNotification(Kind kind) throws Exception {
        AtomicBoolean storm = new AtomicBoolean(true);
        Thread gc = new Thread(() -> {
            while (storm.get()) {
                System.gc();
            }
        }, "gc-storm");
        gc.start();
        try (Dispatcher d = kind.get(); Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            SimControl.SIM_FAULT_PLAN plan = new SimControl.SIM_FAULT_PLAN();
            plan.seed = 42;
            plan.max_delay_ms = 20;
            sim.sim_set_fault_plan(plan);
            List<CompletableFuture<Integer>> results = addMany(kind, d, b, 1_000, new Random(7));
            for (CompletableFuture<Integer> r : results) {
                assertEquals(0, r.get(60, TimeUnit.SECONDS));
            }
        } finally {
            storm.set(false);
            gc.join();
        }
    }

    @ParameterizedTest
    @MethodSource("dispatchers")
    void workHandedOverRunsOnTheDispatcherThreadAndAClosedDispatcherRefusesWork(
            Kind kind) throws Exception {
        Dispatcher d = kind.get();
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        d.execute(() -> ran.complete(Thread.currentThread()));
        assertSame(d.thread(), ran.get(10, TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, d::checkInDispatcherThread);
        CompletableFuture<Boolean> inside = new CompletableFuture<>();
        d.execute(() -> {
            d.checkInDispatcherThread();
            inside.complete(d.inDispatcherThread());
        });
        assertTrue(inside.get(10, TimeUnit.SECONDS));

        d.close();
        assertTrue(d.isClosed());
        assertThrows(RejectedExecutionException.class, () -> d.execute(() -> { }));
        RawCall c = new RawCall();
        assertThrows(DispatcherClosedException.class, () -> c.register(d));
        d.close();
    }

    /**
     * A task that hands itself to its dispatcher again, forever, must not starve the
     * notifications (the reliability issue: it did, and close() then gave up after 30 s with the
     * thread alive): tasks run in bounded batches, and close ends the loop.
     */
    @ParameterizedTest
    @MethodSource("dispatchers")
    void aTaskThatResubmitsItselfStarvesNothingAndCloseEndsTheLoop(Kind kind) throws Exception {
        java.util.concurrent.atomic.AtomicLong runs = new java.util.concurrent.atomic.AtomicLong();
        Dispatcher d = kind.get();
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            Runnable[] again = new Runnable[1];
            again[0] = () -> {
                runs.incrementAndGet();
                d.execute(again[0]);
            };
            d.execute(again[0]);
            assertTrue(waitFor(() -> runs.get() > 100, 10_000), "the task does run");
            RawCall c = add(d, b, 40, 2);
            assertEquals(42, c.result.get(10, TimeUnit.SECONDS), "a notification got through");
        } finally {
            d.close();
        }
        assertFalse(d.thread().isAlive(), "close ended the loop");
    }

    /** A timer runs on the dispatcher's thread once its delay has passed; a cancelled one never. */
    @ParameterizedTest
    @MethodSource("dispatchers")
    void timersRunOnTheDispatcherThreadAndCanBeCancelled(Kind kind) throws Exception {
        try (Dispatcher d = kind.get()) {
            CompletableFuture<Thread> ran = new CompletableFuture<>();
            long t0 = System.nanoTime();
            d.schedule(java.time.Duration.ofMillis(50), () -> ran.complete(Thread.currentThread()));
            Scheduled never = d.schedule(java.time.Duration.ofMillis(20), () -> ran.completeExceptionally(
                    new AssertionError("a cancelled timer ran")));
            never.cancel();
            assertSame(d.thread(), ran.get(10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 >= 50_000_000L, "it ran before its delay");
            assertTrue(never.isCancelled());
            assertThrows(IllegalArgumentException.class, () -> d.schedule(java.time.Duration.ofMillis(-1), () -> { }));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Used by the APC-only test below. */
    static boolean waitFor(java.util.function.BooleanSupplier condition, long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(1);
        }
        return true;
    }

    @org.junit.jupiter.api.Test
    void apcNotificationsRunOnlyWhileTheDispatcherWaitsAlertably() throws Exception {
        try (ApcDispatcher d = new ApcDispatcher(); Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // Park the dispatcher thread in a Java (non-alertable) wait.
            d.execute(() -> {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            RawCall c = add(d, b, 4, 5);
            assertTrue(waitFor(() -> sim.sim_counter(SimControl.SIM_COUNT_QUEUED_APCS) >= 1, 10_000),
                    "the runtime queued the notification");
            Thread.sleep(100);
            assertFalse(c.result.isDone(), "the APC ran while the thread was not alertable");
            release.countDown();
            assertEquals(9, c.result.get(10, TimeUnit.SECONDS));
            assertSame(d.thread(), c.notifiedOn);
        }
    }
}
