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
}
