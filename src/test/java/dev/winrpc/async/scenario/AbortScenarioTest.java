package dev.winrpc.async.scenario;

import static dev.winrpc.async.scenario.Scenarios.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.scenario.Scenarios.Notify;
import dev.winrpc.async.scenario.Scenarios.Role;
import dev.winrpc.async.scenario.Scenarios.World;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server aborts with a code, and the client gets that code as the server's fault: Fail(code)
 * in both roles and with every notification type, and the library's own server
 * ({@link ServerCall#abort(int)}) aborting calls with an in pipe and with both pipes before it
 * has read them.
 */
@Tag(Scenarios.TAG)
class AbortScenarioTest {

    private static final int CODE = 0x5A5A;

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#plainCases")
    void failAbortsWithTheCode(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            ClientCall<?> call = w.fixture.fail(w.rpc(), CODE).call();
            RpcException e = failure(call.result());
            assertEquals(CODE, e.status());
            assertTrue(e.isServerFault(), e.toString());
            assertEquals(List.of(PipeState.C, PipeState.WCOMP, PipeState.COMP, PipeState.END), call.path());
            w.serverCallsEnded(1);
        }
    }

    static Stream<Notify> pipeNotifications() {
        return Scenarios.PIPES.stream();
    }

    /** The Java server aborts every call it accepts, at once, with CODE. */
    private static World abortingServer(Notify notify) {
        World w = new World(Role.JAVA_CLIENT_AND_SERVER, notify);
        w.server.observe(call -> call.abort(CODE));
        return w;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipeNotifications")
    void serverAbortsAnInPipeCall(Notify notify) {
        try (World w = abortingServer(notify)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<?> call = w.fixture.pipeSum(w.rpc(), in).call();
            RpcException e = failure(call.result());
            assertEquals(CODE, e.status(), e.toString());
            assertEquals(PipeState.END, call.state());
            for (ServerCall<?> s : w.serverCallsEnded(1)) {
                assertTrue(s.result().isCompletedExceptionally());
                assertTrue(s.path().contains(PipeState.A), s.path().toString());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipeNotifications")
    void serverAbortsAnInOutPipeCall(Notify notify) {
        try (World w = abortingServer(notify)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<?> call = w.fixture.pipeEcho(w.rpc(), 1, in, out).call();
            RpcException e = failure(call.result());
            assertEquals(CODE, e.status(), e.toString());
            assertEquals(PipeState.END, call.state());
            Scenarios.anyFailure(out.receive());
            for (ServerCall<?> s : w.serverCallsEnded(1)) {
                assertTrue(s.result().isCompletedExceptionally());
            }
        }
    }
}
