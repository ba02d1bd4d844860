package dev.winrpc.async.scenario;

import static dev.winrpc.async.scenario.Scenarios.await;
import static dev.winrpc.async.scenario.Scenarios.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.scenario.Scenarios.Notify;
import dev.winrpc.async.scenario.Scenarios.Role;
import dev.winrpc.async.scenario.Scenarios.World;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cancels, in both roles, with every notification type: Sleep(0xFFFFFFFF) waits until
 * cancelled; an abortive cancel ends the client's call at once with RPC_S_CALL_CANCELLED; a
 * non-abortive cancel asks the server, which aborts with RPC_S_CALL_CANCELLED (fixture.idl); a
 * cancel after the reply changes nothing. Either way the server's call ends.
 */
@Tag(Scenarios.TAG)
class CancelScenarioTest {

    private static final int FOREVER = -1; // 0xFFFFFFFF: until cancelled

    /** Starts Sleep(forever) and waits until the server has it (for the Java server), or a moment. */
    private ClientCall<?> sleepForever(World w) {
        ClientCall<?> call = w.fixture.sleep(w.rpc(), FOREVER).call();
        w.serverCallUnderWay(); // the Java server: it has the call
        Scenarios.sleep(50); // the C server: let the call reach it
        assertFalse(call.result().isDone(), "Sleep(forever) replied: " + call);
        return call;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void abortiveCancel(Role role, Notify notify) {
        try (World w = new World(role, notify, true)) {
            ClientCall<?> call = sleepForever(w);
            call.cancel(true);
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, failure(call.result()).status());
            assertEquals(List.of(PipeState.C, PipeState.WCOMP, PipeState.CAN, PipeState.WCOMP,
                    PipeState.COMP, PipeState.END), call.path());
            for (ServerCall<?> s : w.serverCallsEnded(1)) {
                assertTrue(s.result().isCompletedExceptionally(), "the server's call was aborted: " + s);
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void nonAbortiveCancelMakesTheServerAbort(Role role, Notify notify) {
        try (World w = new World(role, notify, true)) {
            ClientCall<?> call = sleepForever(w);
            call.cancel(false);
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, failure(call.result()).status());
            assertTrue(call.path().contains(PipeState.CAN), call.path().toString());
            assertEquals(PipeState.END, call.state());
            for (ServerCall<?> s : w.serverCallsEnded(1)) {
                assertTrue(s.result().isCompletedExceptionally(), "the server's call was aborted: " + s);
                assertTrue(s.path().contains(PipeState.A), s.path().toString());
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void cancelAfterTheReplyChangesNothing(Role role, Notify notify) {
        try (World w = new World(role, notify, true)) {
            ClientCall<?> call = w.fixture.sleep(w.rpc(), 0).call();
            assertEquals(0, await(call.result()));
            call.cancel(true);
            call.cancel(false);
            assertEquals(0, await(call.result()));
            assertFalse(call.path().contains(PipeState.CAN), call.path().toString());
            w.serverCallsEnded(1);
        }
    }
}
