package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.chunk;
import static dev.winrpc.async.call.Calls.receiveAll;
import static dev.winrpc.async.call.Calls.rpc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.pipe.IllegalPipeTransitionException;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.RawCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The defects the reliability issue found by misusing the public API, each as the class of bug
 * it is: a server's failure must never reach its client as success, a misuse must never crash
 * the JVM or touch another call, and a refused operation must end or give back what it took.
 */
class ReliabilityTest {

    private static final int FAULT = 0x3456;

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

    /**
     * A server that reads its in pipe to the end and then aborts: the abort is refused (the call
     * was seen in Comp, which can only complete) or carried out, never lost. It was lost in
     * about 80% of the calls: decided on the caller's thread, it met Comp on the dispatcher's,
     * which completed with an empty reply, and the client got RPC_S_OK and 0.
     */
    @Test
    void anAbortAfterTheLastPullIsNeverLost() {
        ControlledServer srv = h.javaServer();
        for (int i = 0; i < 60; i++) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> client = h.sum(h.toJava(), in);
            ControlledServer.Accepted s = srv.next();
            in.send(chunk(i, 3));
            in.finish();
            assertEquals(1, receiveAll(s.in).size());
            boolean accepted;
            try {
                s.call.abort(FAULT);
                accepted = true;
            } catch (IllegalPipeTransitionException refused) {
                assertEquals(PipeState.COMP, refused.state());
                accepted = false;
                s.call.complete(7);
            }
            if (accepted) {
                rpc(Await.failure(client), FAULT, true);
                rpc(Await.failure(s.call), FAULT, true);
            } else {
                assertEquals(7, Await.value(client));
            }
            Await.ended(s.call);
        }
    }

    /**
     * The race made certain: the abort is accepted while the call is still in its pull state
     * (the dispatcher's thread is held), and the call reaches Comp before the abort is carried
     * out. Comp has no "To fail": the abort is carried out there, with RpcAsyncAbortCall in
     * place of RpcAsyncCompleteCall; the client gets the fault, never RPC_S_OK.
     */
    @Test
    void anAbortAcceptedBeforeCompIsCarriedOutInComp() throws Exception {
        ControlledServer srv = h.javaServer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> client = h.sum(h.toJava(), in);
        ControlledServer.Accepted s = srv.next();
        in.send(chunk(1, 3));
        Await.value(in.finish()); // the end has reached the server: its send completed
        assertEquals(3, Await.value(s.in.receive()).length);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        h.server.execute(() -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(held.await(10, TimeUnit.SECONDS));
        s.in.receive(); // the end: the table goes to Comp when this runs
        assertEquals(PipeState.P, s.call.state());
        s.call.abort(FAULT); // accepted: P has "To fail"
        release.countDown();
        rpc(Await.failure(client), FAULT, true);
        rpc(Await.failure(s.call), FAULT, true);
        assertEquals(List.of(PipeState.D, PipeState.P, PipeState.P, PipeState.COMP, PipeState.END), s.call.path(),
                "the abort was carried out in Comp");
    }

    /** The same on an out pipe: finish() then abort() (it was lost every time). */
    @Test
    void anAbortAfterTheNullPushIsNeverLost() {
        ControlledServer srv = h.javaServer();
        for (int i = 0; i < 40; i++) {
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> client = h.range(h.toJava(), 0, 5, out);
            ControlledServer.Accepted s = srv.next();
            s.out.send(chunk(i, 5));
            s.out.finish();
            boolean accepted;
            try {
                s.call.abort(FAULT);
                accepted = true;
            } catch (IllegalPipeTransitionException refused) {
                accepted = false;
                s.call.complete(5);
            }
            Calls.drain(out);
            if (accepted) {
                rpc(Await.failure(client), FAULT, true);
            } else {
                assertEquals(5, Await.value(client));
            }
            Await.ended(s.call);
        }
    }

    /**
     * A chunk larger than one push may carry is refused before anything native happens, and the
     * pipe goes on (the reliability issue: the runtime refused it, and the call was stranded).
     */
    @Test
    void aChunkTooLargeForOnePushIsRefusedAndThePipeGoesOn() {
        PipeCodec<int[]> claimsTooMuch = new PipeCodec<>("int", 4) {
            @Override
            public int count(int[] chunk) {
                return chunk.length == 1 ? PipeWriter.MAX_CHUNK_ELEMENTS + 1 : chunk.length;
            }

            @Override
            public void encode(int[] chunk, com.sun.jna.Pointer buf) {
                buf.write(0, chunk, 0, chunk.length);
            }

            @Override
            public int[] decode(com.sun.jna.Pointer buf, int count) {
                return buf.getIntArray(0, count);
            }
        };
        PipeWriter<int[]> in = PipeWriter.of(claimsTooMuch);
        ClientCall<Integer> call = h.sum(h.toPeer(), in);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> in.send(new int[1]));
        assertTrue(e.getMessage().contains("split it"), e.getMessage());
        in.send(new int[] {20, 22});
        in.finish();
        assertEquals(42, Await.value(call));
    }

    /**
     * A reply that cannot be written is refused to complete's caller, and the decision is
     * undone (it used to fail only in the exception handler, and the client got RPC_S_OK and 0).
     */
    @Test
    void aReplyThatCannotBeWrittenIsRefusedOnTheCallersThread() {
        ControlledServer srv = h.javaServer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> client = h.sum(h.toJava(), in);
        ControlledServer.Accepted s = srv.next();
        in.finish();
        assertEquals(0, receiveAll(s.in).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.call.complete(null));
        assertTrue(e.getMessage().contains("cannot be written"), e.getMessage());
        s.call.complete(42);
        assertEquals(42, Await.value(client));
        assertEquals(42, Await.value(s.call));
    }

    /**
     * Accepting the same asynchronous handle twice: the second is refused before anything is
     * touched, and the first call goes on (it used to abort the live call under the first).
     */
    @Test
    void aSecondAcceptOfOneCallIsRefusedAndTheFirstGoesOn() {
        List<Throwable> second = new CopyOnWriteArrayList<>();
        ControlledServer srv = h.javaServer(PipeReader.DEFAULT_CHUNK_ELEMENTS, a -> {
            try {
                // The same handle, and even the first call's own pipe end.
                ServerCall.builder(h.server, Reply.INT, a.dispatch.pAsync).receive(a.in, a.dispatch.inPipe).accept();
            } catch (IllegalStateException refused) {
                second.add(refused);
            }
        });
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> client = h.sum(h.toJava(), in);
        ControlledServer.Accepted s = srv.next();
        assertEquals(1, second.size(), "the second accept was refused");
        assertTrue(second.get(0).getMessage().contains("accepted already"), second.get(0).getMessage());
        in.send(chunk(1, 4));
        in.finish();
        List<int[]> got = receiveAll(s.in);
        s.call.complete(Calls.sum(got));
        assertEquals(Calls.sum(got), Await.value(client));
    }

    /**
     * A client stub that throws after the runtime took the call: the call is cancelled and
     * completed, and fails with what the stub threw. It used to be taken as "not started": the
     * state was unpinned while the runtime still wrote it, and under GC the JVM died.
     */
    @Test
    void aStubThatThrowsAfterStartingTheCallEndsItCleanly() {
        reportsChecked = true;
        Binding b = h.toPeer();
        List<ClientCall<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            IllegalStateException boom = new IllegalStateException("the stub threw after starting the call");
            ClientCall<Integer> c = ClientCall.start(h.client, Reply.INT, p -> {
                h.fx.WinRpcFixture_Sleep(p, b.handle(), -1);
                throw boom;
            });
            calls.add(c);
            assertSame(boom, Await.failure(c));
        }
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        for (ClientCall<Integer> c : calls) {
            Await.ended(c);
            assertTrue(c.path().contains(PipeState.CAN), c.path().toString());
            assertTrue(c.registration.isClosed());
        }
    }

    /** A stub that says it started a call it did not start: refused, the runtime untouched. */
    @Test
    void aStubThatReturnsOkWithoutACallIsRefused() {
        ClientCall<Integer> c = ClientCall.start(h.client, Reply.INT, p -> RpcErrors.RPC_S_OK);
        Throwable t = Await.failure(c);
        assertInstanceOf(IllegalStateException.class, t);
        assertTrue(t.getMessage().contains("no call"), t.getMessage());
        assertEquals(List.of(PipeState.C, PipeState.END), c.path());
    }

    /**
     * A start the dispatcher refuses gives back what it took (the reliability issue: pipe ends
     * and [out] parameters were used up by a refused start).
     */
    @Test
    void aRefusedStartGivesItsOutParameterBack() {
        List<RawCall> full = new ArrayList<>();
        try (Dispatcher events = new EventDispatcher(); Binding b = h.toPeer()) {
            for (int i = 0; i < EventDispatcher.MAX_CALLS; i++) {
                full.add(new RawCall().register(events));
            }
            OutParam out = OutParam.clientInt();
            assertThrows(IllegalStateException.class, () -> ClientCall.builder(events, Reply.INT).out(out)
                    .start(ctx -> h.fx.WinRpcFixture_Add(ctx.pAsync(), b.handle(), 1, 2)));
            full.remove(0).registration().close();
            ClientCall<Integer> c = ClientCall.builder(events, Reply.INT).out(out)
                    .start(ctx -> h.fx.WinRpcFixture_Add(ctx.pAsync(), b.handle(), 1, 2));
            assertEquals(3, Await.value(c));
        } finally {
            for (RawCall c : full) {
                c.registration().close();
            }
        }
    }

    /**
     * Starting calls while another thread closes the dispatcher: each start returns a call that
     * ends, or throws DispatcherClosedException (it used to throw a raw
     * RejectedExecutionException, cancel states with no call, and leave registrations pinned);
     * the oracle then finds no misuse and nothing left.
     */
    @Test
    void startsRacingACloseEndOrAreRefusedCleanly() throws Exception {
        reportsChecked = true;
        Binding b = h.toPeer();
        for (int round = 0; round < 30; round++) {
            Dispatcher d = new ApcDispatcher();
            d.setExceptionHandler(t -> { });
            List<ClientCall<Integer>> started = new CopyOnWriteArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            Thread closer = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                d.close();
            });
            closer.start();
            go.countDown();
            for (int i = 0; i < 50; i++) {
                try {
                    started.add(ClientCall.start(d, Reply.INT, p -> h.fx.WinRpcFixture_Add(p, b.handle(), 1, 1)));
                } catch (DispatcherClosedException refused) {
                    assertTrue(d.isClosed());
                }
            }
            closer.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(closer.isAlive());
            for (ClientCall<Integer> c : started) {
                Await.ended(c);
                assertTrue(c.registration.isClosed(), c.toString());
                assertTrue(c.result().isDone());
            }
        }
        assertEquals(0, Dispatcher.stalePinned());
    }

    /**
     * A wait for a call's future on the dispatcher thread that completes it would never end
     * (the reliability issue: "a handler that blocks on another call of its own dispatcher
     * deadlocks without a word"). It is refused with a message that says why, for the future
     * and for stages made from it; a future already complete is answered.
     */
    @Test
    void aWaitOnTheThreadThatCompletesTheFutureIsRefused() throws Exception {
        Binding b = h.toPeer();
        ClientCall<Integer> sleeping = ClientCall.start(h.client, Reply.INT, p -> h.fx.WinRpcFixture_Sleep(p, b.handle(), 10_000));
        java.util.concurrent.CompletableFuture<List<String>> refused = new java.util.concurrent.CompletableFuture<>();
        h.client.execute(() -> {
            List<String> messages = new ArrayList<>();
            for (Runnable wait : List.<Runnable>of(
                    () -> sleeping.result().join(),
                    () -> sleeping.result().thenApply(v -> v + 1).join(),
                    () -> {
                        try {
                            sleeping.result().get(1, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new AssertionError("not refused: " + e, e);
                        }
                    })) {
                try {
                    wait.run();
                    messages.add("returned");
                } catch (IllegalStateException e) {
                    messages.add(e.getMessage());
                } catch (Throwable t) {
                    messages.add("wrong: " + t);
                }
            }
            refused.complete(messages);
        });
        List<String> messages = refused.get(10, TimeUnit.SECONDS);
        assertEquals(3, messages.size(), messages.toString());
        for (String m : messages) {
            assertTrue(m.contains("would wait for ever"), m);
        }
        sleeping.cancel(true);
        Await.failure(sleeping);
        java.util.concurrent.CompletableFuture<Throwable> afterwards = new java.util.concurrent.CompletableFuture<>();
        h.client.execute(() -> afterwards.complete(sleeping.result()
                .handle((v, t) -> t instanceof java.util.concurrent.CompletionException ? t.getCause() : t).join()));
        assertInstanceOf(dev.winrpc.async.RpcException.class, afterwards.get(10, TimeUnit.SECONDS),
                "a complete future is answered on the dispatcher thread too");
    }
}
