package dev.winrpc.async.scenario;

import static dev.winrpc.async.scenario.Scenarios.await;
import static dev.winrpc.async.scenario.Scenarios.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.scenario.Scenarios.Notify;
import dev.winrpc.async.scenario.Scenarios.Role;
import dev.winrpc.async.scenario.Scenarios.World;
import dev.winrpc.async.stub.StubCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plain calls (no pipe) through the generated client, in both roles, with every notification type: a reply, many calls in
 * flight at once, a timed reply, and a server's fault reaching the client with its code.
 */
@Tag(Scenarios.TAG)
class PlainCallScenarioTest {

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void addReplies(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            StubCall<Integer> call = w.fixture.add(w.rpc(), 2, 40);
            assertEquals(42, await(call.result()));
            assertEquals(List.of(PipeState.C, PipeState.WCOMP, PipeState.COMP, PipeState.END), call.call().path());
            assertTrue(call.call().ended());
            StubCall<Integer> wraps = w.fixture.add(w.rpc(), Integer.MAX_VALUE, 1);
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
            List<StubCall<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int x = i * 1000;
                calls.add(w.fixture.add(w.rpc(), x, 7));
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
            StubCall<Integer> call = w.fixture.sleep(w.rpc(), 40);
            assertEquals(40, await(call.result()));
            assertTrue(System.nanoTime() - t0 >= 40_000_000L, "replied after 40 ms, not before");
            w.serverCallsEnded(1);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void failIsAServerFaultWithItsCode(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            StubCall<Integer> call = w.fixture.fail(w.rpc(), 1234);
            RpcException e = failure(call.result());
            assertEquals(1234, e.status());
            assertTrue(e.isServerFault(), e.toString());
            assertTrue(call.call().ended());
            // Fail(0): RpcAsyncAbortCall needs a nonzero code, so both servers use RPC_S_CALL_FAILED.
            StubCall<Integer> zero = w.fixture.fail(w.rpc(), 0);
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
