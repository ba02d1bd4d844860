package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.assertSameData;
import static dev.winrpc.async.call.Calls.chunk;
import static dev.winrpc.async.call.Calls.chunks;
import static dev.winrpc.async.call.Calls.rpc;
import static dev.winrpc.async.call.Calls.sendAll;
import static dev.winrpc.async.call.Calls.sum;
import static dev.winrpc.async.call.Tables.assertPath;
import static dev.winrpc.async.call.Tables.path;
import static dev.winrpc.async.call.Tables.rep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Flow forms of the pipes: {@link PipeWriter#subscriber()} fed by publishers (one chunk
 * requested at a time, onError failing the call), {@link PipeReader#publisher()} pulling only as
 * its subscriber requests (back-pressure: chunks delivered never exceed chunks requested, and no
 * pull is made ahead of demand, which the simulator's buffered-chunk counter shows), and
 * application code (a subscriber) that throws, which takes the table's "To fail" path.
 */
class FlowFormsTest {

    private final SimControl sim = Simulator.control();
    private CallHarness h;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void open() {
        h = new CallHarness();
    }

    @AfterEach
    void close() {
        try {
            h.close();
        } finally {
            executor.shutdownNow();
        }
    }

    /** A subscriber that requests only when the test says, and checks it never gets more. */
    static class Holding implements Flow.Subscriber<int[]> {
        volatile Flow.Subscription subscription;
        final List<int[]> items = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();
        final AtomicLong requested = new AtomicLong();
        final List<String> violations = new CopyOnWriteArrayList<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        void request(long n) {
            requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            subscription.request(n);
        }

        @Override
        public void onNext(int[] item) {
            items.add(item);
            if (items.size() > requested.get()) {
                violations.add("chunk " + items.size() + " delivered with " + requested.get() + " requested");
            }
        }

        @Override
        public void onError(Throwable t) {
            end.complete(t);
        }

        @Override
        public void onComplete() {
            end.complete(null);
        }
    }

    /** A publisher of fixed chunks that records every request and what is outstanding. */
    final class CountingPublisher implements Flow.Publisher<int[]> {
        final List<int[]> items;
        final Throwable failAtEnd;
        final List<Long> requests = new CopyOnWriteArrayList<>();
        long requested;
        int delivered;
        long maxOutstanding;
        boolean done;

        CountingPublisher(List<int[]> items, Throwable failAtEnd) {
            this.items = items;
            this.failAtEnd = failAtEnd;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super int[]> s) {
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requests.add(n);
                    executor.execute(() -> {
                        synchronized (CountingPublisher.this) {
                            requested += n;
                            maxOutstanding = Math.max(maxOutstanding, requested - delivered);
                            while (delivered < requested && delivered < items.size()) {
                                s.onNext(items.get(delivered++));
                            }
                            if (delivered == items.size() && !done) {
                                done = true;
                                if (failAtEnd != null) {
                                    s.onError(failAtEnd);
                                } else {
                                    s.onComplete();
                                }
                            }
                        }
                    });
                }

                @Override
                public void cancel() {
                    requests.add(-1L);
                }
            });
        }
    }

    private static int countP(AsyncCall<?> call) {
        int n = 0;
        for (PipeState s : call.path()) {
            if (s == PipeState.P) {
                n++;
            }
        }
        return n;
    }

    private long bufferedChunks() {
        return sim.sim_counter(SimControl.SIM_COUNT_PIPE_BUFFERS);
    }

    // ---- PipeWriter.subscriber() -----------------------------------------------------------------

    @Test
    void writerSubscriberFedBySubmissionPublisher() {
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toPeer(), in);
        List<int[]> data = chunks(5, 64);
        try (SubmissionPublisher<int[]> pub = new SubmissionPublisher<>()) {
            pub.subscribe(in.subscriber());
            data.forEach(pub::submit);
        }
        assertEquals(sum(data), Await.value(call));
        assertPath(path("C WS", rep(5, "P WS"), "NP WCOMP COMP END"), call);
    }

    @Test
    void writerSubscriberRequestsOneChunkAtATime() {
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toPeer(), in);
        List<int[]> data = chunks(6, 10);
        CountingPublisher pub = new CountingPublisher(data, null);
        pub.subscribe(in.subscriber());
        assertEquals(sum(data), Await.value(call));
        assertEquals(1, pub.maxOutstanding, "chunks requested and not yet delivered, at most");
        for (long n : pub.requests) {
            assertEquals(1, n, "every request is for one chunk: " + pub.requests);
        }
        assertEquals(data.size() + 1, pub.requests.size(), "one request per chunk, and one for the end");
    }

    /** onError: the client cancels (Can); the result fails with the publisher's error. */
    @Test
    void writerSubscriberOnErrorCancelsTheCall() {
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toPeer(), in);
        IllegalStateException boom = new IllegalStateException("the source failed");
        new CountingPublisher(chunks(2, 10), boom).subscribe(in.subscriber());
        assertSame(boom, Await.failure(call));
        assertPath(path("C WS P WS P WS CAN WCOMP COMP END"), call);
    }

    /** A server's out pipe fed by a publisher that fails: the server aborts (A). */
    @Test
    void serverWriterSubscriberOnErrorAbortsTheCall() {
        ControlledServer srv = h.javaServer();
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
        ControlledServer.Accepted s = srv.next();
        IllegalStateException boom = new IllegalStateException("the server's source failed");
        new CountingPublisher(chunks(1, 10), boom).subscribe(s.out.subscriber());
        assertSame(boom, Await.failure(s.call));
        assertPath(path("D P WP A END"), s.call);
        rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
    }

    // ---- PipeReader.publisher() ------------------------------------------------------------------

    /**
     * Five chunks have arrived at the client; a subscriber that requests one, then two, gets
     * exactly that many, the call pulls exactly that many (one P per chunk on its path), and
     * the rest stay buffered in the simulator until requested.
     */
    @Test
    void readerPublisherPullsOnlyWhatIsRequested() {
        ControlledServer srv = h.javaServer();
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
        ControlledServer.Accepted s = srv.next();
        List<int[]> data = chunks(5, 10);
        sendAll(s.out, data);
        Await.value(s.out.finish());
        s.call.complete(5);
        Holding sub = new Holding();
        out.publisher().subscribe(sub);
        Await.until("subscribed", () -> sub.subscription != null);
        Await.quiet(100);
        assertEquals(0, sub.items.size());
        assertEquals(path("C P"), call.path());
        assertEquals(5, bufferedChunks());

        sub.request(1);
        Await.until("one chunk", () -> sub.items.size() == 1);
        Await.quiet(100);
        assertEquals(1, sub.items.size(), "delivered");
        assertEquals(2, countP(call), "pulls: " + call.path());
        assertEquals(4, bufferedChunks());

        sub.request(2);
        Await.until("three chunks", () -> sub.items.size() == 3);
        Await.quiet(100);
        assertEquals(3, sub.items.size(), "delivered");
        assertEquals(4, countP(call), "pulls: " + call.path());
        assertEquals(2, bufferedChunks());

        sub.request(Long.MAX_VALUE);
        assertNull(Await.value(sub.end));
        assertSameData(data, sub.items);
        assertEquals(List.of(), sub.violations);
        assertEquals(5, Await.value(call));
        assertPath(path("C P", rep(5, "P"), "WCOMP COMP END"), call);
    }

    /** One chunk at a time, requested from another thread, against the scripted C server. */
    @Test
    void readerPublisherOneChunkAtATimeFromTheScriptedServer() {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS, 700);
        ClientCall<Integer> call = h.range(h.toPeer(), 1, 7000, out);
        Holding sub = new Holding() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                super.onSubscribe(s);
                request(1);
            }

            @Override
            public void onNext(int[] item) {
                super.onNext(item);
                executor.execute(() -> {
                    Await.quiet(1);
                    request(1);
                });
            }
        };
        out.publisher().subscribe(sub);
        assertNull(Await.value(sub.end));
        assertEquals(7000, Await.value(call));
        assertEquals(List.of(), sub.violations);
        int[] all = Calls.flatten(sub.items);
        assertEquals(7000, all.length);
        for (int i = 0; i < all.length; i++) {
            assertEquals(1 + i, all[i]);
        }
        assertEquals(sub.items.size(), countP(call) - 1, "one pull per chunk delivered: " + call.path());
        Tables.assertValidWalk(call);
    }

    @Test
    void readerHasOneReader() {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toPeer(), 0, 3000, out);
        Holding first = new Holding();
        Holding second = new Holding();
        out.publisher().subscribe(first);
        out.publisher().subscribe(second);
        assertInstanceOf(IllegalStateException.class, Await.value(second.end));
        assertThrows(IllegalStateException.class, out::receive);
        Await.until("subscribed", () -> first.subscription != null);
        first.request(Long.MAX_VALUE);
        assertNull(Await.value(first.end));
        assertEquals(3000, Await.value(call));
    }

    /** A subscriber that cancels its subscription cancels the call (Can). */
    @Test
    void readerSubscriberThatCancels() {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toPeer(), 0, 5000, out);
        Holding sub = new Holding() {
            @Override
            public void onNext(int[] item) {
                super.onNext(item);
                subscription.cancel();
            }
        };
        out.publisher().subscribe(sub);
        Await.until("subscribed", () -> sub.subscription != null);
        sub.request(5);
        assertInstanceOf(CancellationException.class, Await.failure(call));
        assertEquals(1, sub.items.size());
        Tables.assertValidWalk(call);
        List<PipeState> p = call.path();
        // The chunk came from a pull made in P, or after RpcReceiveComplete in WP; either way
        // the cancel takes that state's "To fail".
        assertEquals(path("CAN WCOMP COMP END"), p.subList(p.size() - 4, p.size()), p.toString());
        assertTrue(Set.of(PipeState.P, PipeState.WP).contains(p.get(p.size() - 5)), p.toString());
    }

    /** request(0) violates Flow's rule 3.9: onError(IllegalArgumentException), and the call fails. */
    @Test
    void readerRequestOfZero() {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toPeer(), 0, 100, out);
        Holding sub = new Holding();
        out.publisher().subscribe(sub);
        Await.until("subscribed", () -> sub.subscription != null);
        sub.request(0);
        assertInstanceOf(IllegalArgumentException.class, Await.value(sub.end));
        assertInstanceOf(IllegalArgumentException.class, Await.failure(call));
        assertPath(path("C P CAN WCOMP COMP END"), call);
    }

    // ---- application code that throws --------------------------------------------------------------

    /** The client's subscriber throws on the second chunk: P's "To fail", Can. */
    @Test
    void clientSubscriberThatThrows() {
        ControlledServer srv = h.javaServer();
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
        ControlledServer.Accepted s = srv.next();
        sendAll(s.out, chunks(3, 4));
        Await.value(s.out.finish());
        IllegalStateException boom = new IllegalStateException("the client's handler failed");
        Holding sub = new Holding() {
            @Override
            public void onNext(int[] item) {
                super.onNext(item);
                if (items.size() == 2) {
                    throw boom;
                }
            }
        };
        out.publisher().subscribe(sub);
        Await.until("subscribed", () -> sub.subscription != null);
        sub.request(Long.MAX_VALUE);
        assertSame(boom, Await.failure(call));
        // The second chunk's pull takes P's "To fail" (the first pull moved P to P).
        assertPath(path("C P P CAN WCOMP COMP END"), call);
        assertTrue(h.clientReports.contains(boom), "reported to the dispatcher's handler: " + h.clientReports);
        // The server, its pipe done, is in Comp waiting for its application, which hears of
        // the cancel and still replies (Comp has no "To fail"); the client, gone, discards it.
        rpc(Await.value(s.call.clientGone()), RpcErrors.RPC_S_CALL_CANCELLED, false);
        assertEquals(PipeState.COMP, s.call.state());
        s.call.complete(0);
        assertEquals(0, Await.value(s.call));
        assertPath(path("D P WP P WP P WP NP WNP COMP END"), s.call);
    }

    /** The server's subscriber throws on a chunk: P's "To fail", A. */
    @Test
    void serverSubscriberThatThrowsOnAChunk() {
        ControlledServer srv = h.javaServer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toJava(), in);
        ControlledServer.Accepted s = srv.next();
        sendAll(in, chunks(2, 4));
        Await.value(in.finish());
        IllegalStateException boom = new IllegalStateException("the server's handler failed");
        Holding sub = new Holding() {
            @Override
            public void onNext(int[] item) {
                super.onNext(item);
                throw boom;
            }
        };
        s.in.publisher().subscribe(sub);
        Await.until("subscribed", () -> sub.subscription != null);
        sub.request(Long.MAX_VALUE);
        assertSame(boom, Await.failure(s.call));
        // The first chunk's own pull takes P's "To fail": no second P.
        assertPath(path("D P A END"), s.call);
        assertTrue(h.serverReports.contains(boom), "reported: " + h.serverReports);
        rpc(Await.failure(call), RpcErrors.RPC_S_CALL_FAILED, false);
    }

    /**
     * The server's subscriber collects the in pipe and throws in onComplete, before it gave a
     * reply: the failure happens while the call pulls its end (P, which has "To fail: go to A").
     * The client must not be told RPC_S_OK with a reply the server never gave.
     */
    @Test
    void serverSubscriberThatThrowsAtTheEnd() {
        ControlledServer srv = h.javaServer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toJava(), in);
        ControlledServer.Accepted s = srv.next();
        sendAll(in, chunks(2, 4));
        Await.value(in.finish());
        IllegalStateException boom = new IllegalStateException("the server's handler failed at the end");
        Holding sub = new Holding() {
            @Override
            public void onComplete() {
                super.onComplete();
                throw boom;
            }
        };
        s.in.publisher().subscribe(sub);
        Await.until("subscribed", () -> sub.subscription != null);
        sub.request(Long.MAX_VALUE);
        assertSame(boom, Await.failure(s.call));
        Await.ended(s.call);
        Tables.assertValidWalk(s.call);
        Throwable clientSaw = Await.failure(call);
        assertInstanceOf(dev.winrpc.async.RpcException.class, clientSaw);
        List<PipeState> p = s.call.path();
        assertEquals(path("A END"), p.subList(p.size() - 2, p.size()), "the server aborts: " + p);
        assertFalse(h.serverReports.isEmpty());
    }

    /** The client's onComplete throws: the call is over by then, its result fails with that. */
    @Test
    void clientSubscriberThatThrowsAtTheEnd() {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toPeer(), 0, 10, out);
        IllegalStateException boom = new IllegalStateException("the client's handler failed at the end");
        Holding sub = new Holding() {
            @Override
            public void onComplete() {
                super.onComplete();
                throw boom;
            }
        };
        out.publisher().subscribe(sub);
        Await.until("subscribed", () -> sub.subscription != null);
        sub.request(Long.MAX_VALUE);
        assertSame(boom, Await.failure(call));
        Await.ended(call);
        Tables.assertValidWalk(call);
        assertEquals(1, sub.items.size());
        assertTrue(h.clientReports.contains(boom));
    }

    @Test
    void aChunkIsCopiedWhenSent() {
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toPeer(), in);
        int[] reused = chunk(1, 50);
        int expected = sum(List.of(reused.clone()));
        in.send(reused);
        java.util.Arrays.fill(reused, 0);
        in.finish();
        assertEquals(expected, Await.value(call));
    }
}
