package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.Kernel32Direct;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.Failures;
import dev.winrpc.async.testing.JavaServer;
import dev.winrpc.async.testing.NotificationLog;
import dev.winrpc.async.testing.PeerClient;
import dev.winrpc.async.testing.RawServerCall;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.SimControl.SIM_PEER_CALL;
import dev.winrpc.async.testing.SimControl.SIM_PEER_RESULT;
import dev.winrpc.async.testing.Simulator;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guards RpcServerSubscribeForNotification and RpcServerUnsubscribeForNotification through the
 * raw binding, with JNA marshalling the RPC_ASYNC_NOTIFICATION_INFO union, the call handle
 * ({@code Rpcrt4Util.RpcAsyncGetCallHandle}) and NotificationsQueued: a Java server (made
 * without the {@link JavaServer}'s own subscription) hears its client's cancel only through
 * its subscription's APC routine (called with the server call's state, a NULL Context and
 * RpcClientCancel, never through the state's own routine, and without the state's Event field
 * being written), and its disconnect through its subscription's completion port with exactly
 * the byte count, key and OVERLAPPED it subscribed with; NotificationsQueued counts what was
 * queued. An unsubscribed server is told nothing. The arguments Microsoft documents as errors
 * return those errors and are recorded as misuses, and so is a completion while subscribed.
 */
class ServerSubscriptionTest {

    private static final int WAIT_MS = 10_000;
    private static final int BOTH = Rpcrt4.RpcNotificationClientDisconnect | Rpcrt4.RpcNotificationCallCancel;

    private final Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();
    private final Kernel32 k32 = RpcRuntime.kernel32();
    private final Kernel32Ex k32x = RpcRuntime.kernel32Ex();
    private final SimControl sim = Simulator.control();
    @RegisterExtension
    final Failures failures = new Failures();


    private static int eventField(RawServerCall c) {
        return c.pAsync.getInt(RPC_ASYNC_STATE.EVENT_OFFSET);
    }

    @Test
    void aCancelIsHeardThroughTheSubscriptionsApcOnly() throws Exception {
        NotificationLog subLog = new NotificationLog(failures);
        AtomicIntegerArray got = new AtomicIntegerArray(6);
        RawServerCall call;
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(0); // the state's own notifications: to c.log
            RPC_ASYNC_NOTIFICATION_INFO info = new RPC_ASYNC_NOTIFICATION_INFO();
            info.APC = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
            info.APC.NotificationRoutine = subLog;
            info.APC.hThread = c.worker.handle();
            info.setType(RPC_ASYNC_NOTIFICATION_INFO.APC_INFO.class);
            got.set(0, rpcrt4.RpcServerSubscribeForNotification(c.callHandle(), BOTH,
                    Rpcrt4.RpcNotificationTypeApc, info));
            got.set(1, (int) sim.sim_counter(SimControl.SIM_COUNT_SUBSCRIPTIONS));
            c.worker.awaitAlertably(() -> subLog.count(Rpcrt4.RpcClientCancel) > 0, WAIT_MS);
            got.set(2, eventField(c));
            IntByReference q = new IntByReference(-1);
            got.set(3, rpcrt4.RpcServerUnsubscribeForNotification(c.callHandle(),
                    Rpcrt4.RpcNotificationCallCancel, q));
            got.set(4, q.getValue());
            rpcrt4.RpcServerUnsubscribeForNotification(c.callHandle(),
                    Rpcrt4.RpcNotificationClientDisconnect, q);
            got.set(5, q.getValue());
            c.abort(RpcErrors.RPC_S_CALL_CANCELLED);
        }, false)) {
            SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_SLEEP);
            pc.ms_or_code = -1; // until cancelled
            pc.cancel_after_ms = 20;
            pc.cancel_abortive = 0;
            pc.interrupt_when_subscribed = 1;
            r = PeerClient.run(server.endpoint(), pc, WAIT_MS);
            call = server.awaitCall(WAIT_MS);
        }
        assertEquals(RpcErrors.RPC_S_OK, got.get(0), call::toString);
        assertEquals(2, got.get(1), "one subscription per kind");
        assertEquals(List.of(Rpcrt4.RpcClientCancel), subLog.events());
        assertEquals(Set.of(Pointer.nativeValue(call.pAsync)), subLog.states(), "the server call's state");
        assertEquals(Set.of(call.worker.thread()), subLog.threads());
        assertEquals(0, call.log.total(), "nothing through the state's own routine");
        assertEquals(0, got.get(2), "the state's Event field is not written for a subscription");
        assertEquals(RpcErrors.RPC_S_OK, got.get(3));
        assertEquals(1, got.get(4), "one cancel queued");
        assertEquals(0, got.get(5), "no disconnect queued");
        assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, r.status, PeerClient.describe(r));
        Reference.reachabilityFence(subLog);
    }

    @Test
    void aDisconnectIsPostedToTheSubscriptionsPortWithItsOwnPacket() throws Exception {
        Memory overlapped = new Memory(32);
        overlapped.clear();
        AtomicLongArray got = new AtomicLongArray(7);
        SIM_PEER_RESULT r;
        RawServerCall call;
        try (JavaServer server = new JavaServer(c -> {
            HANDLE port = k32.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
            try {
                RPC_ASYNC_NOTIFICATION_INFO info = new RPC_ASYNC_NOTIFICATION_INFO();
                info.IOC = new RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO();
                info.IOC.hIOPort = port;
                info.IOC.dwNumberOfBytesTransferred = 0x5151;
                info.IOC.dwCompletionKey = new ULONG_PTR(0xBEEF1234L);
                info.IOC.lpOverlapped = overlapped;
                info.setType(RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO.class);
                got.set(0, rpcrt4.RpcServerSubscribeForNotification(c.callHandle(), BOTH,
                        Rpcrt4.RpcNotificationTypeIoc, info));
                Kernel32Ex.OVERLAPPED_ENTRY[] entries =
                        (Kernel32Ex.OVERLAPPED_ENTRY[]) new Kernel32Ex.OVERLAPPED_ENTRY().toArray(4);
                com.sun.jna.Memory removed = new com.sun.jna.Memory(4);
                if (Kernel32Direct.GetQueuedCompletionStatusEx(port.getPointer(), entries[0].getPointer(),
                        entries.length, removed, WAIT_MS, false)) {
                    entries[0].read();
                    got.set(1, removed.getInt(0));
                    got.set(2, entries[0].dwNumberOfBytesTransferred);
                    got.set(3, entries[0].lpCompletionKey.longValue());
                    got.set(4, Pointer.nativeValue(entries[0].lpOverlapped));
                }
                IntByReference q = new IntByReference(-1);
                rpcrt4.RpcServerUnsubscribeForNotification(c.callHandle(),
                        Rpcrt4.RpcNotificationClientDisconnect, q);
                got.set(5, q.getValue());
                rpcrt4.RpcServerUnsubscribeForNotification(c.callHandle(),
                        Rpcrt4.RpcNotificationCallCancel, q);
                got.set(6, q.getValue());
                c.abort(RpcErrors.RPC_S_CALL_FAILED);
            } finally {
                k32.CloseHandle(port);
            }
        }, false)) {
            SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
            pc.in_chunks = 3;
            pc.in_chunk_elements = 10;
            pc.disconnect_after_chunks = 1;
            pc.interrupt_when_subscribed = 1;
            r = PeerClient.run(server.endpoint(), pc, WAIT_MS);
            call = server.awaitCall(WAIT_MS);
        }
        assertEquals(RpcErrors.RPC_S_OK, got.get(0), call::toString);
        assertEquals(1, got.get(1), "one packet");
        assertEquals(0x5151, got.get(2), "the subscription's byte count");
        assertEquals(0xBEEF1234L, got.get(3), "the subscription's key");
        assertEquals(Pointer.nativeValue(overlapped), got.get(4), "the subscription's OVERLAPPED");
        assertEquals(1, got.get(5), "one disconnect queued");
        assertEquals(0, got.get(6), "no cancel queued");
        assertEquals(RpcErrors.RPC_S_CALL_FAILED, r.status, PeerClient.describe(r));
        Reference.reachabilityFence(overlapped);
    }

    @Test
    void anUnsubscribedServerIsNotToldOfACancel() throws Exception {
        RawServerCall call;
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(0);
            c.worker.awaitAlertably(() -> false, 300);
            c.complete(c.arg1);
        }, false)) {
            SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_SLEEP);
            pc.ms_or_code = 300;
            pc.cancel_after_ms = 30;
            pc.cancel_abortive = 0;
            r = PeerClient.run(server.endpoint(), pc, WAIT_MS);
            call = server.awaitCall(WAIT_MS);
        }
        assertEquals(0, call.log.total(), () -> "told: " + call.log.events());
        assertEquals(RpcErrors.RPC_S_OK, r.status, "the non-abortive cancel was never heard");
        assertEquals(300, r.reply);
    }

    @Test
    void documentedArgumentErrorsAreReturnedAndRecorded() throws Exception {
        AtomicIntegerArray got = new AtomicIntegerArray(8);
        AtomicReference<Integer> queuedAfterFailure = new AtomicReference<>();
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            RPC_ASYNC_NOTIFICATION_INFO info = new RPC_ASYNC_NOTIFICATION_INFO();
            info.APC = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
            info.APC.NotificationRoutine = c.log;
            info.APC.hThread = c.worker.handle();
            info.setType(RPC_ASYNC_NOTIFICATION_INFO.APC_INFO.class);
            Pointer h = c.callHandle();
            got.set(0, rpcrt4.RpcServerSubscribeForNotification(h, 4, Rpcrt4.RpcNotificationTypeApc, info));
            got.set(1, rpcrt4.RpcServerSubscribeForNotification(h, BOTH, Rpcrt4.RpcNotificationTypeNone, info));
            got.set(2, rpcrt4.RpcServerSubscribeForNotification(h, BOTH, Rpcrt4.RpcNotificationTypeApc, null));
            got.set(3, rpcrt4.RpcServerSubscribeForNotification(new Memory(16), BOTH,
                    Rpcrt4.RpcNotificationTypeApc, info));
            got.set(4, c.subscribeByApc(h, c.worker.handle()));
            IntByReference q = new IntByReference(-1);
            got.set(5, rpcrt4.RpcServerUnsubscribeForNotification(h, BOTH, q));
            queuedAfterFailure.set(q.getValue());
            got.set(6, rpcrt4.RpcServerUnsubscribeForNotification(h, Rpcrt4.RpcNotificationCallCancel, null));
            got.set(7, c.complete(c.arg1 + c.arg2)); // unsubscribes both first
        }, false)) {
            SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_ADD);
            pc.a = 2;
            pc.b = 3;
            r = PeerClient.run(server.endpoint(), pc, WAIT_MS);
            server.awaitCall(WAIT_MS);
        }
        assertEquals(RpcErrors.RPC_S_CANNOT_SUPPORT, got.get(0), "an unknown kind");
        assertEquals(RpcErrors.RPC_S_INVALID_ARG, got.get(1), "RpcNotificationTypeNone");
        assertEquals(RpcErrors.RPC_S_INVALID_ARG, got.get(2), "NotificationInfo NULL");
        assertEquals(RpcErrors.RPC_S_INVALID_BINDING, got.get(3), "not a call handle");
        assertEquals(RpcErrors.RPC_S_OK, got.get(4));
        assertEquals(RpcErrors.RPC_S_CANNOT_SUPPORT, got.get(5), "both kinds at once");
        assertEquals(0, queuedAfterFailure.get());
        assertEquals(RpcErrors.RPC_S_INVALID_ARG, got.get(6), "NotificationsQueued NULL");
        assertEquals(RpcErrors.RPC_S_OK, got.get(7));
        assertEquals(RpcErrors.RPC_S_OK, r.status);
        assertEquals(5, r.reply);
        Simulator.expectMisuses(SimControl.SIM_MISUSE_BAD_ARGUMENT, SimControl.SIM_MISUSE_BAD_ARGUMENT,
                SimControl.SIM_MISUSE_BAD_ARGUMENT, SimControl.SIM_MISUSE_INVALID_HANDLE,
                SimControl.SIM_MISUSE_BAD_ARGUMENT, SimControl.SIM_MISUSE_BAD_ARGUMENT);
    }

    @Test
    void completingWhileSubscribedIsRecordedAndEndsTheSubscriptions() throws Exception {
        AtomicIntegerArray got = new AtomicIntegerArray(3);
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            // The JavaServer subscribed both kinds in the manager routine.
            got.set(0, c.subscribed());
            got.set(1, c.complete(c.arg1 + c.arg2, false));
            got.set(2, (int) sim.sim_counter(SimControl.SIM_COUNT_SUBSCRIPTIONS));
        })) {
            SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_ADD);
            pc.a = 40;
            pc.b = 2;
            r = PeerClient.run(server.endpoint(), pc, WAIT_MS);
            server.awaitCall(WAIT_MS);
        }
        assertEquals(BOTH, got.get(0));
        assertEquals(RpcErrors.RPC_S_OK, got.get(1), "the call completes all the same");
        assertEquals(0, got.get(2), "and its subscriptions end");
        assertEquals(RpcErrors.RPC_S_OK, r.status);
        assertEquals(42, r.reply);
        Simulator.expectMisuses(SimControl.SIM_MISUSE_SUBSCRIBED_AT_COMPLETION);
        assertTrue(sim.sim_quiesce(WAIT_MS) == 1);
    }
}
