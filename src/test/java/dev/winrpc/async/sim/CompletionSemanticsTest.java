package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.raw.Rpcrt4Direct;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.ApcTarget;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.RawClientCall;
import dev.winrpc.async.testing.Failures;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards the completion semantics of a client call, as docs/reference/abi.md and Microsoft's pages
 * state them: RpcAsyncInitializeHandle refuses a wrong Size with 87 and writes nothing;
 * RpcAsyncCompleteCall before the reply returns RPC_S_ASYNC_CALL_PENDING (not final), after it
 * RPC_S_OK with the reply, and a second final completion returns RPC_S_INVALID_ASYNC_HANDLE
 * (recorded as SIM_MISUSE_SECOND_COMPLETION); RpcAsyncGetCallStatus says 1702 before any call, 997
 * in flight, the final status once the reply is in, 1914 after the final completion; Fail(code)
 * delivers code as the completion status; an abortive cancel completes the call at once with
 * RPC_S_CALL_CANCELLED; a non-abortive cancel asks the server, which aborts with
 * RPC_S_CALL_CANCELLED, or, if it finished first, the reply stands; either way the call
 * completes exactly once.
 */
class CompletionSemanticsTest {

    private final Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();
    private final SimControl sim = Simulator.control();
    private final WinRpcFixtureNative fx = Simulator.fixture();
    @RegisterExtension
    final Failures failures = new Failures();


    static IntStream wrongSizes() {
        int other = Native.POINTER_SIZE == 8 ? 68 : 112; // the other ABI's sizeof
        return IntStream.of(RPC_ASYNC_STATE.SIZE - 1, RPC_ASYNC_STATE.SIZE + 1, 0, other, -1);
    }

    @ParameterizedTest
    @MethodSource("wrongSizes")
    void initializeHandleWithAWrongSizeReturns87AndWritesNothing(int size) {
        Memory m = new Memory(RPC_ASYNC_STATE.SIZE + 16);
        byte[] pattern = new byte[(int) m.size()];
        Arrays.fill(pattern, (byte) 0xA5);
        m.write(0, pattern, 0, pattern.length);
        RPC_ASYNC_STATE s = new RPC_ASYNC_STATE(m);
        assertEquals(RpcErrors.RPC_S_INVALID_ARG, rpcrt4.RpcAsyncInitializeHandle(s, size));
        assertArrayEquals(pattern, m.getByteArray(0, pattern.length), "it wrote native memory");
        Simulator.expectMisuses(SimControl.SIM_MISUSE_BAD_ARGUMENT);
    }

    @Test
    void completeCallIsPendingBeforeTheReplyThenFinalExactlyOnce() {
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).none(0)) {
            assertEquals(RpcErrors.RPC_S_INVALID_BINDING, c.status(), "before any call");
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Sleep(c.p(), b.handle(), 200));

            assertEquals(RpcErrors.RPC_S_ASYNC_CALL_PENDING, c.status(), "in flight");
            assertEquals(RpcErrors.RPC_S_ASYNC_CALL_PENDING, c.complete(), "before the reply");
            assertEquals(0xDEADBEEF, c.reply(), "a pending completion wrote the reply");
            assertEquals(RpcErrors.RPC_S_ASYNC_CALL_PENDING, c.complete(), "still not final");

            assertEquals(RpcErrors.RPC_S_OK, c.pollUntilDone(10_000), "the reply is in");
            assertEquals(RpcErrors.RPC_S_OK, c.status(), "and stays until completed");
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(200, c.reply());

            assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, c.complete(), "a second final completion");
            assertEquals(200, c.reply(), "the second completion wrote the reply");
            assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, c.status(), "after the final completion");
            Simulator.expectMisuses(SimControl.SIM_MISUSE_SECOND_COMPLETION,
                    SimControl.SIM_MISUSE_USE_AFTER_COMPLETION);
        }
    }

    @Test
    void getCallStatusInEachPhaseOfAFailingCall() {
        sim.sim_set_reply_delay(150);
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).none(0)) {
            assertEquals(RpcErrors.RPC_S_INVALID_BINDING, c.status());
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Fail(c.p(), b.handle(), 0x77));
            assertEquals(RpcErrors.RPC_S_ASYNC_CALL_PENDING, c.status());
            assertEquals(0x77, c.pollUntilDone(10_000));
            assertEquals(0x77, c.status());
            assertEquals(0x77, c.complete());
            assertEquals(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE, c.status());
            Simulator.expectMisuses(SimControl.SIM_MISUSE_USE_AFTER_COMPLETION);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5, RpcErrors.RPC_S_CALL_FAILED, 0x12345678, 0xC0000005})
    void failDeliversItsCodeAsTheCompletionStatus(int code) throws Exception {
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(self, 0)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Fail(c.p(), b.handle(), code));
            assertTrue(self.awaitAlertably(() -> c.log.count(Rpcrt4.RpcCallComplete) == 1, 10_000));
            assertEquals(code, c.complete());
            assertEquals(0xDEADBEEF, c.reply(), "a failed call wrote the reply");
            assertEquals(List.of(Rpcrt4.RpcCallComplete), c.log.events());
        }
    }

    @Test
    void anAbortiveCancelCompletesTheCallAtOnceWithCallCancelled() throws Exception {
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(self, 0)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Sleep(c.p(), b.handle(), 0xFFFFFFFF));
            assertEquals(RpcErrors.RPC_S_ASYNC_CALL_PENDING, c.status());
            assertEquals(RpcErrors.RPC_S_OK, Rpcrt4Direct.RpcAsyncCancelCall(c.state.getPointer(), true));
            assertTrue(self.awaitAlertably(() -> c.log.count(Rpcrt4.RpcCallComplete) == 1, 10_000),
                    "no RpcCallComplete after the abortive cancel");
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, c.status());
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, c.complete());
            assertEquals(List.of(Rpcrt4.RpcCallComplete), c.log.events());
        }
    }

    @Test
    void aNonAbortiveCancelMakesTheServerAbortWithCallCancelled() throws Exception {
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(self, 0)) {
            long t0 = System.nanoTime();
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Sleep(c.p(), b.handle(), 30_000));
            assertEquals(RpcErrors.RPC_S_OK, Rpcrt4Direct.RpcAsyncCancelCall(c.state.getPointer(), false));
            assertTrue(self.awaitAlertably(() -> c.log.count(Rpcrt4.RpcCallComplete) == 1, 10_000),
                    "the server did not end the call after the cancel");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, c.complete());
            assertEquals(List.of(Rpcrt4.RpcCallComplete), c.log.events());
        }
    }

    @Test
    void aNonAbortiveCancelOfAShortSleepCompletesExactlyOnceEitherWay() throws Exception {
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            for (int i = 0; i < 12; i++) {
                int ms = i % 4;
                try (RawClientCall c = new RawClientCall(failures).apc(self, 0)) {
                    assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Sleep(c.p(), b.handle(), ms));
                    if (i % 3 == 1) {
                        Thread.sleep(ms); // sometimes after the server finished
                    }
                    assertEquals(RpcErrors.RPC_S_OK, Rpcrt4Direct.RpcAsyncCancelCall(c.state.getPointer(), false));
                    assertTrue(self.awaitAlertably(() -> c.log.count(Rpcrt4.RpcCallComplete) > 0,
                            10_000));
                    int st = c.complete();
                    if (st == RpcErrors.RPC_S_OK) {
                        assertEquals(ms, c.reply(), "the server finished first: its reply stands");
                    } else {
                        assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, st, "round " + i);
                    }
                    // Exactly one completion: nothing more arrives.
                    assertEquals(1, sim.sim_quiesce(5_000));
                    self.drain();
                    assertEquals(List.of(Rpcrt4.RpcCallComplete), c.log.events(), "round " + i);
                }
            }
        }
    }
}
