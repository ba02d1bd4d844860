package dev.winrpc.async.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.example.PipeEchoExample;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.FixtureRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's example (the server-side pipe page's PipeEcho served and called in Java, then a
 * cancelled and an aborted call), run on whatever backs the fixture: the simulator here, rpcrt4 on
 * Windows.
 */
@Tag(Scenarios.TAG)
class ExampleScenarioTest {

    @Test
    void theExampleRuns() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PipeEchoExample.Summary s;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            s = PipeEchoExample.run(FixtureRuntime.fixture(), out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.echoVerified(), printed);
        assertEquals(s.elementsSent(), s.elementsReceived(), printed);
        assertEquals(s.elementsSent(), s.outB(), printed);
        assertEquals(PipeState.END, last(s.clientPath()), printed);
        assertEquals(s.elementsSent(), s.serverEchoed(), printed);
        assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, s.cancelledStatus(), printed);
        assertTrue(s.abortedWasServerFault(), printed);
        assertNotEquals(0, s.abortedStatus(), printed);
        assertTrue(s.serverSawTheCancel(), printed);
    }

    private static PipeState last(List<PipeState> path) {
        return path.get(path.size() - 1);
    }
}
