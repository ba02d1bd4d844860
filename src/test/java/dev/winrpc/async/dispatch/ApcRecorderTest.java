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

    private static String before;

    @org.junit.jupiter.api.BeforeAll
    static void turnOn() {
        before = System.getProperty(ApcRecorder.PROPERTY);
        System.setProperty(ApcRecorder.PROPERTY, "true"); // off by default (ApcRecorder.PROPERTY)
    }

    @org.junit.jupiter.api.AfterAll
    static void restore() {
        if (before == null) {
            System.clearProperty(ApcRecorder.PROPERTY);
        } else {
            System.setProperty(ApcRecorder.PROPERTY, before);
        }
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
            System.setProperty(ApcRecorder.PROPERTY, "true");
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
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread[] dispatcherThread = new Thread[1];
            d.execute(() -> {
                dispatcherThread[0] = Thread.currentThread();
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
                if (threads.get(i) != dispatcherThread[0]) {
                    assertEquals(dispatcherThread[0], threads.get(i), "notification " + i + "'s thread");
                }
            }
            for (Registration r : regs) {
                r.close();
            }
        }
    }
}
