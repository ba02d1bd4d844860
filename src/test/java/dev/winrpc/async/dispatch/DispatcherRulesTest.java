package dev.winrpc.async.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.testing.RawCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** Rules a dispatcher enforces before anything native happens. */
class DispatcherRulesTest {

    @Test
    void aVirtualThreadIsRefusedAsTheApcTargetWithTheReason() throws Exception {
        if (Runtime.version().feature() >= 21) {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            // Through the public interface Thread.Builder: the builder's class is not exported.
            ThreadFactory virtualThreads = (ThreadFactory) Class.forName("java.lang.Thread$Builder")
                    .getMethod("factory").invoke(builder);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ApcDispatcher(virtualThreads));
            assertTrue(e.getMessage().contains("virtual thread"), e.getMessage());
            assertTrue(e.getMessage().contains("APC"), e.getMessage());
            assertTrue(e.getMessage().contains("platform thread"), e.getMessage());
        } else {
            // JDK 17-20 have no virtual threads; the check must then see none.
            assertThrows(NoSuchMethodException.class, () -> Thread.class.getMethod("ofVirtual"));
        }
        assertFalse(Threads.isVirtual(Thread.currentThread()));
    }

    @Test
    void aPlatformThreadFromTheUsersFactoryIsUsed() {
        ThreadFactory named = r -> {
            Thread t = new Thread(r, "my-apc-thread");
            t.setDaemon(true);
            return t;
        };
        try (ApcDispatcher d = new ApcDispatcher(named)) {
            assertEquals("my-apc-thread", d.thread().getName());
            assertTrue(d.thread().isAlive());
        }
    }

    @Test
    void anEventDispatcherRefusesMoreCallsThanOneWaitCanServe() {
        List<RawCall> calls = new ArrayList<>();
        try (EventDispatcher d = new EventDispatcher()) {
            for (int i = 0; i < EventDispatcher.MAX_CALLS; i++) {
                calls.add(new RawCall().register(d));
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new RawCall().register(d));
            assertTrue(e.getMessage().contains("63"), e.getMessage());
            assertEquals(EventDispatcher.MAX_CALLS, d.registeredCalls());
            // The refused registration left nothing behind: one slot frees, one more fits.
            calls.remove(0).registration().close();
            calls.add(new RawCall().register(d));
        } finally {
            for (RawCall c : calls) {
                c.registration().close();
            }
        }
    }

    @Test
    void aStateCannotBeRegisteredTwice() {
        try (ApcDispatcher d = new ApcDispatcher(); IocpDispatcher other = new IocpDispatcher()) {
            RawCall c = new RawCall().register(d);
            try {
                assertThrows(IllegalStateException.class, () -> d.register(c.state, c));
            } finally {
                c.registration().close();
            }
            assertEquals(0, d.registeredCalls());
            assertEquals(0, other.registeredCalls());
        }
    }

    /** Every kind of dispatcher, made with a factory. */
    private static List<java.util.function.Function<ThreadFactory, Dispatcher>> kinds() {
        return List.of(ApcDispatcher::new, f -> new IocpDispatcher(f, IocpDispatcher.DEFAULT_BATCH),
                EventDispatcher::new, f -> new PollingDispatcher(f, java.time.Duration.ofMillis(1)));
    }

    /**
     * Construction failures leak nothing and never hang (the reliability issue: a factory that
     * returned a running thread leaked the port or event; one whose thread never ran the body
     * made the constructor wait for ever). The simulator's counters, checked after the test,
     * see every handle that leaked.
     */
    @Test
    void aFactoryThatReturnsAStartedThreadIsRefusedAndNothingLeaks() throws Exception {
        for (var kind : kinds()) {
            Thread started = new Thread(() -> { });
            started.start();
            started.join();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kind.apply(r -> started));
            assertTrue(e.getMessage().contains("started already"), e.getMessage());
        }
    }

    @Test
    void aFactoryWhoseThreadNeverRunsTheDispatcherIsAbandonedInBoundedTime() {
        long before = LoopThread.startTimeoutMillis;
        LoopThread.startTimeoutMillis = 200;
        try {
            for (var kind : kinds()) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> kind.apply(r -> new Thread(() -> { })));
                assertTrue(e.getMessage().contains("did not run"), e.getMessage());
            }
        } finally {
            LoopThread.startTimeoutMillis = before;
        }
    }

    /**
     * A constructor called on an interrupted thread (the reliability issue: the APC dispatcher
     * then queued an APC to a null handle and leaked two handles) makes a working dispatcher and
     * keeps the caller's interrupt.
     */
    @Test
    void aDispatcherMadeOnAnInterruptedThreadWorksAndKeepsTheInterrupt() throws Exception {
        for (var kind : kinds()) {
            Thread.currentThread().interrupt();
            Dispatcher d;
            try {
                d = kind.apply(null);
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt was kept (and is cleared here)");
            }
            try (d) {
                java.util.concurrent.CompletableFuture<Thread> ran = new java.util.concurrent.CompletableFuture<>();
                d.execute(() -> ran.complete(Thread.currentThread()));
                assertEquals(d.thread(), ran.get(10, java.util.concurrent.TimeUnit.SECONDS));
            }
        }
    }
}
