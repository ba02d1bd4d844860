package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.winrpc.async.raw.Rpcrt4Direct;
import com.sun.jna.Memory;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.ApcTarget;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.RawClientCall;
import dev.winrpc.async.testing.Failures;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.JavaServer;
import dev.winrpc.async.testing.PeerClient;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.SimControl.SIM_PEER_CALL;
import dev.winrpc.async.testing.SimControl.SIM_PEER_RESULT;
import dev.winrpc.async.testing.Simulator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guards the misuse oracle on uses Windows documents as errors or leaves undefined, each
 * committed on purpose through the raw bindings and consumed with
 * {@link Simulator#expectMisuses}: RpcAsyncAbortCall on a client state (the client cancels;
 * SIM_MISUSE_ABORT_ON_CLIENT), RpcAsyncCancelCall on a server state (the server aborts;
 * SIM_MISUSE_CANCEL_ON_SERVER), RpcAsyncAbortCall twice (Windows may crash;
 * SIM_MISUSE_ABORT_TWICE), an abort after the server's completion
 * (SIM_MISUSE_SECOND_COMPLETION), any use of a state after its final completion, client or
 * server (SIM_MISUSE_USE_AFTER_COMPLETION), and an APC target handle without
 * THREAD_SET_CONTEXT (SIM_MISUSE_APC_NO_SET_CONTEXT, the notification lost). Each misuse
 * returns the documented error and leaves the call able to end cleanly.
 */
class MisuseOracleTest {

    private static final long WAIT_MS = 10_000;

    private final Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();
    private final Kernel32 k32 = RpcRuntime.kernel32();
    private final SimControl sim = Simulator.control();
    private final WinRpcFixtureNative fx = Simulator.fixture();
    @RegisterExtension
    final Failures failures = new Failures();


    private static SIM_PEER_CALL add(int a, int b) {
        SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_ADD);
        c.a = a;
        c.b = b;
        return c;
    }

    @Test
    void abortOnAClientState() {
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).none(0)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Sleep(c.p(), b.handle(), 30));
            assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, Rpcrt4Direct.RpcAsyncAbortCall(c.state.getPointer(), 5));
            Simulator.expectMisuses(SimControl.SIM_MISUSE_ABORT_ON_CLIENT);
            // The call is untouched by the refused abort.
            assertEquals(RpcErrors.RPC_S_OK, c.pollUntilDone(WAIT_MS));
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(30, c.reply());
        }
    }

    @Test
    void cancelOnAServerState() throws Exception {
        AtomicIntegerArray st = new AtomicIntegerArray(1);
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(0);
            st.set(0, Rpcrt4Direct.RpcAsyncCancelCall(c.state.getPointer(), true));
            c.complete(c.arg1 + c.arg2);
        })) {
            r = PeerClient.run(server.endpoint(), add(20, 22), (int) WAIT_MS);
            server.awaitCall(WAIT_MS);
        }
        assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, st.get(0));
        Simulator.expectMisuses(SimControl.SIM_MISUSE_CANCEL_ON_SERVER);
        assertEquals(RpcErrors.RPC_S_OK, r.status, PeerClient.describe(r));
        assertEquals(42, r.reply);
    }

    @Test
    void abortTwiceOnAServerState() throws Exception {
        AtomicIntegerArray st = new AtomicIntegerArray(2);
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(0);
            st.set(0, c.abort(c.arg1));
            st.set(1, c.abort(c.arg1));
        })) {
            SIM_PEER_CALL fail = PeerClient.call(SimControl.SIM_OP_FAIL);
            fail.ms_or_code = 0x6666;
            r = PeerClient.run(server.endpoint(), fail, (int) WAIT_MS);
            server.awaitCall(WAIT_MS);
        }
        assertEquals(RpcErrors.RPC_S_OK, st.get(0));
        assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, st.get(1));
        Simulator.expectMisuses(SimControl.SIM_MISUSE_ABORT_TWICE);
        assertEquals(0x6666, r.status, "the first abort stands");
    }

    @Test
    void abortAfterTheServersCompletion() throws Exception {
        AtomicIntegerArray st = new AtomicIntegerArray(2);
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(0);
            st.set(0, c.complete(c.arg1 + c.arg2));
            st.set(1, c.abort(0x77));
        })) {
            r = PeerClient.run(server.endpoint(), add(1, 2), (int) WAIT_MS);
            server.awaitCall(WAIT_MS);
        }
        assertEquals(RpcErrors.RPC_S_OK, st.get(0));
        assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, st.get(1));
        Simulator.expectMisuses(SimControl.SIM_MISUSE_SECOND_COMPLETION);
        assertEquals(RpcErrors.RPC_S_OK, r.status, "the completion stands");
        assertEquals(3, r.reply);
    }

    @Test
    void useOfAClientStateAfterItsFinalCompletion() {
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).none(0)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 1, 1));
            assertEquals(RpcErrors.RPC_S_OK, c.pollUntilDone(WAIT_MS));
            assertEquals(RpcErrors.RPC_S_OK, c.complete());

            assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, Rpcrt4Direct.RpcAsyncCancelCall(c.state.getPointer(), false));
            assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, fx.WinRpcFixture_Add(c.p(), b.handle(), 2, 2),
                    "a finished state starts a new call only after RpcAsyncInitializeHandle");
            Simulator.expectMisuses(SimControl.SIM_MISUSE_USE_AFTER_COMPLETION,
                    SimControl.SIM_MISUSE_USE_AFTER_COMPLETION);

            // Initialised again, the same memory makes a new call.
            assertEquals(RpcErrors.RPC_S_OK, rpcrt4.RpcAsyncInitializeHandle(c.state, RPC_ASYNC_STATE.SIZE));
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 2, 2));
            assertEquals(RpcErrors.RPC_S_OK, c.pollUntilDone(WAIT_MS));
            Memory reply = new Memory(4);
            assertEquals(RpcErrors.RPC_S_OK, Rpcrt4Direct.RpcAsyncCompleteCall(c.state.getPointer(), reply));
            assertEquals(4, reply.getInt(0));
        }
    }

    @Test
    void useOfAServerStateAfterItsFinalCompletion() throws Exception {
        AtomicIntegerArray st = new AtomicIntegerArray(2);
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByEvent(0);
            st.set(0, c.complete(c.arg1 + c.arg2));
            st.set(1, c.status());
        })) {
            r = PeerClient.run(server.endpoint(), add(3, 4), (int) WAIT_MS);
            server.awaitCall(WAIT_MS);
        }
        assertEquals(RpcErrors.RPC_S_OK, st.get(0));
        assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, st.get(1));
        Simulator.expectMisuses(SimControl.SIM_MISUSE_USE_AFTER_COMPLETION);
        assertEquals(RpcErrors.RPC_S_OK, r.status);
        assertEquals(7, r.reply);
    }

    @Test
    void anApcTargetWithoutThreadSetContextLosesTheNotification() throws Exception {
        HANDLE noSetContext = k32.OpenThread(WinNT.SYNCHRONIZE, false, k32.GetCurrentThreadId());
        assertNotNull(noSetContext);
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(noSetContext, 0)) {
            // RpcAsyncRegisterHandle cannot see a handle's access rights: it accepted it.
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 8, 9));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sim.sim_misuse_count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            Simulator.expectMisuses(SimControl.SIM_MISUSE_APC_NO_SET_CONTEXT);
            assertEquals(RpcErrors.RPC_S_OK, c.pollUntilDone(WAIT_MS));
            self.awaitAlertably(() -> c.log.total() > 0, 20);
            assertEquals(List.of(), c.log.events(), "the notification was lost");
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(17, c.reply());
        } finally {
            k32.CloseHandle(noSetContext);
        }
    }
}
