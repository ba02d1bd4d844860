package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.assertSameData;
import static dev.winrpc.async.call.Calls.chunk;
import static dev.winrpc.async.call.Calls.chunks;
import static dev.winrpc.async.call.Calls.receiveAll;
import static dev.winrpc.async.call.Calls.rpc;
import static dev.winrpc.async.call.Calls.sendAll;
import static dev.winrpc.async.call.Calls.sum;
import static dev.winrpc.async.call.Tables.assertPath;
import static dev.winrpc.async.call.Tables.path;
import static dev.winrpc.async.call.Tables.rep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.pipe.IllegalPipeTransitionException;
import dev.winrpc.async.pipe.PipeInput;
import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.pipe.PipeProtocol;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.pipe.Side;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.PeerClient;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three server tables of the pipe state page end to end on the simulator: a Java server (the
 * safe layer's {@link ServerCall}, driven step by step by the test through {@link
 * ControlledServer}) against a Java client ({@link ClientCall}) or the simulator's scripted C
 * client ({@link SimControl#sim_peer_call_start}) with its cancels and disconnects. Each test
 * asserts the exact path of states and the outcome on both sides.
 *
 * <p>Not tested: D's "To fail fatally: raise an exception" (the library never raises into
 * native code; a server that must fail aborts, ServerCall's documentation), and the pushes'
 * "To fail" (a push is made as soon as its state is entered).
 */
class ServerTablePathsTest {

    private static final int FAULT = 0x1234;

    private final SimControl sim = Simulator.control();
    private CallHarness h;
    private boolean reportsChecked;

    @BeforeEach
    void open() {
        h = new CallHarness();
    }

    @AfterEach
    void close() {
        h.closeChecked(reportsChecked);
    }

    /** Sets the fault plan that {@code set} fills in (from no faults at all). */
    private void plan(Consumer<SimControl.SIM_FAULT_PLAN> set) {
        SimControl.SIM_FAULT_PLAN p = new SimControl.SIM_FAULT_PLAN();
        set.accept(p);
        sim.sim_set_fault_plan(p);
    }

    /** The server's push number {@code slowPush} (1-based) arrives 1,000 ms late, no other. */
    private static void slowServerPush(SimControl.SIM_FAULT_PLAN p, int slowPush) {
        p.server_send_delay_at = slowPush;
        p.send_delay_ms = 1000;
    }

    private static void assertRefusedAbort(ServerCall<?> call, PipeKind kind, PipeState state) {
        IllegalPipeTransitionException e = assertThrows(IllegalPipeTransitionException.class,
                () -> call.abort(FAULT), "abort in " + state);
        assertSame(PipeProtocol.of(kind, Side.SERVER), e.protocol());
        assertEquals(state, e.state());
        assertEquals(PipeInput.APP_FAIL, e.input());
        String m = e.getMessage();
        assertTrue(m.contains(PipeProtocol.of(kind, Side.SERVER).title()) && m.contains(state.name())
                && m.contains("APP_FAIL"), m);
    }

    /**
     * A path where the scripted client's timing decides whether its cancel or disconnect meets
     * the server still in D (the notification can be delivered before the dispatcher ran the
     * task that takes the call out of D) or already in its first state: both are the table's.
     */
    private static void assertPathOneOf(AsyncCall<?> call, List<PipeState> a, List<PipeState> b) {
        List<PipeState> p = call.path();
        assertTrue(p.equals(a) || p.equals(b), call.title() + ": path " + p + ", expected " + a + " or " + b);
        Tables.assertValidWalk(call);
    }

    private static SimControl.SIM_PEER_RESULT await(int id) {
        return PeerClient.await(id, 20_000);
    }

    // =============================================================================================
    @Nested
    class InPipeServer {

        private ClientCall<Integer> client;
        private PipeWriter<int[]> in;
        private ControlledServer.Accepted s;

        private void start() {
            ControlledServer srv = h.javaServer();
            in = PipeWriter.of(PipeCodec.INTS);
            client = h.sum(h.toJava(), in);
            s = srv.next();
        }

        @Test
        void happyPathSynchronousPulls() {
            start();
            List<int[]> data = chunks(3, 100);
            sendAll(in, data);
            Await.value(in.finish());
            List<int[]> got = receiveAll(s.in);
            assertSameData(data, got);
            s.call.complete(sum(got));
            assertEquals(sum(data), Await.value(s.call));
            assertEquals(sum(data), Await.value(client));
            assertPath(path("D P", rep(3, "P"), "COMP END"), s.call);
            assertPath(path("C WS", rep(3, "P WS"), "NP WCOMP COMP END"), client);
        }

        @Test
        void happyPathPendingPulls() {
            start();
            List<int[]> data = chunks(3, 100);
            for (int[] c : data) {
                Await.state(s.call, PipeState.P);
                CompletableFuture<int[]> f = s.in.receive();
                Await.state(s.call, PipeState.WP);
                in.send(c);
                assertSameData(List.of(c), List.of(Await.value(f)));
            }
            Await.state(s.call, PipeState.P);
            CompletableFuture<int[]> end = s.in.receive();
            Await.state(s.call, PipeState.WP);
            in.finish();
            assertNull(Await.value(end));
            Await.state(s.call, PipeState.COMP);
            s.call.complete(-1);
            assertEquals(-1, Await.value(client));
            assertPath(path("D", rep(4, "P WP"), "COMP END"), s.call);
        }

        @Test
        void againstTheScriptedClient() {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
            c.in_chunks = 6;
            c.in_chunk_elements = 500;
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            List<int[]> got = receiveAll(a.in);
            a.call.complete(sum(got));
            SimControl.SIM_PEER_RESULT r = await(id);
            assertEquals(RpcErrors.RPC_S_OK, r.status, PeerClient.describe(r));
            int n = 3000;
            assertEquals(n * (n - 1) / 2, r.reply);
            assertEquals(n, Calls.flatten(got).length);
            Await.ended(a.call);
            Tables.assertValidWalk(a.call);
            assertEquals(PipeState.COMP, a.call.path().get(a.call.path().size() - 2));
        }

        /** D: "To fail gracefully: Go to A" (the call cannot be registered: closed dispatcher). */
        @Test
        void acceptOnAClosedDispatcher() {
            h.server.close();
            start();
            assertInstanceOf(DispatcherClosedException.class, Await.failure(s.call));
            assertTrue(s.call.ended());
            assertPath(path("D A END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS COMP END"), client);
            // Ended without the application: its reply is dropped, quietly (it could not have
            // known), and its decision still counts once.
            s.call.complete(1);
            assertPath(path("D A END"), s.call);
            assertInstanceOf(DispatcherClosedException.class, Await.failure(s.call));
            IllegalStateException second = assertThrows(IllegalStateException.class, () -> s.call.abort(FAULT));
            assertTrue(second.getMessage().contains("complete was already called"), second.getMessage());
        }

        /** P: "On failure go to End" (a pull that would complete fails). */
        @Test
        void synchronousPullFails() {
            plan(p -> p.pull_fail_ppm = 1_000_000);
            start();
            in.send(chunk(1, 10));
            Await.value(in.finish());
            rpc(Await.failure(s.in.receive()), RpcErrors.RPC_S_CALL_FAILED, false);
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("D P END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS P WS NP WCOMP COMP END"), client);
        }

        /** WP: "If a failure RpcReceiveComplete is received go to A". */
        @Test
        void pendingPullFails() {
            plan(p -> p.pull_fail_ppm = 1_000_000);
            start();
            CompletableFuture<int[]> f = s.in.receive();
            Await.state(s.call, PipeState.WP);
            in.send(chunk(1, 10));
            rpc(Await.failure(f), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.failure(s.call);
            assertPath(path("D P WP A END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.ended(client);
            Tables.assertValidWalk(client);
        }

        /** WP: "If a failure is received go to A" (RpcClientCancel while a pull is pending). */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void clientCancelsWhileThePullIsPending(boolean abortive) {
            start();
            CompletableFuture<int[]> f = s.in.receive();
            Await.state(s.call, PipeState.WP);
            client.cancel(abortive);
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            Await.failure(f);
            assertPath(path("D P WP A END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("C WS CAN WCOMP COMP END"), client);
        }

        /** WP: "On failure to get a completion go to A": the server's dispatcher closes. */
        @Test
        void dispatcherClosedWhileThePullIsPending() {
            reportsChecked = true;
            start();
            CompletableFuture<int[]> f = s.in.receive();
            Await.state(s.call, PipeState.WP);
            h.server.close();
            assertInstanceOf(DispatcherClosedException.class, Await.failure(s.call));
            assertInstanceOf(DispatcherClosedException.class, Await.failure(f));
            Await.ended(s.call);
            assertPath(path("D P WP A END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS COMP END"), client);
        }

        /** P and WP: "To fail: go to A" (the application aborts). */
        @ParameterizedTest(name = "abort in {0}")
        @ValueSource(strings = {"P", "WP"})
        void abort(String where) {
            start();
            CompletableFuture<int[]> f = null;
            if (where.equals("WP")) {
                f = s.in.receive();
                Await.state(s.call, PipeState.WP);
            }
            s.call.abort(FAULT);
            rpc(Await.failure(s.call), FAULT, true);
            assertPath(path("D", where.equals("WP") ? "P WP" : "P", "A END"), s.call);
            if (f != null) {
                rpc(Await.failure(f), FAULT, true);
            }
            rpc(Await.failure(client), FAULT, true);
            assertPath(path("C WS COMP END"), client);
            assertThrows(IllegalStateException.class, () -> s.call.abort(FAULT), "a second abort");
            assertThrows(IllegalStateException.class, () -> s.call.complete(1), "complete after abort");
        }

        /** Comp has no "To fail": once the end was pulled the call can only complete. */
        @Test
        void abortRefusedInComp() {
            start();
            in.send(chunk(1, 3));
            Await.value(in.finish());
            List<int[]> got = receiveAll(s.in);
            Await.state(s.call, PipeState.COMP);
            assertRefusedAbort(s.call, PipeKind.IN, PipeState.COMP);
            s.call.complete(sum(got));
            assertEquals(sum(got), Await.value(client));
            assertPath(path("D P P COMP END"), s.call);
        }

        /** The scripted client cancels while the server waits for data it never asked for. */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void scriptedClientCancels(boolean abortive) {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
            c.in_chunks = 3;
            c.in_chunk_elements = 10;
            c.cancel_after_ms = 100;
            c.cancel_abortive = abortive ? 1 : 0;
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            SimControl.SIM_PEER_RESULT r = await(id);
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, r.status, PeerClient.describe(r));
            rpc(Await.failure(a.call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPathOneOf(a.call, path("D P A END"), path("D A END"));
        }

        /**
         * A non-abortive cancel reaches the server in Comp: the in pipe is pulled to its end and
         * the application has not replied yet. Comp has no "To fail"; whatever the library does,
         * the client must not be told RPC_S_OK with a reply the application never gave.
         */
        @Test
        void scriptedClientCancelsNonAbortivelyWhileTheServerIsInComp() {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
            c.in_chunks = 2;
            c.in_chunk_elements = 10;
            c.cancel_after_ms = 300;
            c.cancel_abortive = 0;
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            receiveAll(a.in);
            Await.state(a.call, PipeState.COMP);
            long deadline = System.nanoTime() + 1_500_000_000L;
            while (!a.call.ended() && System.nanoTime() < deadline) {
                Await.quiet(1);
            }
            boolean replied;
            try {
                a.call.complete(42);
                replied = true;
            } catch (IllegalStateException ended) {
                replied = false;
            }
            SimControl.SIM_PEER_RESULT r = await(id);
            Await.ended(a.call);
            Tables.assertValidWalk(a.call);
            if (r.status == RpcErrors.RPC_S_OK) {
                assertTrue(replied && r.reply == 42, "the client got RPC_S_OK with reply " + r.reply
                        + ", but the application's reply " + (replied ? "was 42" : "was refused (" + a.call
                        + ", done " + a.call.result() + ")"));
            }
        }

        /** The scripted client goes away after two chunks (RpcClientDisconnect). */
        @Test
        void scriptedClientDisconnects() {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
            c.in_chunks = 5;
            c.in_chunk_elements = 10;
            c.disconnect_after_chunks = 2;
            c.interrupt_when_subscribed = 1; // told only once subscribed, as on Windows
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            SimControl.SIM_PEER_RESULT r = await(id);
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, r.status, PeerClient.describe(r));
            rpc(Await.failure(a.call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPathOneOf(a.call, path("D P A END"), path("D A END"));
        }

        /** The same while the server pulls everything it can: the disconnect meets P or WP. */
        @Test
        void scriptedClientDisconnectsWhileTheServerPulls() {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
            c.in_chunks = 8;
            c.in_chunk_elements = 10;
            c.disconnect_after_chunks = 4;
            c.interrupt_when_subscribed = 1; // told only once subscribed, as on Windows
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            CompletableFuture<?> f = CompletableFuture.runAsync(() -> {
                while (Await.value(a.in.receive()) != null) {
                    // pull on
                }
            });
            SimControl.SIM_PEER_RESULT r = await(id);
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, r.status, PeerClient.describe(r));
            Await.failure(a.call);
            Await.failure(f);
            Tables.assertValidWalk(a.call);
            List<PipeState> p = a.call.path();
            // Told of the disconnect while pulling: WP's "If a failure is received", then A. Or
            // the pull failed first (the disconnect came before the subscription, or its
            // notification was still on its way): P's "On failure go to End".
            assertTrue(p.subList(p.size() - 2, p.size()).equals(path("A END"))
                    || p.subList(p.size() - 2, p.size()).equals(path("P END")), p.toString());
        }
    }

    // =============================================================================================
    @Nested
    class OutPipeServer {

        private ClientCall<Integer> client;
        private PipeReader<int[]> out;
        private ControlledServer.Accepted s;

        private void start() {
            ControlledServer srv = h.javaServer();
            out = PipeReader.of(PipeCodec.INTS);
            client = h.range(h.toJava(), 0, 0, out);
            s = srv.next();
        }

        @Test
        void emptyPipe() {
            start();
            Await.value(s.out.finish());
            s.call.complete(0);
            assertEquals(List.of(), receiveAll(out));
            assertEquals(0, Await.value(client));
            assertPath(path("D P WP NP WNP COMP END"), s.call);
            assertPath(path("C P WCOMP COMP END"), client);
        }

        @Test
        void againstTheScriptedClient() {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_RANGE);
            c.a = 3;
            c.b = 2;
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            List<int[]> data = chunks(2, 300);
            sendAll(a.out, data);
            a.out.finish();
            a.call.complete(600);
            SimControl.SIM_PEER_RESULT r = await(id);
            assertEquals(RpcErrors.RPC_S_OK, r.status, PeerClient.describe(r));
            assertEquals(600, r.reply);
            assertEquals(600, r.out_elements);
            long expected = 0;
            for (int x : Calls.flatten(data)) {
                expected += x;
            }
            assertEquals(expected, r.out_sum);
            assertEquals(600, Await.value(a.call));
            assertPath(path("D P WP P WP NP WNP COMP END"), a.call);
        }

        /** P: "On failure go to End" (the first push fails; then the empty pipe's null push). */
        @ParameterizedTest(name = "chunks {0}")
        @ValueSource(ints = {1, 0})
        void firstPushFails(int chunks) {
            plan(p -> p.push_fail_ppm = 1_000_000);
            start();
            if (chunks > 0) {
                s.out.send(chunk(1, 5));
            } else {
                s.out.finish();
            }
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("D P END"), s.call);
            // The client asked for nothing: the failed RpcCallComplete meets it in P, whose
            // "To fail" it takes.
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C P CAN WCOMP COMP END"), client);
            rpc(Await.failure(out.receive()), RpcErrors.RPC_S_CALL_FAILED, false);
        }

        /** NP: "on failure go to Comp" (the null push fails after a chunk went through). */
        @Test
        void nullPushFails() {
            plan(p -> p.server_push_fail_at = 2); // the null push, after a chunk
            start();
            s.out.send(chunk(1, 5));
            CompletableFuture<Void> finished = s.out.finish();
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.failure(finished);
            assertPath(path("D P WP NP COMP END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.ended(client);
        }

        /**
         * WP: "If a failure is received go Comp": the client cancels while the server waits for
         * its application's next chunk. The server then completes; the runtime must accept that
         * completion as final, whatever kind of cancel it was.
         */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void clientCancelsBetweenChunks(boolean abortive) {
            start();
            Await.value(s.out.send(chunk(1, 5)));
            Await.state(s.call, PipeState.WP);
            client.cancel(abortive);
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("D P WP COMP END"), s.call);
            assertEquals(RpcErrors.RPC_S_OK, s.call.outcome.finalStatus(), "RpcAsyncCompleteCall in Comp");
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("C P CAN WCOMP COMP END"), client);
        }

        /** The same with the simulator's scripted client, non-abortive and abortive. */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void scriptedClientCancelsBetweenChunks(boolean abortive) {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_RANGE);
            c.cancel_after_ms = 1000; // well after the send below, even on a loaded machine
            c.cancel_abortive = abortive ? 1 : 0;
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            Await.value(a.out.send(chunk(1, 5)));
            rpc(Await.failure(a.call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("D P WP COMP END"), a.call);
            assertEquals(RpcErrors.RPC_S_OK, a.call.outcome.finalStatus(), "RpcAsyncCompleteCall in Comp");
            SimControl.SIM_PEER_RESULT r = await(id);
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, r.status, PeerClient.describe(r));
        }

        /** The scripted client goes away at once (an operation without an in pipe). */
        @Test
        void scriptedClientDisconnects() {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_RANGE);
            c.disconnect_after_chunks = 0;
            c.interrupt_when_subscribed = 1; // told only once subscribed, as on Windows
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            SimControl.SIM_PEER_RESULT r = await(id);
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, r.status, PeerClient.describe(r));
            rpc(Await.failure(a.call), RpcErrors.RPC_S_CALL_FAILED, false);
            Tables.assertValidWalk(a.call);
            List<PipeState> p = a.call.path();
            assertEquals(path("A END"), p.subList(p.size() - 2, p.size()), p.toString());
        }

        /** P and WP: "To fail: go to A". */
        @ParameterizedTest(name = "abort in {0}")
        @ValueSource(strings = {"P", "WP"})
        void abort(String where) {
            start();
            if (where.equals("WP")) {
                Await.value(s.out.send(chunk(1, 5)));
                Await.state(s.call, PipeState.WP);
            }
            s.call.abort(FAULT);
            rpc(Await.failure(s.call), FAULT, true);
            assertPath(path("D", where.equals("WP") ? "P WP" : "P", "A END"), s.call);
            rpc(Await.failure(client), FAULT, true);
            assertThrows(IllegalStateException.class, () -> s.out.send(chunk(2, 1)));
            assertThrows(IllegalStateException.class, s.out::finish);
        }

        /** WNP and Comp have no "To fail": the abort is refused, naming table, state and input. */
        @Test
        void abortRefusedInWnpAndComp() {
            plan(p -> slowServerPush(p, 2));
            start();
            s.out.send(chunk(1, 5));
            CompletableFuture<Void> finished = s.out.finish();
            Await.state(s.call, PipeState.WNP);
            assertRefusedAbort(s.call, PipeKind.OUT, PipeState.WNP);
            Await.value(finished);
            Await.state(s.call, PipeState.COMP);
            assertRefusedAbort(s.call, PipeKind.OUT, PipeState.COMP);
            s.call.complete(5);
            assertEquals(5, Await.value(s.call));
            assertEquals(1, receiveAll(out).size());
            assertEquals(5, Await.value(client));
            assertPath(path("D P WP NP WNP COMP END"), s.call);
        }

        /** WNP: "If a failure is received go Comp" (an abortive cancel while the null push travels). */
        @Test
        void clientCancelsDuringTheNullPush() {
            plan(p -> slowServerPush(p, 2));
            start();
            s.out.send(chunk(1, 5));
            s.out.finish();
            Await.state(s.call, PipeState.WNP);
            client.cancel(true);
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("D P WP NP WNP COMP END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_CANCELLED, false);
        }

        /** WNP: "On failure to get a completion go to A": the server's dispatcher closes. */
        @Test
        void dispatcherClosedDuringTheNullPush() {
            reportsChecked = true;
            plan(p -> slowServerPush(p, 2));
            start();
            s.out.send(chunk(1, 5));
            s.out.finish();
            Await.state(s.call, PipeState.WNP);
            h.server.close();
            assertInstanceOf(DispatcherClosedException.class, Await.failure(s.call));
            Await.ended(s.call);
            assertPath(path("D P WP NP WNP A END"), s.call);
            Await.failure(client);
            Await.ended(client);
        }
    }

    // =============================================================================================
    @Nested
    class InOutPipeServer {

        private ClientCall<Integer> client;
        private PipeWriter<int[]> in;
        private PipeReader<int[]> out;
        private OutParam b;
        private ControlledServer.Accepted s;

        private void start() {
            ControlledServer srv = h.javaServer();
            in = PipeWriter.of(PipeCodec.INTS);
            out = PipeReader.of(PipeCodec.INTS);
            b = OutParam.clientInt();
            client = h.echo(h.toJava(), 9, in, out, b);
            s = srv.next();
        }

        /** The client's in pipe, all arrived; the server pulls it to its end: PS. */
        private List<int[]> pullEverything(List<int[]> data) {
            sendAll(in, data);
            Await.value(in.finish());
            List<int[]> got = receiveAll(s.in);
            Await.state(s.call, PipeState.PS);
            return got;
        }

        @Test
        void emptyPipes() {
            start();
            assertEquals(List.of(), pullEverything(List.of()));
            Await.value(s.out.finish());
            s.b.setInt(0);
            s.call.complete(0);
            assertEquals(List.of(), receiveAll(out));
            assertEquals(0, Await.value(client));
            assertEquals(0, b.getInt());
            assertPath(path("D PL PS WPS NP WNP COMP END"), s.call);
            assertPath(path("C WS NP PL WCOMP COMP END"), client);
        }

        @Test
        void againstTheScriptedClient() {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_ECHO);
            c.a = 100;
            c.in_chunks = 3;
            c.in_chunk_elements = 10;
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            List<int[]> got = receiveAll(a.in);
            sendAll(a.out, Calls.plus(got, a.dispatch.a));
            a.out.finish();
            a.b.setInt(Calls.flatten(got).length);
            a.call.complete(sum(got));
            SimControl.SIM_PEER_RESULT r = await(id);
            assertEquals(RpcErrors.RPC_S_OK, r.status, PeerClient.describe(r));
            assertEquals(30, r.out_b);
            assertEquals(30, r.out_elements);
            assertEquals(29 * 30 / 2, r.reply);
            assertEquals(29 * 30 / 2 + 100 * 30, r.out_sum);
            assertTrue((r.events_seen & (1 << Rpcrt4.RpcSendComplete)) != 0);
            Await.ended(a.call);
            Tables.assertValidWalk(a.call);
            List<PipeState> p = a.call.path();
            assertEquals(path("PS WPS NP WNP COMP END"), p.subList(p.size() - 6, p.size()), p.toString());
        }

        /** PL: "On failure go to End". */
        @Test
        void synchronousPullFails() {
            plan(p -> p.pull_fail_ppm = 1_000_000);
            start();
            in.send(chunk(1, 4));
            Await.value(in.finish());
            rpc(Await.failure(s.in.receive()), RpcErrors.RPC_S_CALL_FAILED, false);
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("D PL END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS PS WS NP PL CAN WCOMP COMP END"), client);
        }

        /** WPL: "If a failure RpcReceiveComplete is received go to A". */
        @Test
        void pendingPullFails() {
            plan(p -> p.pull_fail_ppm = 1_000_000);
            start();
            CompletableFuture<int[]> f = s.in.receive();
            Await.state(s.call, PipeState.WPL);
            in.send(chunk(1, 4));
            rpc(Await.failure(f), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.failure(s.call);
            assertPath(path("D PL WPL A END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.ended(client);
        }

        /** WPL: "If a failure is received go A" (the client cancels while a pull is pending). */
        @Test
        void clientCancelsWhileThePullIsPending() {
            start();
            CompletableFuture<int[]> f = s.in.receive();
            Await.state(s.call, PipeState.WPL);
            client.cancel(true);
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            Await.failure(f);
            assertPath(path("D PL WPL A END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_CANCELLED, false);
        }

        /** PS: "On failure go to End" (the server's first push fails, the client's went through). */
        @Test
        void firstPushFails() {
            plan(p -> p.server_push_fail_at = 1);
            start();
            List<int[]> got = pullEverything(chunks(1, 6));
            s.out.send(got.get(0));
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("D PL PL PS END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.ended(client);
        }

        /** NP: "on failure go to Comp". */
        @Test
        void nullPushFails() {
            plan(p -> p.server_push_fail_at = 2); // the null push, after a chunk
            start();
            List<int[]> got = pullEverything(chunks(1, 6));
            s.out.send(got.get(0));
            s.out.finish();
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("D PL PL PS WPS NP COMP END"), s.call);
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_FAILED, false);
        }

        /** WPS: "If a failure is received go Comp" (the client cancels between the server's chunks). */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void clientCancelsBetweenChunks(boolean abortive) {
            start();
            pullEverything(chunks(1, 3));
            Await.value(s.out.send(chunk(5, 3)));
            Await.state(s.call, PipeState.WPS);
            client.cancel(abortive);
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("D PL PL PS WPS COMP END"), s.call);
            assertEquals(RpcErrors.RPC_S_OK, s.call.outcome.finalStatus(), "RpcAsyncCompleteCall in Comp");
            rpc(Await.failure(client), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertThrows(IllegalStateException.class, b::getInt);
        }

        /** PL, WPL, PS and WPS: "To fail: go to A". */
        @ParameterizedTest(name = "abort in {0}")
        @ValueSource(strings = {"PL", "WPL", "PS", "WPS"})
        void abort(String where) {
            start();
            CompletableFuture<int[]> f = null;
            switch (where) {
                case "WPL" -> {
                    f = s.in.receive();
                    Await.state(s.call, PipeState.WPL);
                }
                case "PS" -> pullEverything(List.of());
                case "WPS" -> {
                    pullEverything(List.of());
                    Await.value(s.out.send(chunk(1, 2)));
                    Await.state(s.call, PipeState.WPS);
                }
                default -> { }
            }
            Await.state(s.call, PipeState.valueOf(where));
            s.call.abort(FAULT);
            rpc(Await.failure(s.call), FAULT, true);
            List<PipeState> before = switch (where) {
                case "PL" -> path("D PL");
                case "WPL" -> path("D PL WPL");
                case "PS" -> path("D PL PS");
                default -> path("D PL PS WPS");
            };
            assertPath(path(before, "A END"), s.call);
            if (f != null) {
                rpc(Await.failure(f), FAULT, true);
            }
            Await.failure(client);
            Await.ended(client);
            assertThrows(IllegalStateException.class, () -> s.b.setInt(1), "[out] after the abort");
        }

        /** WNP and Comp have no "To fail". */
        @Test
        void abortRefusedInWnpAndComp() {
            plan(p -> slowServerPush(p, 2));
            start();
            List<int[]> got = pullEverything(chunks(1, 6));
            s.out.send(got.get(0));
            CompletableFuture<Void> finished = s.out.finish();
            Await.state(s.call, PipeState.WNP);
            assertRefusedAbort(s.call, PipeKind.IN_OUT, PipeState.WNP);
            Await.value(finished);
            Await.state(s.call, PipeState.COMP);
            assertRefusedAbort(s.call, PipeKind.IN_OUT, PipeState.COMP);
            s.b.setInt(6);
            s.call.complete(sum(got));
            assertSameData(got, receiveAll(out));
            assertEquals(sum(got), Await.value(client));
            assertEquals(6, b.getInt());
            assertPath(path("D PL PL PS WPS NP WNP COMP END"), s.call);
        }

        /** The scripted client cancels while the server echoes slowly (one chunk, then waits). */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void scriptedClientCancelsWhileTheServerPushes(boolean abortive) {
            ControlledServer srv = h.javaServer();
            SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_ECHO);
            c.in_chunks = 2;
            c.in_chunk_elements = 5;
            c.cancel_after_ms = 100;
            c.cancel_abortive = abortive ? 1 : 0;
            int id = PeerClient.start(srv.endpoint(), c);
            ControlledServer.Accepted a = srv.next();
            List<int[]> got = receiveAll(a.in);
            Await.value(a.out.send(got.get(0)));
            rpc(Await.failure(a.call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            Await.ended(a.call);
            List<PipeState> p = a.call.path();
            assertEquals(path("PS WPS COMP END"), p.subList(p.size() - 4, p.size()), p.toString());
            Tables.assertValidWalk(a.call);
            assertEquals(RpcErrors.RPC_S_OK, a.call.outcome.finalStatus(), "RpcAsyncCompleteCall in Comp");
            SimControl.SIM_PEER_RESULT r = await(id);
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, r.status, PeerClient.describe(r));
        }
    }
}
