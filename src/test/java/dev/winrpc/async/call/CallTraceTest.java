package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.chunks;
import static dev.winrpc.async.call.Calls.receiveAll;
import static dev.winrpc.async.call.Calls.sendAll;
import static dev.winrpc.async.call.Calls.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.testing.CapturingLoggerFinder;
import dev.winrpc.async.testing.CapturingLoggerFinder.Capture;
import dev.winrpc.async.testing.CapturingLoggerFinder.Entry;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The call's log lines (CallTrace), read through the tests' own System.LoggerFinder
 * ({@link CapturingLoggerFinder}): one DEBUG line per transition, naming the call's id, side,
 * table and both states, in the order the call made them; one DEBUG line at the end with the
 * outcome, the pipes' counts and the bounded path; nothing at INFO or above for a normal call;
 * nothing at all when DEBUG is off.
 */
class CallTraceTest {

    private static final String LOGGER = "dev.winrpc.async.call";

    private CallHarness h;

    @BeforeEach
    void open() {
        h = new CallHarness();
    }

    @AfterEach
    void close() {
        h.closeChecked(false);
    }

    /** The lines of one call, as its transitions must read them. */
    private static List<String> expectedTransitions(AsyncCall<?> call) {
        List<String> lines = new ArrayList<>();
        String prefix = "call " + call.id() + " " + call.side() + " [" + call.title() + "] ";
        PipeState from = null;
        for (PipeState to : call.path()) {
            lines.add(prefix + (from == null ? "start" : from.name()) + " -> " + to.name());
            from = to;
        }
        return lines;
    }

    private static List<String> linesOf(Capture c, AsyncCall<?> call) {
        List<String> out = new ArrayList<>();
        for (String m : c.messages(LOGGER)) {
            if (m.startsWith("call " + call.id() + " ")) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void aPlainCallsTransitionsAndEnd() {
        try (Capture c = CapturingLoggerFinder.capture(Level.DEBUG)) {
            ClientCall<Integer> call = h.track(ClientCall.start(h.client, Reply.INT,
                    p -> h.fx.WinRpcFixture_Add(p, h.toPeer().handle(), 2, 40)));
            assertEquals(42, Await.value(call));
            String prefix = "call " + call.id() + " CLIENT [plain call, client] ";
            assertEquals(List.of(prefix + "start -> C", prefix + "C -> WCOMP", prefix + "WCOMP -> COMP",
                    prefix + "COMP -> END", prefix + "ended OK RPC_S_OK (0), sent 0 chunks (0 bytes), "
                            + "received 0 chunks (0 bytes), path C, WCOMP, COMP, END"),
                    linesOf(c, call));
            for (Entry e : c.records()) {
                assertEquals(Level.DEBUG, e.level(), e.toString());
            }
        }
    }

    @Test
    void aPipeCallOnBothSides() {
        ControlledServer srv = h.javaServer();
        try (Capture c = CapturingLoggerFinder.capture(Level.DEBUG)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam b = OutParam.clientInt();
            ClientCall<Integer> call = h.echo(h.toJava(), 1, in, out, b);
            call.operation("PipeEcho");
            ControlledServer.Accepted s = srv.next();
            sendAll(in, chunks(3, 50));
            Await.value(in.finish());
            List<int[]> got = receiveAll(s.in);
            sendAll(s.out, got);
            s.out.finish();
            s.b.setInt(150);
            s.call.complete(sum(got));
            assertEquals(3, receiveAll(out).size());
            Await.value(call);
            Await.value(s.call);
            assertTrue(call.id() != s.call.id(), "each call has its own id");

            List<String> client = linesOf(c, call);
            List<String> transitions = expectedTransitions(call);
            assertEquals(transitions, client.subList(0, client.size() - 1));
            assertTrue(client.get(0).endsWith("[IN_OUT pipe, client] start -> C"), client.get(0));
            assertEquals("call " + call.id() + " CLIENT [IN_OUT pipe, client] ended OK RPC_S_OK (0), operation "
                    + "PipeEcho, sent 3 chunks (600 bytes), received 3 chunks (600 bytes), path "
                    + CallPath.bounded(call.path(), CallPath.BOUNDED_PARTS), client.get(client.size() - 1));

            Await.ended(s.call);
            List<String> server = linesOf(c, s.call);
            assertEquals(expectedTransitions(s.call), server.subList(0, server.size() - 1));
            assertTrue(server.get(0).startsWith("call " + s.call.id() + " SERVER [IN_OUT pipe, server] start -> D"),
                    server.get(0));
            assertTrue(server.get(server.size() - 1).startsWith("call " + s.call.id()
                    + " SERVER [IN_OUT pipe, server] ended OK RPC_S_OK (0), sent 3 chunks (600 bytes), "
                    + "received 3 chunks (600 bytes), path D, "), server.get(server.size() - 1));
        }
    }

    @Test
    void nothingAtInfoOrAboveForANormalCall() {
        try (Capture c = CapturingLoggerFinder.capture(Level.INFO)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toPeer(), in);
            sendAll(in, chunks(20, 10));
            in.finish();
            Await.value(call);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS, 7);
            ClientCall<Integer> range = h.range(h.toPeer(), 0, 100, out);
            assertEquals(100, Calls.flatten(receiveAll(out)).length);
            Await.value(range);
            assertEquals(List.of(), c.records());
        }
    }

    @Test
    void aLoggerThatThrowsDoesNotFailTheCall() {
        try (Capture c = CapturingLoggerFinder.capture(Level.DEBUG).broken()) {
            ClientCall<Integer> call = h.track(ClientCall.start(h.client, Reply.INT,
                    p -> h.fx.WinRpcFixture_Add(p, h.toPeer().handle(), 2, 40)));
            assertEquals(42, Await.value(call));
            assertEquals(List.of(PipeState.C, PipeState.WCOMP, PipeState.COMP, PipeState.END), call.path());
            assertEquals(5, linesOf(c, call).size(), "each line was tried: " + linesOf(c, call));
        }
    }

    @Test
    void theBoundedPathCountsRepeats() {
        List<PipeState> path = new ArrayList<>(List.of(PipeState.C, PipeState.WS));
        for (int i = 0; i < 1000; i++) {
            path.add(PipeState.PS);
            path.add(PipeState.WS);
        }
        path.addAll(List.of(PipeState.NP, PipeState.WNP, PipeState.WNP, PipeState.WNP, PipeState.COMP,
                PipeState.END));
        assertEquals("C, (WS PS) x1000, WS, NP, WNP x3, COMP, END", CallPath.bounded(path, 24));
        List<PipeState> alternating = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            alternating.addAll(List.of(PipeState.C, PipeState.P, PipeState.P, PipeState.WP));
        }
        alternating.add(PipeState.END);
        String all = CallPath.bounded(alternating, 100);
        assertEquals(String.join(", ", Collections.nCopies(10, "C, P x2, WP")) + ", END", all);
        assertEquals("C, P x2, WP, C, ..., C, P x2, WP, END", CallPath.bounded(alternating, 9));
    }
}
