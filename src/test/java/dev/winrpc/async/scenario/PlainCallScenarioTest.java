package dev.winrpc.async.scenario;

import static dev.winrpc.async.scenario.Scenarios.await;
import static dev.winrpc.async.scenario.Scenarios.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.Reply;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.scenario.Scenarios.Notify;
import dev.winrpc.async.scenario.Scenarios.Role;
import dev.winrpc.async.scenario.Scenarios.World;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.FixtureRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plain calls (no pipe), in both roles, with every notification type: a reply, many calls in
 * flight at once, a timed reply, and a server's fault reaching the client with its code.
 */
@Tag(Scenarios.TAG)
class PlainCallScenarioTest {

    private final WinRpcFixtureNative fx = FixtureRuntime.fixture();

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void addReplies(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            ClientCall<Integer> call = ClientCall.start(w.client, Reply.INT,
                    p -> fx.WinRpcFixture_Add(p, w.binding.handle(), 2, 40));
            assertEquals(42, await(call.result()));
            assertEquals(List.of(PipeState.C, PipeState.WCOMP, PipeState.COMP, PipeState.END), call.path());
            assertTrue(call.ended());
            ClientCall<Integer> wraps = ClientCall.start(w.client, Reply.INT,
                    p -> fx.WinRpcFixture_Add(p, w.binding.handle(), Integer.MAX_VALUE, 1));
            assertEquals(Integer.MIN_VALUE, await(wraps.result()), "32-bit wrap-around");
            for (ServerCall<?> s : w.serverCallsEnded(2)) {
                assertEquals(List.of(PipeState.D, PipeState.COMP, PipeState.END), s.path());
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void manyCallsInFlight(Role role, Notify notify) {
        int n = Math.min(40, EventDispatcher.MAX_CALLS - 1);
        try (World w = new World(role, notify)) {
            List<ClientCall<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int x = i * 1000;
                calls.add(ClientCall.start(w.client, Reply.INT, p -> fx.WinRpcFixture_Add(p, w.binding.handle(), x, 7)));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i * 1000 + 7, await(calls.get(i).result()));
            }
            w.serverCallsEnded(n);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void sleepRepliesAfterItsTime(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            long t0 = System.nanoTime();
            ClientCall<Integer> call = ClientCall.start(w.client, Reply.INT,
                    p -> fx.WinRpcFixture_Sleep(p, w.binding.handle(), 40));
            assertEquals(40, await(call.result()));
            assertTrue(System.nanoTime() - t0 >= 40_000_000L, "replied after 40 ms, not before");
            w.serverCallsEnded(1);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void failIsAServerFaultWithItsCode(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            ClientCall<Integer> call = ClientCall.start(w.client, Reply.INT,
                    p -> fx.WinRpcFixture_Fail(p, w.binding.handle(), 1234));
            RpcException e = failure(call.result());
            assertEquals(1234, e.status());
            assertTrue(e.isServerFault(), e.toString());
            assertTrue(call.ended());
            // Fail(0): RpcAsyncAbortCall needs a nonzero code, so both servers use RPC_S_CALL_FAILED.
            ClientCall<Integer> zero = ClientCall.start(w.client, Reply.INT,
                    p -> fx.WinRpcFixture_Fail(p, w.binding.handle(), 0));
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, failure(zero.result()).status());
            for (ServerCall<?> s : w.serverCallsEnded(2)) {
                // The library's plain server table: dispatched (D, then COMP once accepted),
                // then the abort (A) and END.
                assertEquals(List.of(PipeState.D, PipeState.COMP, PipeState.A, PipeState.END), s.path());
                assertTrue(s.result().isCompletedExceptionally());
            }
        }
    }
}
