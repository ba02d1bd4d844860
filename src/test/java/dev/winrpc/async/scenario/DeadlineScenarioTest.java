package dev.winrpc.async.scenario;

import static dev.winrpc.async.scenario.Scenarios.anyFailure;
import static dev.winrpc.async.scenario.Scenarios.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.Deadline;
import dev.winrpc.async.RpcDeadlineExceededException;
import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.scenario.Scenarios.Notify;
import dev.winrpc.async.scenario.Scenarios.Role;
import dev.winrpc.async.scenario.Scenarios.World;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-call deadlines, in both roles, with every notification type: a deadline that passes on
 * Sleep(0xFFFFFFFF) cancels the call abortively, the client's call fails with an
 * {@link RpcDeadlineExceededException} carrying RPC_S_CALL_CANCELLED and the deadline, and the
 * server's call ends as after any cancel; a deadline that does not pass changes nothing; a
 * dispatcher closed while a deadline is pending fails the call with its
 * {@link DispatcherClosedException} (the close came first), and the deadline never fires.
 */
@Tag(Scenarios.TAG)
class DeadlineScenarioTest {

    private static final int FOREVER = -1; // 0xFFFFFFFF: until cancelled

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void aDeadlineThatPassesCancelsTheCallAbortively(Role role, Notify notify) {
        try (World w = new World(role, notify, true)) {
            Duration limit = Duration.ofMillis(150);
            ClientCall<?> call = w.fixture.withDeadline(Deadline.after(limit)).sleep(w.rpc(), FOREVER).call();
            RpcDeadlineExceededException e = assertInstanceOf(RpcDeadlineExceededException.class,
                    anyFailure(call.result()));
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, e.status());
            assertEquals(limit, e.deadline());
            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
            assertEquals(List.of(PipeState.C, PipeState.WCOMP, PipeState.CAN, PipeState.WCOMP,
                    PipeState.COMP, PipeState.END), call.path());
            for (ServerCall<?> s : w.serverCallsEnded(1)) {
                assertTrue(s.result().isCompletedExceptionally(), "the server's call saw the cancel: " + s);
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void aDeadlineThatDoesNotPassChangesNothing(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            ClientCall<?> call = w.fixture.withDeadline(Deadline.after(Duration.ofSeconds(Scenarios.TIMEOUT_S)))
                    .sleep(w.rpc(), 5).call();
            assertEquals(5, await(call.result()));
            assertEquals(List.of(PipeState.C, PipeState.WCOMP, PipeState.COMP, PipeState.END), call.path());
            w.serverCallsEnded(1);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void closingTheDispatcherWithADeadlinePendingFailsTheCallWithTheClose(Role role, Notify notify) {
        try (World w = new World(role, notify, true)) {
            ClientCall<?> call = w.fixture.withDeadline(Deadline.after(Duration.ofSeconds(Scenarios.TIMEOUT_S)))
                    .sleep(w.rpc(), FOREVER).call();
            w.serverCallUnderWay();
            Scenarios.sleep(20);
            w.client.close();
            assertInstanceOf(DispatcherClosedException.class, anyFailure(call.result()));
            assertEquals(PipeState.END, call.state());
            w.serverCallsEnded(1);
        }
    }
}
