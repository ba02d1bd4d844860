package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.assertSameData;
import static dev.winrpc.async.call.Calls.chunks;
import static dev.winrpc.async.call.Calls.finishUnlessEnded;
import static dev.winrpc.async.call.Calls.receiveAll;
import static dev.winrpc.async.call.Calls.rpc;
import static dev.winrpc.async.call.Calls.sendAll;
import static dev.winrpc.async.call.Calls.sendEach;
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
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three client tables of the pipe state page end to end on the simulator: the happy path and
 * each failure path the page lists, each asserting the exact path of states ({@link
 * AsyncCall#path()}) and the outcome. The server is the simulator's scripted C server where the
 * client's path does not depend on the server's timing, else a Java server the test drives step by
 * step ({@link ControlledServer}), so every path is deterministic. Failures in the middle of a pipe
 * come from the fault plan's deterministic fields ("the client's k-th push fails").
 *
 * <p>Transitions that no client can reach are not tested: P/PS/NP's "To fail" (a push is made
 * as soon as the state is entered, so the application never sees the call there).
 */
class ClientTablePathsTest {

    private static final int FAULT = 0x1234;

    private final SimControl sim = Simulator.control();
    private CallHarness h;
    /** Set by a test that expects its dispatchers to report exceptions. */
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

    /** A stopped endpoint: the binding stays, calls on it fail to start. */
    private Binding stoppedEndpoint() {
        Binding b = h.toJava();
        h.javaServer().close();
        return b;
    }

    // =============================================================================================
    @Nested
    class InPipeClient {

        @Test
        void happyPath() {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toPeer(), in);
            List<int[]> data = chunks(3, 100);
            List<CompletableFuture<Void>> sent = sendAll(in, data);
            CompletableFuture<Void> finished = in.finish();
            assertEquals(sum(data), Await.value(call));
            Await.ended(call);
            assertPath(path("C WS", rep(3, "P WS"), "NP WCOMP COMP END"), call);
            sent.forEach(Await::value);
            Await.value(finished);
        }

        @Test
        void emptyPipe() {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toPeer(), in);
            in.finish();
            assertEquals(0, Await.value(call));
            assertPath(path("C WS NP WCOMP COMP END"), call);
        }

        @Test
        void againstAJavaServer() {
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toJava(), in);
            ControlledServer.Accepted s = srv.next();
            List<int[]> data = chunks(4, 33);
            sendAll(in, data);
            Await.value(in.finish());
            List<int[]> got = receiveAll(s.in);
            assertSameData(data, got);
            s.call.complete(sum(got));
            assertEquals(sum(data), Await.value(call));
            Await.ended(call);
            assertPath(path("C WS", rep(4, "P WS"), "NP WCOMP COMP END"), call);
            Await.ended(s.call);
            assertPath(path("D P", rep(4, "P"), "COMP END"), s.call);
        }

        /** C: "On exception go to End" (the endpoint no longer listens). */
        @Test
        void callThatCannotStart() {
            Binding b = stoppedEndpoint();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(b, in);
            rpc(Await.failure(call), RpcErrors.RPC_S_SERVER_UNAVAILABLE, false);
            Await.ended(call);
            assertPath(path("C END"), call);
            assertThrows(IllegalStateException.class, () -> in.send(new int[] {1}));
            assertThrows(IllegalStateException.class, in::finish);
        }

        /** C: "On exception go to End" (the stub throws). */
        @Test
        void stubThatThrows() {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            IllegalStateException boom = new IllegalStateException("the stub failed");
            ClientCall<Integer> call = ClientCall.builder(h.client, Reply.INT).send(in).start(ctx -> {
                throw boom;
            });
            assertSame(boom, Await.failure(call));
            Await.ended(call);
            assertPath(path("C END"), call);
        }

        /** P: "On failure go to End" (the first push fails). */
        @Test
        void firstPushFails() {
            plan(p -> p.push_fail_ppm = 1_000_000);
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toPeer(), in);
            // One chunk: the call ends as soon as it is pushed, and a send after END throws.
            List<CompletableFuture<Void>> sent = sendAll(in, chunks(1, 10));
            finishUnlessEnded(in);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.ended(call);
            assertPath(path("C WS P END"), call);
            sent.forEach(Await::failure);
        }

        /** P: "On failure go to End", in the middle of the pipe (the third push fails). */
        @Test
        void thirdPushFails() {
            plan(p -> p.client_push_fail_at = 3);
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toPeer(), in);
            // Three chunks: the third is sent before it can be pushed (and fail).
            List<CompletableFuture<Void>> sent = sendAll(in, chunks(3, 10));
            finishUnlessEnded(in);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.ended(call);
            assertPath(path("C WS P WS P WS P END"), call);
            Await.value(sent.get(0));
            Await.value(sent.get(1));
            Await.failure(sent.get(2));
        }

        /** NP: "On failure go to End" (the null push of an empty pipe fails). */
        @Test
        void nullPushFails() {
            plan(p -> p.push_fail_ppm = 1_000_000);
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toPeer(), in);
            CompletableFuture<Void> finished = in.finish();
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS NP END"), call);
            Await.failure(finished);
        }

        /** NP: "On failure go to End", after two chunks went through. */
        @Test
        void nullPushFailsAfterData() {
            plan(p -> p.client_push_fail_at = 3); // the null push, after two chunks
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toPeer(), in);
            List<CompletableFuture<Void>> sent = sendAll(in, chunks(2, 10));
            CompletableFuture<Void> finished = in.finish();
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS P WS P WS NP END"), call);
            sent.forEach(Await::value);
            Await.failure(finished);
        }

        /** WS: "If a failure RpcCallComplete is received go Comp" (the server aborts mid-pipe). */
        @Test
        void serverAbortsWhileTheClientSends() {
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toJava(), in);
            ControlledServer.Accepted s = srv.next();
            sendEach(in, chunks(2, 50));
            Await.state(call, PipeState.WS);
            s.call.abort(FAULT);
            rpc(Await.failure(call), FAULT, true);
            Await.ended(call);
            assertPath(path("C WS P WS P WS COMP END"), call);
            rpc(Await.failure(s.call), FAULT, true);
            assertPath(path("D P A END"), s.call);
            assertThrows(IllegalStateException.class, () -> in.send(new int[] {1}));
        }

        /** WS: "To fail: go to Can", before anything was pushed. */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void cancelBeforePushing(boolean abortive) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toPeer(), in);
            call.cancel(abortive);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            Await.ended(call);
            assertPath(path("C WS CAN WCOMP COMP END"), call);
        }

        /** WS: "To fail: go to Can", mid-pipe; the Java server sees the cancel and aborts. */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void cancelMidPipe(boolean abortive) {
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toJava(), in);
            ControlledServer.Accepted s = srv.next();
            sendEach(in, chunks(2, 10));
            call.cancel(abortive);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("C WS P WS P WS CAN WCOMP COMP END"), call);
            Await.failure(s.call);
            Await.ended(s.call);
            assertPath(path("D P A END"), s.call);
        }

        /** WS: "To fail: go to Can" while a push is on its way; its future fails. */
        @Test
        void cancelWithAPushOutstanding() {
            plan(p -> {
                p.client_send_delay_at = 1;
                p.send_delay_ms = 1000;
            });
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toPeer(), in);
            CompletableFuture<Void> sent = in.send(Calls.chunk(1, 10));
            Await.until("the push was made", () -> call.path().contains(PipeState.P));
            Await.state(call, PipeState.WS);
            assertTrue(!sent.isDone(), "the push is still on its way");
            call.cancel(true);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("C WS P WS CAN WCOMP COMP END"), call);
            Await.failure(sent);
        }

        /** WS: "On failure to get a notification go to Can": the dispatcher closes mid-pipe. */
        @Test
        void dispatcherClosedWhileWaitingForASend() {
            reportsChecked = true;
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.sum(h.toJava(), in);
            ControlledServer.Accepted s = srv.next();
            sendEach(in, chunks(1, 10));
            Await.state(call, PipeState.WS);
            h.client.close();
            assertInstanceOf(DispatcherClosedException.class, Await.failure(call));
            // Seed 002: Can, then WComp waits for the call-complete notification, then Comp and
            // End. The runtime's call must still be completed (RpcAsyncCompleteCall) even though
            // no notification can reach the call any more.
            Await.ended(call);
            assertPath(path("C WS P WS CAN WCOMP COMP END"), call);
            Await.failure(s.call);
        }

        /**
         * C: "To fail: go to Can". The only moment a client call is in C is inside its stub; a
         * cancel made there must not cancel a call the runtime does not have yet, nor break
         * the table when the stub then returns.
         */
        @Test
        void cancelFromInsideTheStub() {
            reportsChecked = true;
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            Binding b = h.toJava();
            AtomicReference<ClientCall<Integer>> self = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            ClientCall<Integer> call = ClientCall.builder(h.client, Reply.INT).send(in).start(ctx -> {
                try {
                    started.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                self.get().cancel(true);
                return h.fx.WinRpcFixture_PipeSum(ctx.pAsync(), b.handle(), ctx.inPipe());
            });
            h.track(call);
            self.set(call);
            started.countDown();
            Throwable t = Await.failure(call);
            Await.ended(call);
            Tables.assertValidWalk(call);
            assertEquals(PipeState.CAN, call.path().get(call.path().indexOf(PipeState.C) + 1),
                    "C's To fail leads to Can: " + call.path());
            rpc(t, RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertEquals(List.of(), h.clientReports, "the client dispatcher's reports");
        }
    }

    // =============================================================================================
    @Nested
    class OutPipeClient {

        /** Every pull completes at once: the data has arrived before the client asks. */
        @Test
        void happyPathSynchronousPulls() {
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            List<int[]> data = chunks(3, 70);
            sendAll(s.out, data);
            Await.value(s.out.finish());
            s.call.complete(42);
            assertSameData(data, receiveAll(out));
            assertEquals(42, Await.value(call));
            Await.ended(call);
            assertPath(path("C P", rep(3, "P"), "WCOMP COMP END"), call);
            Await.ended(s.call);
            assertPath(path("D P WP P WP P WP NP WNP COMP END"), s.call);
        }

        /** Every pull is pending first: the server sends only once the client waits. */
        @Test
        void happyPathPendingPulls() {
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            List<int[]> data = chunks(3, 70);
            List<int[]> got = new ArrayList<>();
            for (int[] c : data) {
                Await.state(call, PipeState.P);
                CompletableFuture<int[]> f = out.receive();
                Await.state(call, PipeState.WP);
                s.out.send(c);
                got.add(Await.value(f));
            }
            Await.state(call, PipeState.P);
            CompletableFuture<int[]> end = out.receive();
            Await.state(call, PipeState.WP);
            s.out.finish();
            assertNull(Await.value(end));
            s.call.complete(7);
            assertEquals(7, Await.value(call));
            assertSameData(data, got);
            assertPath(path("C", rep(4, "P WP"), "COMP END"), call);
            assertPath(path("D P WP P WP P WP NP WNP COMP END"), s.call);
        }

        @Test
        void againstTheScriptedServer() {
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS, 500);
            ClientCall<Integer> call = h.range(h.toPeer(), 10, 3000, out);
            List<int[]> got = receiveAll(out);
            assertEquals(3000, Await.value(call));
            int[] all = Calls.flatten(got);
            assertEquals(3000, all.length);
            for (int i = 0; i < all.length; i++) {
                assertEquals(10 + i, all[i]);
            }
            Tables.assertValidWalk(call);
        }

        /** C: "On failure go to Comp". */
        @Test
        void callThatCannotStart() {
            Binding b = stoppedEndpoint();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(b, 0, 10, out);
            rpc(Await.failure(call), RpcErrors.RPC_S_SERVER_UNAVAILABLE, false);
            Await.ended(call);
            assertPath(path("C COMP END"), call);
            rpc(Await.failure(out.receive()), RpcErrors.RPC_S_SERVER_UNAVAILABLE, false);
        }

        /** P: "On failure go to End" (a pull that would complete fails). */
        @Test
        void synchronousPullFails() {
            plan(p -> p.pull_fail_ppm = 1_000_000);
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            s.out.send(Calls.chunk(1, 5));
            Await.value(s.out.finish());
            s.call.complete(1);
            Await.value(s.call);
            rpc(Await.failure(out.receive()), RpcErrors.RPC_S_CALL_FAILED, false);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            Await.ended(call);
            assertPath(path("C P END"), call);
        }

        /** P: "On failure go to End", after two chunks (the third pull fails). */
        @Test
        void thirdPullFails() {
            plan(p -> p.client_pull_fail_at = 3);
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            sendAll(s.out, chunks(4, 5));
            Await.value(s.out.finish());
            s.call.complete(1);
            Await.value(out.receive());
            Await.value(out.receive());
            rpc(Await.failure(out.receive()), RpcErrors.RPC_S_CALL_FAILED, false);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C P P P END"), call);
        }

        /** WP: "If a failure RpcReceiveComplete is received go to Can". */
        @Test
        void pendingPullFails() {
            plan(p -> p.pull_fail_ppm = 1_000_000);
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            CompletableFuture<int[]> f = out.receive();
            Await.state(call, PipeState.WP);
            s.out.send(Calls.chunk(1, 5));
            rpc(Await.failure(f), RpcErrors.RPC_S_CALL_FAILED, false);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C P WP CAN WCOMP COMP END"), call);
            // The server hears of the client's failure (RpcClientDisconnect) while it waits for
            // the application: WP, "If a failure is received go Comp".
            Await.failure(s.call);
            Await.ended(s.call);
            assertPath(path("D P WP COMP END"), s.call);
        }

        /**
         * WP: the server aborts while the client's pull is pending. The client must report the
         * server's fault, as it does when the abort reaches it in any other state.
         */
        @Test
        void serverAbortsWhileTheClientPulls() {
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            CompletableFuture<int[]> f = out.receive();
            Await.state(call, PipeState.WP);
            s.call.abort(FAULT);
            Await.failure(f);
            Await.ended(call);
            assertPath(path("C P WP CAN WCOMP COMP END"), call);
            assertPath(path("D P A END"), s.call);
            rpc(Await.failure(call), FAULT, true);
        }

        /**
         * WP: "If a failure is received go Can": the RpcReceiveComplete for the pending pull is
         * lost (fault plan), only the failed RpcCallComplete arrives.
         */
        @Test
        void callCompleteWhilePulling() {
            plan(p -> p.client_drop_notification_at = 1); // the RpcReceiveComplete
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            CompletableFuture<int[]> f = out.receive();
            Await.state(call, PipeState.WP);
            s.call.abort(FAULT);
            Await.failure(f);
            Await.ended(call);
            assertPath(path("C P WP CAN WCOMP COMP END"), call);
            rpc(Await.failure(call), FAULT, true);
        }

        /** P: "To fail: go to Can" (no pull asked for). */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void cancelBeforePulling(boolean abortive) {
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            Await.state(call, PipeState.P);
            call.cancel(abortive);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("C P CAN WCOMP COMP END"), call);
            rpc(Await.failure(s.call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("D P A END"), s.call);
            rpc(Await.failure(out.receive()), RpcErrors.RPC_S_CALL_CANCELLED, false);
        }

        /**
         * P: "To fail: go to Can" with a non-abortive cancel after the server has already
         * replied (its reply waits in the runtime). Can, then WComp: the call-complete
         * notification "should be received", whatever the outcome (the reply or the cancel).
         */
        @Test
        void nonAbortiveCancelAfterTheServerReplied() {
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            s.out.send(Calls.chunk(1, 3));
            Await.value(s.out.finish());
            s.call.complete(7);
            assertEquals(7, Await.value(s.call));
            Await.state(call, PipeState.P);
            call.cancel(false);
            Throwable t = null;
            try {
                assertEquals(7, call.result().get(Await.SECONDS, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                t = e.getCause();
            } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
                throw new AssertionError("the client never completed after its cancel: " + call, e);
            }
            if (t != null) {
                rpc(t, RpcErrors.RPC_S_CALL_CANCELLED, false);
            }
            assertPath(path("C P CAN WCOMP COMP END"), call);
        }

        /** WP: "To fail: go to Can" while a pull is pending. */
        @ParameterizedTest(name = "abortive {0}")
        @ValueSource(booleans = {true, false})
        void cancelWhilePulling(boolean abortive) {
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            Await.value(s.out.send(Calls.chunk(1, 3)));
            Await.value(out.receive());
            Await.state(call, PipeState.P);
            CompletableFuture<int[]> f = out.receive();
            Await.state(call, PipeState.WP);
            call.cancel(abortive);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            assertPath(path("C P P WP CAN WCOMP COMP END"), call);
            Await.failure(f);
            Await.failure(s.call);
            Await.ended(s.call);
        }

        /** WP: "On failure to get a completion go to Can": the dispatcher closes. */
        @Test
        void dispatcherClosedWhilePulling() {
            reportsChecked = true;
            ControlledServer srv = h.javaServer();
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
            ControlledServer.Accepted s = srv.next();
            CompletableFuture<int[]> f = out.receive();
            Await.state(call, PipeState.WP);
            h.client.close();
            assertInstanceOf(DispatcherClosedException.class, Await.failure(call));
            assertInstanceOf(DispatcherClosedException.class, Await.failure(f));
            Await.ended(call);
            assertPath(path("C P WP CAN WCOMP COMP END"), call);
            Await.failure(s.call);
        }
    }

    // =============================================================================================
    @Nested
    class InOutPipeClient {

        @Test
        void happyPath() {
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam b = OutParam.clientInt();
            ClientCall<Integer> call = h.echo(h.toJava(), 5, in, out, b);
            ControlledServer.Accepted s = srv.next();
            List<int[]> data = chunks(2, 40);
            sendAll(in, data);
            Await.value(in.finish());
            Await.state(call, PipeState.PL);
            List<int[]> got = receiveAll(s.in);
            List<int[]> echo = Calls.plus(got, s.dispatch.a);
            sendAll(s.out, echo);
            CompletableFuture<Void> echoed = s.out.finish();
            s.b.setInt(80);
            s.call.complete(sum(got));
            Await.value(echoed);
            assertSameData(Calls.plus(data, 5), receiveAll(out));
            assertEquals(sum(data), Await.value(call));
            assertEquals(80, b.getInt());
            assertPath(path("C WS", rep(2, "PS WS"), "NP PL", rep(2, "PL"), "WCOMP COMP END"), call);
            Await.ended(s.call);
            assertPath(path("D PL", rep(2, "PL"), "PS WPS PS WPS NP WNP COMP END"), s.call);
        }

        @Test
        void againstTheScriptedServer() {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam b = OutParam.clientInt();
            ClientCall<Integer> call = h.echo(h.toPeer(), 1000, in, out, b);
            List<int[]> data = chunks(3, 700);
            sendAll(in, data);
            in.finish();
            assertSameData(Calls.plus(data, 1000), receiveAll(out));
            assertEquals(sum(data), Await.value(call));
            assertEquals(2100, b.getInt());
            Tables.assertValidWalk(call);
            assertEquals(path("C WS", rep(3, "PS WS"), "NP PL"), call.path().subList(0, 10));
        }

        /** C: "On exception go to End". */
        @Test
        void callThatCannotStart() {
            Binding bd = stoppedEndpoint();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam b = OutParam.clientInt();
            ClientCall<Integer> call = h.echo(bd, 0, in, out, b);
            rpc(Await.failure(call), RpcErrors.RPC_S_SERVER_UNAVAILABLE, false);
            assertPath(path("C END"), call);
            assertThrows(IllegalStateException.class, b::getInt);
        }

        /** PS: "On failure go to End" (the second push fails). */
        @Test
        void secondPushFails() {
            plan(p -> p.client_push_fail_at = 2);
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam b = OutParam.clientInt();
            ClientCall<Integer> call = h.echo(h.toPeer(), 0, in, out, b);
            sendAll(in, chunks(2, 8));
            finishUnlessEnded(in);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS PS WS PS END"), call);
            assertThrows(IllegalStateException.class, b::getInt);
        }

        /** NP: "On failure go to End". */
        @Test
        void nullPushFails() {
            plan(p -> p.push_fail_ppm = 1_000_000);
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.echo(h.toPeer(), 0, in, out, OutParam.clientInt());
            in.finish();
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS NP END"), call);
            rpc(Await.failure(out.receive()), RpcErrors.RPC_S_CALL_FAILED, false);
        }

        /** PL: "On failure go to End" (the client's first completing pull fails). */
        @Test
        void synchronousPullFails() {
            // The server's pulls (one chunk and the end) pass, the client's first pull fails.
            plan(p -> p.client_pull_fail_at = 1);
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.echo(h.toJava(), 0, in, out, OutParam.clientInt());
            ControlledServer.Accepted s = srv.next();
            in.send(Calls.chunk(1, 4));
            Await.value(in.finish());
            List<int[]> got = receiveAll(s.in);
            sendAll(s.out, got);
            Await.value(s.out.finish());
            s.b.setInt(4);
            s.call.complete(1);
            Await.value(s.call);
            rpc(Await.failure(out.receive()), RpcErrors.RPC_S_CALL_FAILED, false);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS PS WS NP PL END"), call);
            assertPath(path("D PL PL PS WPS NP WNP COMP END"), s.call);
        }

        /** WPL: "If a failure RpcReceiveComplete is received go to Can". */
        @Test
        void pendingPullFails() {
            // The server's pull (the end) passes, the client's first completing pull fails.
            plan(p -> p.client_pull_fail_at = 1);
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.echo(h.toJava(), 0, in, out, OutParam.clientInt());
            ControlledServer.Accepted s = srv.next();
            Await.value(in.finish());
            assertNull(Await.value(s.in.receive()));
            CompletableFuture<int[]> f = out.receive();
            Await.state(call, PipeState.WPL);
            s.out.send(Calls.chunk(2, 4));
            rpc(Await.failure(f), RpcErrors.RPC_S_CALL_FAILED, false);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
            assertPath(path("C WS NP PL WPL CAN WCOMP COMP END"), call);
            Await.failure(s.call);
            Await.ended(s.call);
            assertPath(path("D PL PS WPS COMP END"), s.call);
        }

        /** WS: "If a failure RpcCallComplete is received go Comp". */
        @Test
        void serverAbortsWhileTheClientSends() {
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam b = OutParam.clientInt();
            ClientCall<Integer> call = h.echo(h.toJava(), 0, in, out, b);
            ControlledServer.Accepted s = srv.next();
            sendEach(in, chunks(1, 8));
            s.call.abort(FAULT);
            rpc(Await.failure(call), FAULT, true);
            assertPath(path("C WS PS WS COMP END"), call);
            assertPath(path("D PL A END"), s.call);
            rpc(Await.failure(out.receive()), FAULT, true);
            assertThrows(IllegalStateException.class, b::getInt);
        }

        /** WPL: the server aborts while the client's pull is pending: the client reports the fault. */
        @Test
        void serverAbortsWhileTheClientPulls() {
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.echo(h.toJava(), 0, in, out, OutParam.clientInt());
            ControlledServer.Accepted s = srv.next();
            Await.value(in.finish());
            assertNull(Await.value(s.in.receive()));
            CompletableFuture<int[]> f = out.receive();
            Await.state(call, PipeState.WPL);
            s.call.abort(FAULT);
            Await.failure(f);
            Await.ended(call);
            assertPath(path("C WS NP PL WPL CAN WCOMP COMP END"), call);
            assertPath(path("D PL PS A END"), s.call);
            rpc(Await.failure(call), FAULT, true);
        }

        /** WS, PL and WPL: "To fail: go to Can". */
        @ParameterizedTest(name = "cancel in {0}")
        @ValueSource(strings = {"WS", "PL", "WPL"})
        void cancel(String where) {
            ControlledServer srv = h.javaServer();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.echo(h.toJava(), 0, in, out, OutParam.clientInt());
            ControlledServer.Accepted s = srv.next();
            CompletableFuture<int[]> f = null;
            if (!where.equals("WS")) {
                Await.value(in.finish());
                Await.state(call, PipeState.PL);
            }
            if (where.equals("WPL")) {
                f = out.receive();
                Await.state(call, PipeState.WPL);
            }
            Await.state(call, PipeState.valueOf(where));
            call.cancel(true);
            rpc(Await.failure(call), RpcErrors.RPC_S_CALL_CANCELLED, false);
            List<PipeState> before = switch (where) {
                case "WS" -> path("C WS");
                case "PL" -> path("C WS NP PL");
                default -> path("C WS NP PL WPL");
            };
            assertPath(path(before, "CAN WCOMP COMP END"), call);
            if (f != null) {
                Await.failure(f);
            }
            Await.failure(s.call);
            Await.ended(s.call);
            Tables.assertValidWalk(s.call);
        }
    }
}
