package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.raw.Kernel32Direct;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.AlertableThread;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.RawClientCall;
import dev.winrpc.async.testing.Failures;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guards APC delivery, the mechanism every RpcNotificationTypeApc notification rides on: an APC
 * queued with QueueUserAPC from another thread, through a real handle that the target thread
 * opened to itself with THREAD_SET_CONTEXT, runs on the target thread and nowhere else, and only
 * while that thread waits alertably (SleepEx, WaitForSingleObjectEx, WaitForMultipleObjectsEx
 * with bAlertable TRUE). A non-alertable wait with APCs queued runs none of them and returns
 * after its timeout. The APCs run in the order they were queued, all of them in one wait, which
 * then returns WAIT_IO_COMPLETION (0xC0). The notifications of a real fixture call (fx_Add to
 * the scripted server) reach the notification routine on the target thread only, even while
 * other threads wait alertably too.
 */
class ApcDeliveryTest {

    private static final int WAIT_TIMEOUT = 0x102;
    private static final int WAIT_OBJECT_0 = 0;

    private final Kernel32 k32 = RpcRuntime.kernel32();
    private final Kernel32Ex k32x = RpcRuntime.kernel32Ex();
    private final SimControl sim = Simulator.control();
    private final WinRpcFixtureNative fx = Simulator.fixture();
    @RegisterExtension
    final Failures failures = new Failures();

    /** One APC that ran: its parameter and its thread. */
    private record Ran(long parameter, Thread thread) {
    }

    private final List<Ran> ran = new CopyOnWriteArrayList<>();
    /** The APC routine: records where it ran; never throws into native code. */
    private final Kernel32Ex.PAPCFUNC apc = parameter -> {
        try {
            ran.add(new Ran(parameter.longValue(), Thread.currentThread()));
        } catch (Throwable t) {
            failures.record(t);
        }
    };


    private List<Long> parameters() {
        return ran.stream().map(Ran::parameter).toList();
    }

    private Set<Thread> threadsRanOn() {
        return Set.copyOf(ran.stream().map(Ran::thread).toList());
    }

    private void queue(HANDLE h, long parameter) {
        assertNotEquals(0, k32x.QueueUserAPC(apc, h, new ULONG_PTR(parameter)),
                () -> "QueueUserAPC failed: error " + k32.GetLastError());
    }

    @Test
    void apcsRunOnlyOnTheTargetOnlyInAnAlertableWaitInFifoOrderAllInOneWait() throws Exception {
        CountDownLatch queued = new CountDownLatch(1);
        AlertableThread target = AlertableThread.start("apc-target", self -> {
            // A HotSpot wait is not alertable: the APCs stay queued meanwhile.
            assertTrue(queued.await(10, TimeUnit.SECONDS));
            assertEquals(List.of(), ran);

            long t0 = System.nanoTime();
            assertEquals(0, Kernel32Direct.SleepEx(40, false), "a non-alertable SleepEx returns 0 after its time");
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(40),
                    "it returned before its timeout");
            assertEquals(List.of(), ran, "a non-alertable wait ran an APC");
            assertEquals(5, sim.sim_counter(SimControl.SIM_COUNT_QUEUED_APCS));

            assertEquals(Kernel32Ex.WAIT_IO_COMPLETION, Kernel32Direct.SleepEx(10_000, true));
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), parameters(), "all, in FIFO order, in one wait");
            assertEquals(Set.of(Thread.currentThread()), threadsRanOn());
            assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_QUEUED_APCS));
            assertEquals(0, Kernel32Direct.SleepEx(0, true), "nothing is left for a second wait");
        });
        HANDLE h = target.handle();
        for (long i = 1; i <= 5; i++) {
            queue(h, i);
        }
        // The queueing thread's own alertable wait does not run them.
        assertEquals(0, Kernel32Direct.SleepEx(1, true));
        assertEquals(List.of(), ran);
        queued.countDown();
        target.join(10_000);
    }

    @Test
    void alertableWaitsOnObjectsRunTheApcsAndNonAlertableOnesTimeOut() throws Exception {
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch secondRound = new CountDownLatch(1);
        CountDownLatch thirdRound = new CountDownLatch(1);
        AlertableThread target = AlertableThread.start("apc-target", self -> {
            HANDLE e1 = k32.CreateEvent(null, true, false, null);
            HANDLE e2 = k32.CreateEvent(null, true, false, null);
            try {
                assertTrue(queued.await(10, TimeUnit.SECONDS));
                // Non-alertable waits on an unsignalled event: the timeout, no APC.
                assertEquals(WAIT_TIMEOUT, k32x.WaitForSingleObjectEx(e1, 20, false));
                assertEquals(WAIT_TIMEOUT, k32x.WaitForMultipleObjectsEx(2, new HANDLE[] {e1, e2},
                        false, 20, false));
                assertEquals(WAIT_TIMEOUT, k32.WaitForSingleObject(e1, 20));
                assertEquals(List.of(), ran);

                // WaitForSingleObjectEx, alertable: runs both, returns WAIT_IO_COMPLETION.
                assertEquals(Kernel32Ex.WAIT_IO_COMPLETION, k32x.WaitForSingleObjectEx(e1, 10_000, true));
                assertEquals(List.of(10L, 11L), parameters());

                // WaitForMultipleObjectsEx, alertable, blocked when the APC is queued.
                secondRound.countDown();
                long t0 = System.nanoTime();
                assertEquals(Kernel32Ex.WAIT_IO_COMPLETION, k32x.WaitForMultipleObjectsEx(2,
                        new HANDLE[] {e1, e2}, false, 10_000, true));
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5),
                        "the APC did not end the alertable wait");
                assertEquals(List.of(10L, 11L, 20L), parameters());

                // SleepEx, alertable, blocked when the APC is queued.
                thirdRound.countDown();
                assertEquals(Kernel32Ex.WAIT_IO_COMPLETION, Kernel32Direct.SleepEx(10_000, true));
                assertEquals(List.of(10L, 11L, 20L, 30L), parameters());
                assertEquals(Set.of(Thread.currentThread()), threadsRanOn());
            } finally {
                k32.CloseHandle(e1);
                k32.CloseHandle(e2);
            }
        });
        HANDLE h = target.handle();
        queue(h, 10);
        queue(h, 11);
        queued.countDown();
        assertTrue(secondRound.await(10, TimeUnit.SECONDS));
        Thread.sleep(20); // let it block (if it has not, the APC is found at entry: same result)
        queue(h, 20);
        assertTrue(thirdRound.await(10, TimeUnit.SECONDS));
        Thread.sleep(20);
        queue(h, 30);
        target.join(10_000);
    }

    @Test
    void apcNotificationsOfAFixtureCallRunOnTheTargetThreadOnly() throws Exception {
        sim.sim_set_reply_delay(30); // the test thread waits alertably while the reply comes
        CompletableFuture<RawClientCall> theCall = new CompletableFuture<>();
        AlertableThread target = AlertableThread.start("notification-target", self -> {
            RawClientCall c = theCall.get(10, TimeUnit.SECONDS);
            assertTrue(self.awaitAlertably(() -> c.log.count(Rpcrt4.RpcCallComplete) == 1, 10_000),
                    "RpcCallComplete never reached the target thread");
        });
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(target.handle(), 0)) {
            theCall.complete(c);
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 2, 40));
            // Another thread waiting alertably meanwhile never runs the routine.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.log.count(Rpcrt4.RpcCallComplete) == 0 && System.nanoTime() < deadline) {
                Kernel32Direct.SleepEx(2, true);
            }
            target.join(10_000);
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(42, c.reply());
            assertEquals(List.of(Rpcrt4.RpcCallComplete), c.log.events());
            assertEquals(Set.of(target.thread()), c.log.threads());
            assertEquals(Set.of(Pointer.nativeValue(c.p())), c.log.states(),
                    "the routine got the call's own state");
        }
    }
}
