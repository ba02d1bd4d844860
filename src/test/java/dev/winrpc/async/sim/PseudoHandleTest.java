package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.dispatch.AsyncHandle;
import dev.winrpc.async.raw.Kernel32Direct;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Util;
import dev.winrpc.async.testing.AlertableThread;
import dev.winrpc.async.testing.ApcTarget;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.RawClientCall;
import dev.winrpc.async.testing.Failures;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guards the pseudo-handle rules that decide where an APC goes. GetCurrentThread() returns a
 * pseudo-handle meaning "the calling thread" to whoever uses it: used by its own thread it
 * queues to that thread (legal, Windows semantics); DuplicateHandle turns it into a real handle
 * another thread can queue through. As an APC notification target it would name the runtime's
 * thread, not the caller's: AsyncHandle.publish refuses it before native memory
 * is touched, and when written raw (bypassing the library) the simulator records
 * SIM_MISUSE_APC_PSEUDO_HANDLE and the notification is lost; the call is then finished by
 * polling. QueueUserAPC through a handle without THREAD_SET_CONTEXT fails with
 * ERROR_ACCESS_DENIED (5).
 */
class PseudoHandleTest {

    private static final long PSEUDO_THREAD = -2L;
    private static final long PSEUDO_PROCESS = -1L;
    private static final int DUPLICATE_SAME_ACCESS = 0x2;

    private final Kernel32 k32 = RpcRuntime.kernel32();
    private final Kernel32Ex k32x = RpcRuntime.kernel32Ex();
    private final SimControl sim = Simulator.control();
    private final WinRpcFixtureNative fx = Simulator.fixture();
    @RegisterExtension
    final Failures failures = new Failures();

    private record Ran(long parameter, Thread thread) {
    }

    private final List<Ran> ran = new CopyOnWriteArrayList<>();
    private final Kernel32Ex.PAPCFUNC apc = parameter -> {
        try {
            ran.add(new Ran(parameter.longValue(), Thread.currentThread()));
        } catch (Throwable t) {
            failures.record(t);
        }
    };


    @Test
    void thePseudoHandleUsedByItsOwnThreadQueuesToThatThread() throws Exception {
        AlertableThread a = AlertableThread.start("thread-a", self -> {
            HANDLE pseudo = k32.GetCurrentThread();
            assertEquals(PSEUDO_THREAD, Pointer.nativeValue(pseudo.getPointer()));
            assertNotEquals(0, k32x.QueueUserAPC(apc, pseudo, new ULONG_PTR(7)));
            assertEquals(List.of(), ran, "queued, not run");
            assertEquals(Kernel32Ex.WAIT_IO_COMPLETION, Kernel32Direct.SleepEx(1_000, true));
            assertEquals(List.of(new Ran(7, Thread.currentThread())), ran);
            assertTrue(k32.CloseHandle(pseudo), "closing a pseudo-handle has no effect and succeeds");
        });
        a.join(10_000);
    }

    @Test
    void duplicatingThePseudoHandleGivesARealHandleAnotherThreadCanUse() throws Exception {
        CountDownLatch published = new CountDownLatch(1);
        CountDownLatch queued = new CountDownLatch(1);
        HANDLE[] real = new HANDLE[1];
        AlertableThread a = AlertableThread.start("thread-a", self -> {
            HANDLEByReference ref = new HANDLEByReference();
            assertTrue(k32.DuplicateHandle(k32.GetCurrentProcess(), k32.GetCurrentThread(),
                    k32.GetCurrentProcess(), ref, 0, false, DUPLICATE_SAME_ACCESS),
                    () -> "DuplicateHandle failed: error " + k32.GetLastError());
            HANDLE h = ref.getValue();
            try {
                long v = Pointer.nativeValue(h.getPointer());
                assertTrue(v != 0 && v != PSEUDO_THREAD && v != PSEUDO_PROCESS, "a real handle: " + v);
                real[0] = h;
                published.countDown();
                assertTrue(queued.await(10, TimeUnit.SECONDS));
                assertEquals(Kernel32Ex.WAIT_IO_COMPLETION, Kernel32Direct.SleepEx(10_000, true));
                assertEquals(List.of(new Ran(9, Thread.currentThread())), ran);
            } finally {
                assertTrue(k32.CloseHandle(h));
            }
        });
        assertTrue(published.await(10, TimeUnit.SECONDS));
        // Thread B (this one) queues to A through the duplicate ...
        assertNotEquals(0, k32x.QueueUserAPC(apc, real[0], new ULONG_PTR(9)));
        // ... while B's own pseudo-handle means B, not A.
        assertNotEquals(0, k32x.QueueUserAPC(apc, k32.GetCurrentThread(), new ULONG_PTR(8)));
        assertEquals(Kernel32Ex.WAIT_IO_COMPLETION, Kernel32Direct.SleepEx(0, true));
        assertEquals(List.of(new Ran(8, Thread.currentThread())), ran);
        ran.clear();
        queued.countDown();
        a.join(10_000);
    }

    /** A state set up for APC notification with GetCurrentThread()'s pseudo-handle as target. */
    private RPC_ASYNC_STATE pseudoHandleState(RawClientCall c) {
        RPC_ASYNC_STATE s = c.state;
        s.Flags = 0;
        s.NotificationType = Rpcrt4.RpcNotificationTypeApc;
        RPC_ASYNC_NOTIFICATION_INFO.APC_INFO info = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
        info.NotificationRoutine = c.log;
        info.hThread = k32.GetCurrentThread();
        s.u.APC = info;
        return s;
    }

    @Test
    void registerHandleRefusesThePseudoHandleBeforeNativeMemoryIsTouched() {
        try (RawClientCall c = new RawClientCall(failures)) {
            byte[] before = c.p().getByteArray(0, RPC_ASYNC_STATE.SIZE);
            RPC_ASYNC_STATE s = pseudoHandleState(c);
            s.UserInfo = new Pointer(0x1234);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AsyncHandle.publish(s));
            assertTrue(e.getMessage().contains("pseudo-handle"), e.getMessage());
            assertArrayEquals(before, c.p().getByteArray(0, RPC_ASYNC_STATE.SIZE),
                    "publishing the fields wrote native memory before refusing");
            assertEquals(RpcErrors.RPC_S_INVALID_BINDING, c.status(), "the state is still unused");
        }
    }

    @Test
    void aPseudoHandleWrittenRawLosesTheNotificationAndIsRecorded() throws Exception {
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures)) {
            RPC_ASYNC_STATE s = pseudoHandleState(c);
            s.u.setType("APC");
            s.writeCallerFields(); // bypassing RpcAsyncRegisterHandle's checks
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 20, 22));

            // The runtime cannot reach the caller through the pseudo-handle: it records that
            // when it tries to deliver RpcCallComplete.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sim.sim_misuse_count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            Simulator.expectMisuses(SimControl.SIM_MISUSE_APC_PSEUDO_HANDLE);

            // The notification is lost: neither this thread's alertable waits nor any other
            // thread ever ran the routine. Poll, then complete.
            assertEquals(RpcErrors.RPC_S_OK, c.pollUntilDone(10_000));
            self.awaitAlertably(() -> false, 20);
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(42, c.reply());
            assertEquals(0, c.log.total(), "the routine ran although its target was a pseudo-handle");
        }
    }

    @Test
    void queueUserApcWithoutThreadSetContextFailsWithAccessDenied() {
        HANDLE h = k32.OpenThread(WinNT.SYNCHRONIZE, false, k32.GetCurrentThreadId());
        assertNotNull(h);
        try {
            assertEquals(0, k32x.QueueUserAPC(apc, h, new ULONG_PTR(1)));
            assertEquals(5, k32.GetLastError(), "ERROR_ACCESS_DENIED");
            Simulator.expectMisuses(SimControl.SIM_MISUSE_APC_NO_SET_CONTEXT);
            assertEquals(0, Kernel32Direct.SleepEx(0, true), "nothing was queued");
            assertEquals(List.of(), ran);
        } finally {
            k32.CloseHandle(h);
        }
    }
}
