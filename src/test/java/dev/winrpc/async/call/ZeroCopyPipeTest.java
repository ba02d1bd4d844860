package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.SimControl;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The zero-copy pipe ends: {@link PipeWriter#zeroCopy} sends {@link PipeBlock}s in place and
 * gives each back to its {@link PipeBlocks} pool only once the runtime has sent it (memory the
 * runtime may still read stays out of the application's hands), {@link PipeReader#lending} lends
 * each pulled buffer as a {@link PipeView} that is unreadable once its callback returned, both on
 * the client and on the server side, with the callbacks on the dispatcher's thread. The
 * simulator's oracle (checked after each test) sees no pipe misuse.
 */
class ZeroCopyPipeTest {

    private CallHarness h;

    @BeforeEach
    void open() {
        h = new CallHarness();
    }

    @AfterEach
    void close() {
        h.closeChecked(false);
    }

    private ClientCall<Integer> sum(Binding b, PipeWriter<?> in) {
        return h.track(ClientCall.builder(h.client, Reply.INT).send(in)
                .start(ctx -> h.fx.WinRpcFixture_PipeSum(ctx.pAsync(), b.handle(), ctx.inPipe())));
    }

    private ClientCall<Integer> range(Binding b, int start, int count, PipeReader<?> out) {
        return h.track(ClientCall.builder(h.client, Reply.INT).receive(out)
                .start(ctx -> h.fx.WinRpcFixture_PipeRange(ctx.pAsync(), b.handle(), start, count, ctx.outPipe())));
    }

    private static PipeBlock filled(PipeBlocks pool, int first, int n) throws InterruptedException {
        PipeBlock b = pool.acquire();
        for (int i = 0; i < n; i++) {
            b.setInt(4L * i, first + i);
        }
        return b.count(n);
    }

    private static int rangeSum(int first, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += first + i;
        }
        return s;
    }

    /**
     * The stream of the refill tests: the next free block (one is back when onReturn runs) with
     * the next 64 values, counted in next[0].
     */
    private static PipeBlock nextBlock(PipeBlocks pool, int[] next) {
        PipeBlock b = pool.tryAcquire();
        assertNotNull(b, "a block is back when onReturn runs");
        for (int i = 0; i < 64; i++) {
            b.setInt(4L * i, next[0]++);
        }
        return b.count(64);
    }

    /** From onReturn: sends the next block while the stream has chunks left, then finishes the pipe once. */
    private static void sendNextOrFinish(PipeWriter<?> in, int[] next, int chunks, Runnable sendNext) {
        if (next[0] < 64 * chunks) {
            sendNext.run();
        } else if (next[0] == 64 * chunks) {
            next[0]++;
            in.finish();
        }
    }

    /** Runs on the client's dispatcher thread, where the pipe engine's state lives. */
    private <T> T onClient(java.util.function.Supplier<T> what) {
        CompletableFuture<T> t = new CompletableFuture<>();
        h.client.execute(() -> t.complete(what.get()));
        return Await.value(t);
    }

    /** The thread the client's dispatcher delivers on. */
    private Thread clientThread() {
        CompletableFuture<Thread> t = new CompletableFuture<>();
        h.client.execute(() -> t.complete(Thread.currentThread()));
        return Await.value(t);
    }

    @Test
    void aSentBlockStaysOutOfItsPoolUntilItsSendComplete() throws Exception {
        // Back-pressure with a window of one block: the second push is accepted but not sent
        // (no RpcSendComplete) until the server pulls, which it does only when the test says.
        h.sim.sim_set_behaviours(h.sim.sim_behaviours() | SimControl.SIM_BEHAVIOUR_BACK_PRESSURE);
        h.sim.sim_set_pipe_window(100);
        ControlledServer srv = h.javaServer();
        try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 100, 3)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            ClientCall<Integer> call = sum(h.toJava(), in);
            ControlledServer.Accepted s = srv.next();
            PipeBlock a = filled(pool, 0, 100);
            PipeBlock b = filled(pool, 100, 100);
            CompletableFuture<Void> aSent = in.send(a);
            CompletableFuture<Void> bSent = in.send(b);
            Await.value(aSent);
            assertFalse(a.isHeld());
            // b pushed: off the writer's queue, in flight (read on the dispatcher's thread).
            Await.until("b pushed", () -> onClient(() -> in.queue.isEmpty() && in.inFlight.size() == 1));
            // b is pushed and not sent: the runtime may read it; it is neither in the pool nor
            // writable, and cannot be sent again.
            assertFalse(bSent.isDone(), "b's send completed before the server pulled: " + call.path());
            assertEquals(2, pool.available(), "a came back; b did not");
            assertThrows(IllegalStateException.class, () -> b.setInt(0, 7));
            assertThrows(IllegalStateException.class, () -> in.send(b));
            b.close(); // not the application's: does nothing
            assertEquals(2, pool.available());
            int[] got = Await.value(s.in.receive());
            assertEquals(0, got[0]);
            Await.value(bSent);
            assertEquals(3, pool.available(), "b is back once sent");
            in.finish();
            int total = got.length;
            for (int[] c; (c = Await.value(s.in.receive())) != null; ) {
                total += c.length;
            }
            s.call.complete(total);
            assertEquals(200, Await.value(call));
        }
    }

    @Test
    void zeroCopyEndsHaveAnElementSizeAndNoCodec() {
        // A zero-copy end neither encodes nor decodes: it offers no codec whose methods could
        // only fail, just the element size its blocks and views are measured in.
        PipeWriter<PipeBlock> w = PipeWriter.zeroCopy(PipeCodec.INTS);
        PipeReader<PipeView> r = PipeReader.lending(24, 16);
        assertTrue(w.codec().isEmpty());
        assertTrue(r.codec().isEmpty());
        assertTrue(r.lends());
        assertEquals(4, w.elementSize());
        assertEquals(24, r.elementSize());
        assertSame(PipeCodec.INTS, PipeWriter.of(PipeCodec.INTS).codec().orElseThrow());
        assertSame(PipeCodec.BYTES, PipeReader.of(PipeCodec.BYTES).codec().orElseThrow());
        assertFalse(PipeReader.of(PipeCodec.BYTES).lends());
        assertEquals(1, PipeReader.of(PipeCodec.BYTES).elementSize());
        assertTrue(w.toString().contains("pipe int, zero-copy blocks"), w.toString());
        assertThrows(IllegalArgumentException.class, () -> PipeWriter.zeroCopy(0));
        assertThrows(IllegalArgumentException.class, () -> PipeReader.lending(0, 16));
    }

    @Test
    void blocksAreCheckedBeforeAnythingNative() throws Exception {
        try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 10, 1);
                PipeBlocks bytes = PipeBlocks.allocate(PipeCodec.BYTES, 10, 1)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            PipeBlock b = pool.acquire();
            assertThrows(IllegalStateException.class, () -> in.send(b.count(1)), "not attached to a call");
            assertTrue(b.isHeld(), "a refused send leaves the block with the caller");
            assertNull(pool.tryAcquire(), "the only block is held");
            assertThrows(IndexOutOfBoundsException.class, () -> b.setInt(40, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> b.setInt(-1, 1));
            assertThrows(IllegalArgumentException.class, () -> b.count(11));
            assertThrows(IllegalArgumentException.class, () -> b.count(0));
            b.close();
            assertThrows(IllegalStateException.class, () -> b.setInt(0, 1), "closed: back in the pool");
            assertEquals(1, pool.available());

            ClientCall<Integer> call = sum(h.toPeer(), in);
            PipeBlock empty = pool.acquire();
            assertThrows(IllegalArgumentException.class, () -> in.send(empty), "no count set");
            PipeBlock wrong = bytes.acquire().count(4);
            assertThrows(IllegalArgumentException.class, () -> in.send(wrong), "1-byte elements on a pipe int");
            wrong.close();
            empty.setInt(0, 41);
            Await.value(in.send(empty.count(1)));
            assertThrows(IllegalStateException.class, () -> in.send(empty), "sent, and back in the pool");
            in.finish();
            assertEquals(41, Await.value(call));
        }
        PipeBlocks closed = PipeBlocks.allocate(1, 1, 1);
        closed.close();
        assertThrows(IllegalStateException.class, closed::tryAcquire);
        assertThrows(IllegalArgumentException.class, () -> PipeBlocks.allocate(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> PipeBlocks.allocate(4, PipeWriter.MAX_CHUNK_ELEMENTS + 1, 1));
    }

    @Test
    void blocksComeBackWhenTheCallFails() throws Exception {
        h.sim.sim_set_behaviours(h.sim.sim_behaviours() | SimControl.SIM_BEHAVIOUR_BACK_PRESSURE);
        h.sim.sim_set_pipe_window(50);
        ControlledServer srv = h.javaServer();
        try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 50, 3)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            ClientCall<Integer> call = sum(h.toJava(), in);
            ControlledServer.Accepted s = srv.next();
            List<CompletableFuture<Void>> sent = List.of(in.send(filled(pool, 0, 50)),
                    in.send(filled(pool, 50, 50)), in.send(filled(pool, 100, 50)));
            Await.value(sent.get(0));
            call.cancel(false);
            Await.failure(call.result());
            for (int i = 1; i < 3; i++) {
                Await.failure(sent.get(i));
            }
            assertEquals(3, pool.available(), "the call ended: the runtime has let go of every block");
            Await.failure(s.call.result());
        }
    }

    @Test
    void aLentViewIsUnreadableAfterItsCallbackOnTheDispatcherThread() {
        PipeReader<PipeView> out = PipeReader.lending(PipeCodec.INTS, 1000);
        assertTrue(out.lends());
        ClientCall<Integer> call = range(h.toPeer(), 5, 4500, out);
        assertThrows(IllegalStateException.class, out::receive, "a future's chunk would outlive its callback");
        List<PipeView> lent = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        long[] sum = new long[1];
        int[] next = {5};
        List<String> wrong = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = out.forEach(v -> {
            threads.add(Thread.currentThread());
            assertTrue(v.isLive());
            for (int i = 0; i < v.count(); i++) {
                int x = v.getInt(4L * i);
                if (x != next[0]++) {
                    wrong.add("element " + x);
                }
                sum[0] += x;
            }
            lent.add(v);
        });
        Await.value(done);
        assertEquals(4500, Await.value(call));
        assertEquals(List.of(), wrong);
        assertEquals(rangeSum(5, 4500), (int) sum[0]);
        assertEquals(4500, lent.stream().mapToInt(PipeView::count).sum());
        for (PipeView v : lent) {
            assertTrue(v.count() <= 1000, "a pull of at most 1000 elements: " + v);
            assertFalse(v.isLive());
            assertThrows(IllegalStateException.class, () -> v.getInt(0));
            assertThrows(IllegalStateException.class, () -> v.read(0, new int[1], 0, 1));
        }
        Thread dispatcher = clientThread();
        for (Thread t : threads) {
            assertSame(dispatcher, t, "a lent view is given on the dispatcher's thread");
        }
    }

    @Test
    void aThrowingCallbackFailsTheCall() {
        PipeReader<PipeView> out = PipeReader.lending(4, 100);
        ClientCall<Integer> call = range(h.toPeer(), 0, 1000, out);
        CompletableFuture<Void> done = out.forEach(v -> {
            throw new IllegalStateException("the application's bug");
        });
        Await.failure(done);
        Await.failure(call.result());
        assertEquals(1, h.clientReports.size(), () -> "reported: " + h.clientReports);
        h.clientReports.clear();
    }

    @Test
    void aServerSendsBlocksAndReadsLentViews() throws Exception {
        ControlledServer srv = h.javaServer();
        List<Throwable> problems = new CopyOnWriteArrayList<>();
        List<PipeView> lent = new CopyOnWriteArrayList<>();
        try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 300, 2)) {
            srv.handler(d -> {
                ServerCall.Builder<Integer> b = ServerCall.builder(h.server, Reply.INT, d.pAsync);
                if (d.op == SimControl.SIM_OP_PIPE_SUM) {
                    PipeReader<PipeView> in = PipeReader.lending(PipeCodec.INTS, 250);
                    ServerCall<Integer> call = b.receive(in, d.inPipe).accept();
                    srv.record(call);
                    int[] sum = new int[1];
                    in.forEach(v -> {
                        lent.add(v);
                        for (int i = 0; i < v.count(); i++) {
                            sum[0] += v.getInt(4L * i);
                        }
                    }).whenComplete((x, t) -> {
                        if (t == null) {
                            call.complete(sum[0]);
                        } else {
                            problems.add(t);
                        }
                    });
                } else {
                    PipeWriter<PipeBlock> out = PipeWriter.zeroCopy(PipeCodec.INTS);
                    ServerCall<Integer> call = b.send(out, d.outPipe).accept();
                    srv.record(call);
                    call.complete(d.b);
                    new Thread(() -> {
                        try {
                            for (int next = d.a; next < d.a + d.b; ) {
                                int n = Math.min(300, d.a + d.b - next);
                                out.send(filled(pool, next, n));
                                next += n;
                            }
                            out.finish();
                        } catch (Throwable t) {
                            problems.add(t);
                        }
                    }).start();
                }
            });
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            ClientCall<Integer> sum = sum(h.toJava(), in);
            for (int next = 0; next < 2000; next += 400) {
                in.send(filled(pool, next, 300));
                in.send(filled(pool, next + 300, 100));
            }
            in.finish();
            assertEquals(rangeSum(0, 2000), Await.value(sum));

            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS, 512);
            ClientCall<Integer> range = range(h.toJava(), 7, 1234, out);
            List<int[]> got = Calls.receiveAll(out);
            assertEquals(1234, Await.value(range));
            int[] all = Calls.flatten(got);
            assertEquals(1234, all.length);
            for (int i = 0; i < all.length; i++) {
                assertEquals(7 + i, all[i]);
            }
            Await.until("the pool is full again", () -> pool.available() == 2);
        }
        assertEquals(List.of(), problems);
        assertFalse(lent.isEmpty());
        for (PipeView v : lent) {
            assertThrows(IllegalStateException.class, () -> v.getByte(0));
        }
        for (ServerCall<?> c : srv.calls()) {
            assertNotNull(Await.value(c.result()));
        }
    }

    @Test
    void oneBlockRefilledEachTimeItComesBackOnTheDispatcherThread() throws Exception {
        try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 64, 1)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            ClientCall<Integer> call = sum(h.toPeer(), in);
            List<CompletableFuture<Void>> sends = new CopyOnWriteArrayList<>();
            List<Thread> returnedOn = new CopyOnWriteArrayList<>();
            int[] next = {0};
            Runnable sendNext = () -> {
                sends.add(in.send(nextBlock(pool, next)));
            };
            pool.onReturn(() -> {
                returnedOn.add(Thread.currentThread());
                sendNextOrFinish(in, next, 20, sendNext);
            });
            sendNext.run();
            assertEquals(rangeSum(0, 64 * 20), Await.value(call));
            // The stream's path is a few runs, not a list entry per transition.
            assertTrue(call.path.runs() <= 8, call.path.bounded());
            // Each send's own future completed, though its block was sent again before it did.
            assertEquals(20, sends.size());
            sends.forEach(Await::value);
            Thread dispatcher = clientThread();
            assertEquals(20, returnedOn.size());
            returnedOn.forEach(t -> assertSame(dispatcher, t));
        }
    }

    @Test
    void aSentBlockComesBackOnlyOnceTheNextQueuedOneIsPushed() throws Exception {
        // Two blocks, each refilled and sent again when it comes back: while the application
        // refills one, the runtime already has the other (pushed before the RpcSendComplete of
        // the first gave it back), so the refill overlaps the transfer. A block is still back
        // only after its own send completed.
        int chunks = 20;
        try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 64, 2)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            ClientCall<Integer> call = sum(h.toPeer(), in);
            List<CompletableFuture<Void>> sends = new CopyOnWriteArrayList<>();
            List<String> atReturn = new CopyOnWriteArrayList<>();
            int[] next = {0};
            Runnable sendNext = () -> {
                sends.add(in.send(nextBlock(pool, next)));
            };
            pool.onReturn(() -> {
                // On the dispatcher's thread: the writer's lists are readable here.
                atReturn.add(in.inFlight.size() + " in flight, " + in.queue.size() + " queued");
                sendNextOrFinish(in, next, chunks, sendNext);
            });
            // Both first sends on the dispatcher's thread, so that the first cannot have been
            // sent and given back before the second is queued.
            h.client.execute(() -> {
                sendNext.run();
                sendNext.run();
            });
            assertEquals(rangeSum(0, 64 * chunks), Await.value(call));
            assertEquals(chunks, atReturn.size());
            for (int i = 0; i < chunks - 1; i++) {
                assertEquals("1 in flight, 0 queued", atReturn.get(i), "return " + i + " of " + atReturn);
            }
            assertEquals("0 in flight, 0 queued", atReturn.get(chunks - 1), "the last block, nothing after it");
            sends.forEach(Await::value);
        }
    }

    @Test
    void postedBlocksAreSentWithoutAFutureAndComeBackToTheirPool() throws Exception {
        // post: no future per block; the pool's onReturn, on the dispatcher's thread, says that
        // the runtime is done with each block, and the call's result says how the pipe went.
        int chunks = 30;
        try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 64, 2)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            ClientCall<Integer> call = sum(h.toPeer(), in);
            List<Thread> returnedOn = new CopyOnWriteArrayList<>();
            int[] next = {0};
            Runnable postNext = () -> {
                PipeBlock b = nextBlock(pool, next);
                in.post(b);
                assertThrows(IllegalStateException.class, () -> in.post(b), "a block posted is not held any more");
            };
            pool.onReturn(() -> {
                returnedOn.add(Thread.currentThread());
                sendNextOrFinish(in, next, chunks, postNext);
            });
            h.client.execute(() -> {
                postNext.run();
                postNext.run();
            });
            assertEquals(rangeSum(0, 64 * chunks), Await.value(call));
            assertEquals(chunks, returnedOn.size(), "every posted block came back once");
            Thread dispatcher = clientThread();
            returnedOn.forEach(t -> assertSame(dispatcher, t));
            assertEquals(2, pool.available());
            PipeBlock late = pool.acquire().count(1);
            IllegalStateException finished = assertThrows(IllegalStateException.class, () -> in.post(late));
            assertTrue(finished.getMessage().contains("finished"), finished.getMessage());
            assertTrue(late.isHeld(), "the refused block is still the caller's");
            late.close();
            assertEquals(2, pool.available());
        }
    }

    @Test
    void postedBlocksComeBackWhenTheCallFails() throws Exception {
        h.sim.sim_set_behaviours(h.sim.sim_behaviours() | SimControl.SIM_BEHAVIOUR_BACK_PRESSURE);
        h.sim.sim_set_pipe_window(50);
        ControlledServer srv = h.javaServer();
        try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 50, 3)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            ClientCall<Integer> call = sum(h.toJava(), in);
            ControlledServer.Accepted s = srv.next();
            in.post(filled(pool, 0, 50));
            in.post(filled(pool, 50, 50));
            in.post(filled(pool, 100, 50));
            Await.until("the first block back", () -> pool.available() == 1);
            call.cancel(false);
            Await.failure(call.result());
            Await.until("every block back", () -> pool.available() == 3);
            Await.failure(s.call.result());
        }
    }

    @Test
    void aPostedCopyIsSentLikeASentOne() {
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = sum(h.toPeer(), in);
        in.post(new int[] {1, 2, 3});
        CompletableFuture<Void> sent = in.send(new int[] {4});
        in.post(new int[] {5, 6});
        assertThrows(IllegalArgumentException.class, () -> in.post(new int[0]));
        in.finish();
        assertEquals(21, Await.value(call));
        assertTrue(sent.isDone() && !sent.isCompletedExceptionally());
    }

    @Test
    void anOnReturnThatThrowsFailsTheCall() throws Exception {
        try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 8, 1)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            ClientCall<Integer> call = sum(h.toPeer(), in);
            pool.onReturn(() -> {
                throw new IllegalStateException("the application's bug");
            });
            PipeBlock b = filled(pool, 0, 8);
            in.send(b);
            Await.failure(call.result());
            assertEquals(1, h.clientReports.size(), () -> "reported: " + h.clientReports);
            h.clientReports.clear();
            assertEquals(1, pool.available(), "the block came back before its listener threw");
        }
    }
}
