package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.chunk;
import static dev.winrpc.async.call.Calls.chunks;
import static dev.winrpc.async.call.Calls.receiveAll;
import static dev.winrpc.async.call.Calls.rpc;
import static dev.winrpc.async.call.Calls.sendAll;
import static dev.winrpc.async.call.Calls.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.PeerClient;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the safe layer promises around a call's end: after END every use throws (or, where the
 * API says so, reports the end: a reader's receive gives null, a publisher's subscriber is told
 * onComplete or onError; a client's cancel is a no-op), [out] values are readable only after
 * RPC_S_OK, a server call is completed or aborted exactly once (the simulator's oracle records
 * a second final completion, and the oracle extension fails the test), and the result futures
 * complete exactly once.
 */
class CallLifecycleTest {

    private static final int FAULT = 0x2345;

    private final SimControl sim = Simulator.control();
    private CallHarness h;

    @BeforeEach
    void open() {
        h = new CallHarness();
    }

    @AfterEach
    void close() {
        h.closeChecked(false);
    }

    private static AtomicInteger countCompletions(CompletableFuture<?> f) {
        AtomicInteger n = new AtomicInteger();
        f.whenComplete((v, t) -> n.incrementAndGet());
        return n;
    }

    /** A subscriber that records what it is told. */
    private static final class Recorder<T> implements Flow.Subscriber<T> {
        final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            events.add("subscribe");
            s.request(1);
        }

        @Override
        public void onNext(T item) {
            events.add("next");
        }

        @Override
        public void onError(Throwable t) {
            events.add("error");
            end.complete(t);
        }

        @Override
        public void onComplete() {
            events.add("complete");
            end.complete(null);
        }
    }

    @Test
    void afterASuccessfulEnd() {
        ControlledServer srv = h.javaServer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        OutParam b = OutParam.clientInt();
        ClientCall<Integer> call = h.echo(h.toJava(), 1, in, out, b);
        AtomicInteger completions = countCompletions(call.result());
        ControlledServer.Accepted s = srv.next();
        AtomicInteger serverCompletions = countCompletions(s.call.result());
        assertThrows(IllegalStateException.class, b::getInt, "[out] before the call completed");
        sendAll(in, chunks(2, 5));
        Await.value(in.finish());
        List<int[]> got = receiveAll(s.in);
        sendAll(s.out, got);
        s.out.finish();
        s.b.setInt(10);
        s.call.complete(sum(got));
        assertThrows(IllegalStateException.class, () -> s.b.setInt(11), "[out] after complete");
        assertEquals(2, receiveAll(out).size());
        assertEquals(sum(got), Await.value(call));
        Await.ended(call);
        Await.ended(s.call);
        List<PipeState> clientPath = call.path();
        List<PipeState> serverPath = s.call.path();

        // The client: [out] readable now; sending throws; cancel is a no-op; the reader reports
        // the end (receive gives null, a subscriber is told onComplete).
        assertEquals(10, b.getInt());
        assertThrows(IllegalStateException.class, () -> in.send(new int[] {1}));
        assertThrows(IllegalStateException.class, in::finish);
        call.cancel(true);
        call.cancel(false);
        assertNull(Await.value(out.receive()));
        // The server: complete, abort, its pipes and its [out] all throw.
        assertThrows(IllegalStateException.class, () -> s.call.complete(1));
        assertThrows(IllegalStateException.class, () -> s.call.abort(FAULT));
        assertThrows(IllegalStateException.class, () -> s.out.send(new int[] {1}));
        assertThrows(IllegalStateException.class, s.out::finish);
        assertThrows(IllegalStateException.class, () -> s.b.setInt(12));
        assertNull(Await.value(s.in.receive()));

        Await.quiet(50);
        assertEquals(clientPath, call.path(), "nothing moves a call after END");
        assertEquals(serverPath, s.call.path());
        assertEquals(1, completions.get());
        assertEquals(1, serverCompletions.get());
        assertEquals(10, b.getInt());
    }

    @Test
    void afterAFailedEnd() {
        ControlledServer srv = h.javaServer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        OutParam b = OutParam.clientInt();
        ClientCall<Integer> call = h.echo(h.toJava(), 1, in, out, b);
        ControlledServer.Accepted s = srv.next();
        Await.value(in.send(chunk(1, 3)));
        s.b.setInt(3);
        s.call.abort(FAULT);
        assertThrows(IllegalStateException.class, () -> s.b.setInt(4), "[out] after abort");
        rpc(Await.failure(call), FAULT, true);
        Await.ended(call);
        Await.ended(s.call);
        assertThrows(IllegalStateException.class, b::getInt, "[out] after a failed call");
        assertThrows(IllegalStateException.class, () -> in.send(new int[] {1}));
        assertThrows(IllegalStateException.class, in::finish);
        call.cancel(true);
        rpc(Await.failure(out.receive()), FAULT, true);
        assertThrows(IllegalStateException.class, () -> s.call.complete(1));
        assertThrows(IllegalStateException.class, () -> s.call.abort(FAULT));
        Recorder<int[]> r = new Recorder<>();
        out.publisher().subscribe(r);
        rpc(Await.value(r.end), FAULT, true);
        assertEquals(List.of("subscribe", "error"), r.events);
    }

    /** A publisher subscribed after a successful END says onSubscribe, then onComplete. */
    @Test
    void publisherAfterASuccessfulEnd() {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toPeer(), 0, 2000, out);
        assertEquals(2, receiveAll(out).size());
        Await.value(call);
        Recorder<int[]> r = new Recorder<>();
        out.publisher().subscribe(r);
        assertNull(Await.value(r.end));
        assertEquals(List.of("subscribe", "complete"), r.events);
    }

    /**
     * The reader's documented answers after END (null, or the call's failure) must not depend
     * on whether the call's dispatcher is still open: a closed dispatcher must not make
     * receive() or subscribe() throw (Flow: subscribe "must not throw" but tells onError).
     */
    @Test
    void readerAfterEndOnAClosedDispatcher() {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toPeer(), 0, 10, out);
        assertEquals(1, receiveAll(out).size());
        Await.value(call);
        Await.ended(call);
        h.client.close();
        CompletableFuture<int[]> f = assertDoesNotThrow(out::receive);
        assertNull(Await.value(f));
        Recorder<int[]> r = new Recorder<>();
        assertDoesNotThrow(() -> {
            out.publisher().subscribe(r);
            return null;
        });
        assertNull(Await.value(r.end));
    }

    private static <T> T assertDoesNotThrow(java.util.concurrent.Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new AssertionError("threw " + e, e);
        }
    }

    @Test
    void outValuesOnlyAfterOk() {
        // A fault reply from the scripted server: [out] b is never readable.
        SimControl.SIM_FAULT_PLAN p = new SimControl.SIM_FAULT_PLAN();
        p.seed = 3;
        p.fault_reply_ppm = 1_000_000;
        p.fault_code = FAULT;
        sim.sim_set_fault_plan(p);
        Binding peer = h.toPeer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        OutParam b = OutParam.clientInt();
        ClientCall<Integer> call = h.echo(peer, 0, in, out, b);
        sendAll(in, chunks(2, 4));
        in.finish();
        Calls.drain(out);
        // (Which status the client reports when the fault meets it pulling is
        // ClientTablePathsTest's business: serverAbortsWhileTheClientPulls.)
        assertInstanceOf(RpcException.class, Await.failure(call));
        assertThrows(IllegalStateException.class, b::getInt);

        // The same call without the fault: readable once RPC_S_OK.
        sim.sim_set_fault_plan(null);
        PipeWriter<int[]> in2 = PipeWriter.of(PipeCodec.INTS);
        PipeReader<int[]> out2 = PipeReader.of(PipeCodec.INTS);
        OutParam b2 = OutParam.clientInt();
        ClientCall<Integer> ok = h.echo(peer, 0, in2, out2, b2);
        sendAll(in2, chunks(2, 4));
        assertThrows(IllegalStateException.class, b2::getInt, "before the end");
        in2.finish();
        CompletableFuture<List<int[]>> echoed = CompletableFuture.supplyAsync(() -> receiveAll(out2));
        Await.value(ok);
        Await.value(echoed);
        assertEquals(8, b2.getInt());
        // A parameter belongs to one call.
        assertThrows(IllegalStateException.class, () -> h.echo(peer, 0, PipeWriter.of(PipeCodec.INTS),
                PipeReader.of(PipeCodec.INTS), b2));
        assertThrows(IllegalStateException.class, OutParam.clientInt()::getInt, "not attached");
    }

    /** A server call completes once: a second complete, or an abort after it, throws. */
    @Test
    void completeOnce() {
        ControlledServer srv = h.javaServer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toJava(), in);
        ControlledServer.Accepted s = srv.next();
        AtomicInteger done = countCompletions(s.call.result());
        s.call.complete(5); // given early: sent once the table reaches Comp
        assertThrows(IllegalStateException.class, () -> s.call.complete(6));
        assertThrows(IllegalStateException.class, () -> s.call.abort(FAULT));
        Await.value(in.finish());
        assertNull(Await.value(s.in.receive()));
        assertEquals(5, Await.value(call));
        assertEquals(5, Await.value(s.call));
        Await.quiet(20);
        assertEquals(1, done.get());
    }

    /** A server call is aborted once: a second abort, or a complete after it, throws. */
    @Test
    void abortOnce() {
        ControlledServer srv = h.javaServer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toJava(), in);
        ControlledServer.Accepted s = srv.next();
        AtomicInteger done = countCompletions(s.call.result());
        s.call.abort(FAULT);
        assertThrows(IllegalStateException.class, () -> s.call.abort(FAULT + 1));
        assertThrows(IllegalStateException.class, () -> s.call.complete(1));
        assertThrows(IllegalArgumentException.class, () -> s.call.abort(0));
        rpc(Await.failure(call), FAULT, true);
        rpc(Await.failure(s.call), FAULT, true);
        Await.quiet(20);
        assertEquals(1, done.get());
    }

    /**
     * complete and abort raced from two threads: exactly one of them may succeed (the other
     * throws), and the runtime sees one final completion (the oracle checks).
     */
    @Test
    void completeAndAbortRacedExactlyOneWins() throws Exception {
        ControlledServer srv = h.javaServer();
        Binding bd = h.toJava();
        for (int i = 0; i < 500; i++) {
            ClientCall<Integer> call = h.track(ClientCall.start(h.client, Reply.INT,
                    p -> h.fx.WinRpcFixture_Sleep(p, bd.handle(), -1)));
            ControlledServer.Accepted s = srv.next();
            CyclicBarrier go = new CyclicBarrier(2);
            AtomicReference<Throwable> completeThrew = new AtomicReference<>();
            AtomicReference<Throwable> abortThrew = new AtomicReference<>();
            Thread t1 = new Thread(() -> {
                await(go);
                try {
                    s.call.complete(1);
                } catch (Throwable t) {
                    completeThrew.set(t);
                }
            });
            Thread t2 = new Thread(() -> {
                await(go);
                try {
                    s.call.abort(FAULT);
                } catch (Throwable t) {
                    abortThrew.set(t);
                }
            });
            t1.start();
            t2.start();
            t1.join();
            t2.join();
            Throwable r = null;
            Integer v = null;
            try {
                v = call.result().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                r = e.getCause();
            }
            Await.ended(s.call);
            boolean completed = completeThrew.get() == null;
            boolean aborted = abortThrew.get() == null;
            assertTrue(completed != aborted, "round " + i + ": complete " + (completed ? "succeeded" : "threw")
                    + ", abort " + (aborted ? "succeeded" : "threw") + "; the client got "
                    + (r == null ? "reply " + v : r.toString()));
            if (completed) {
                assertEquals(1, v, "round " + i);
            } else {
                rpc(r, FAULT, true);
            }
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A server call whose client goes away as soon as it can be told (right after the
     * subscription the call makes on its dispatcher's thread, just after accept()) must still
     * let go of its registration: else its dispatcher keeps it as a live call, writes
     * into its (finished) RPC_ASYNC_STATE at close, and keeps its own handles open for it. A
     * race, so many rounds, each on fresh dispatchers (where it shows most).
     */
    @Test
    void aServerCallThatEndsWhileBeingAcceptedLetsGoOfItsRegistration() {
        for (int i = 0; i < 40; i++) {
            CallHarness round = new CallHarness();
            try {
                ControlledServer srv = round.javaServer();
                SimControl.SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
                c.in_chunks = 3;
                c.in_chunk_elements = 4;
                c.disconnect_after_chunks = 0;
                // A disconnect before the server subscribed is never told (Windows tells only a
                // subscribed server); the client goes as soon as the subscription is made.
                c.interrupt_when_subscribed = 1;
                int id = PeerClient.start(srv.endpoint(), c);
                ControlledServer.Accepted a = srv.next();
                assertEquals(RpcErrors.RPC_S_CALL_FAILED, PeerClient.await(id, 20_000).status);
                Await.failure(a.call);
                Await.ended(a.call);
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (!a.call.registration.isClosed() && System.nanoTime() < deadline) {
                    Await.quiet(1);
                }
                assertTrue(a.call.registration.isClosed(), "round " + i + ": " + a.call
                        + " ended but never closed " + a.call.registration);
                assertEquals(0, round.server.registeredCalls(), "round " + i);
            } finally {
                round.close();
            }
        }
    }

    /** A client call's result is a view: cancelling it does not touch the call. */
    @Test
    void theResultIsAView() {
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toPeer(), in);
        assertTrue(call.result().cancel(true));
        in.send(chunk(1, 2));
        in.finish();
        Await.ended(call);
        Tables.assertPath(Tables.path("C WS P WS NP WCOMP COMP END"), call);
        assertTrue(call.result().isCancelled());
    }
}
