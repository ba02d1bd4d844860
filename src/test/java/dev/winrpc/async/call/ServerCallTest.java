package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.dispatch.IocpDispatcher;
import dev.winrpc.async.fixture.FixtureServer;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.FixtureHost;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Server calls of the safe layer (the fixture served in Java, as the server-side pipe page serves
 * it in C), called by the simulator's scripted C client: manager routines on native threads, the
 * async handle first, pipes both ways, client cancel and disconnect.
 */
class ServerCallTest {

    private static final String ENDPOINT = "java-fixture-server";
    private final SimControl sim = Simulator.control();
    private Dispatcher d;
    private FixtureServer server;

    @BeforeEach
    void open() {
        d = new ApcDispatcher();
        server = new FixtureServer(Simulator.fixture(), d, ENDPOINT);
    }

    @AfterEach
    void close() {
        try {
            server.close();
        } finally {
            d.close();
        }
        assertEquals(List.of(), server.errors());
    }

    private SimControl.SIM_PEER_RESULT call(SimControl.SIM_PEER_CALL c) {
        return call(ENDPOINT, c);
    }

    private static SimControl.SIM_PEER_CALL op(int op) {
        SimControl.SIM_PEER_CALL c = new SimControl.SIM_PEER_CALL();
        c.op = op;
        return c;
    }

    @Test
    void add() {
        SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_ADD);
        c.a = 20;
        c.b = 22;
        SimControl.SIM_PEER_RESULT r = call(c);
        assertEquals(RpcErrors.RPC_S_OK, r.status);
        assertEquals(42, r.reply);
        ServerCall<?> s = server.calls().get(0);
        // The client has its reply once RpcAsyncCompleteCall ran; the server's END follows.
        assertEquals(42, assertDoesNotThrow(() -> s.result().get(10, java.util.concurrent.TimeUnit.SECONDS)));
        assertEquals(List.of(PipeState.D, PipeState.COMP, PipeState.END), s.path());
    }

    @Test
    void failIsAFaultAtTheClient() {
        SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_FAIL);
        c.ms_or_code = 1234;
        assertEquals(1234, call(c).status);
    }

    @Test
    void pipeSum() {
        SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_PIPE_SUM);
        c.in_chunks = 7;
        c.in_chunk_elements = 300;
        SimControl.SIM_PEER_RESULT r = call(c);
        assertEquals(RpcErrors.RPC_S_OK, r.status);
        int n = 7 * 300;
        assertEquals(n * (n - 1) / 2, r.reply);
    }

    @Test
    void pipeRange() {
        SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_PIPE_RANGE);
        c.a = 5;
        c.b = 3000;
        SimControl.SIM_PEER_RESULT r = call(c);
        assertEquals(RpcErrors.RPC_S_OK, r.status);
        assertEquals(3000, r.reply);
        assertEquals(3000, r.out_elements);
        long expected = 0;
        for (int i = 0; i < 3000; i++) {
            expected += 5 + i;
        }
        assertEquals(expected, r.out_sum);
    }

    @Test
    void pipeEchoLikeSeed000() {
        SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_PIPE_ECHO);
        c.a = 100;
        c.in_chunks = 3;
        c.in_chunk_elements = 10;
        SimControl.SIM_PEER_RESULT r = call(c);
        assertEquals(RpcErrors.RPC_S_OK, r.status);
        assertEquals(30, r.out_b);
        assertEquals(30, r.out_elements);
        assertEquals(29 * 30 / 2, r.reply);
        assertEquals(29 * 30 / 2 + 100 * 30, r.out_sum);
        assertTrue((r.events_seen & (1 << Rpcrt4.RpcSendComplete)) != 0, "the client pushed with send-complete");
    }

    @Test
    void aClientCancelAbortsASleepingServer() {
        SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_SLEEP);
        c.ms_or_code = -1;
        c.cancel_after_ms = 50;
        c.cancel_abortive = 0;
        assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, call(c).status);
        ServerCall<?> s = server.calls().get(0);
        assertThrows(java.util.concurrent.ExecutionException.class,
                () -> s.result().get(10, java.util.concurrent.TimeUnit.SECONDS));
        List<PipeState> path = s.path();
        assertEquals(List.of(PipeState.D, PipeState.COMP, PipeState.A, PipeState.END), path);
    }

    @Test
    void aClientThatDisconnectsMidPipe() {
        // Sends are slowed so that the server is surely dispatched and pulling when the
        // client goes away after its 20th chunk.
        SimControl.SIM_FAULT_PLAN slow = new SimControl.SIM_FAULT_PLAN();
        slow.seed = 3;
        slow.max_delay_ms = 4;
        sim.sim_set_fault_plan(slow);
        SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_PIPE_SUM);
        c.in_chunks = 50;
        c.in_chunk_elements = 10;
        c.disconnect_after_chunks = 20;
        c.interrupt_when_subscribed = 1; // told only once subscribed, as on Windows
        SimControl.SIM_PEER_RESULT r = call(c);
        assertTrue(r.status != RpcErrors.RPC_S_OK, "status " + r.status);
        ServerCall<?> s = server.calls().get(0);
        assertThrows(java.util.concurrent.ExecutionException.class,
                () -> s.result().get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(PipeState.END, s.state());
        // Told of the disconnect (its subscription's notification): "If a failure is received"
        // then A. Or a pull made in P failed first, the notification still on its way: P's
        // "On failure go to End" (the library then aborts the runtime's call itself).
        List<PipeState> p = s.path();
        List<PipeState> last = p.subList(p.size() - 2, p.size());
        assertTrue(last.equals(List.of(PipeState.A, PipeState.END))
                || last.equals(List.of(PipeState.P, PipeState.END)), p.toString());
    }

    /** A server on a dispatcher of another kind, on an endpoint of its own; closed by the test. */
    private FixtureServer serverOn(Dispatcher other, String endpoint) {
        return new FixtureServer(Simulator.fixture(), other, endpoint);
    }

    private SimControl.SIM_PEER_RESULT call(String endpoint, SimControl.SIM_PEER_CALL c) {
        int id = sim.sim_peer_call_start(FixtureHost.stringBinding(endpoint), c);
        assertTrue(id > 0, "the scripted client could not start");
        SimControl.SIM_PEER_RESULT r = new SimControl.SIM_PEER_RESULT();
        assertEquals(1, sim.sim_peer_call_wait(id, 20_000, r), "the call did not end");
        return r;
    }

    /**
     * The cancel reaches the server only through its subscription to RpcNotificationCallCancel
     * (the simulator, like Windows, tells no unsubscribed server): with APC and with a
     * completion port, whose subscription notification carries its event in the byte count.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"apc", "iocp"})
    void theClientsCancelArrivesThroughTheSubscription(String kind) {
        Dispatcher other = kind.equals("apc") ? new ApcDispatcher() : new IocpDispatcher();
        try (FixtureServer s2 = serverOn(other, "java-fixture-" + kind)) {
            SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_SLEEP);
            c.ms_or_code = -1;
            c.cancel_after_ms = 500; // after the server call reached COMP, even on a loaded machine
            c.cancel_abortive = 0;
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, call("java-fixture-" + kind, c).status);
            ServerCall<?> s = s2.calls().get(0);
            assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> s.result().get(10, java.util.concurrent.TimeUnit.SECONDS));
            RpcException gone = assertDoesNotThrow(() -> s.clientGone().get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, gone.status());
            assertEquals(List.of(PipeState.D, PipeState.COMP, PipeState.A, PipeState.END), s.path());
            assertEquals(List.of(), s2.errors());
        } finally {
            other.close();
        }
    }

    /**
     * An event dispatcher cannot tell a subscription's notification from the call's own, so
     * its server call does not subscribe and is not told: it finishes on its own, and the
     * client, which cancelled abortively, has already gone with RPC_S_CALL_CANCELLED.
     */
    @Test
    void aServerOnAnEventDispatcherIsNotToldOfTheCancel() {
        Dispatcher other = new EventDispatcher();
        try (FixtureServer s2 = serverOn(other, "java-fixture-event")) {
            SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_SLEEP);
            c.ms_or_code = 1000;
            c.cancel_after_ms = 150; // once the server has the call, even on a loaded machine
            c.cancel_abortive = 1;
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, call("java-fixture-event", c).status);
            Await.until("the server has the call", () -> !s2.calls().isEmpty());
            ServerCall<?> s = s2.calls().get(0);
            assertEquals(1000, assertDoesNotThrow(() -> s.result().get(10, java.util.concurrent.TimeUnit.SECONDS)));
            assertFalse(s.clientGone().isDone(), "the server was not subscribed");
            assertEquals(List.of(PipeState.D, PipeState.COMP, PipeState.END), s.path());
        } finally {
            other.close();
        }
    }

    @Test
    void clientGoneNeverCompletesForACallItsClientLetFinish() {
        SimControl.SIM_PEER_CALL c = op(SimControl.SIM_OP_ADD);
        c.a = 1;
        c.b = 2;
        assertEquals(3, call(c).reply);
        ServerCall<?> s = server.calls().get(0);
        assertDoesNotThrow(() -> s.result().get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(s.clientGone().isDone());
        // What it returns is a copy: completing it changes nothing for the call.
        s.clientGone().complete(null);
        assertFalse(s.clientGone().isDone());
    }
}
