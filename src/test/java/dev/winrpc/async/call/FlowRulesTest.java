package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.chunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.dispatch.DispatcherClosedException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Reactive Streams rules ({@link java.util.concurrent.Flow}) where a pipe's publisher or
 * subscriber meets a call that cannot go on: the reliability issue found that
 * {@code subscribe} could throw (rule 1.9: it must call onSubscribe, then signal the error) and
 * that the writer's subscriber threw back into its publisher (rule 2.13: its methods return
 * normally). A close racing the pipe's use also threw a raw RejectedExecutionException.
 */
class FlowRulesTest {

    private CallHarness h;

    @BeforeEach
    void open() {
        h = new CallHarness();
    }

    @AfterEach
    void close() {
        h.closeChecked(true);
    }

    /** What a subscriber was told, in order. */
    static final class Recording implements Flow.Subscriber<int[]> {
        final List<String> signals = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            signals.add("onSubscribe");
        }

        @Override
        public void onNext(int[] item) {
            signals.add("onNext");
        }

        @Override
        public void onError(Throwable t) {
            signals.add("onError");
            error.complete(t);
        }

        @Override
        public void onComplete() {
            signals.add("onComplete");
        }
    }

    /** Rule 1.9: a reader attached to no call refuses its subscriber with signals, not a throw. */
    @Test
    void aPublisherOfAnUnattachedReaderSignalsTheError() {
        Recording s = new Recording();
        PipeReader.of(PipeCodec.INTS).publisher().subscribe(s);
        assertEquals(List.of("onSubscribe", "onError"), s.signals);
        assertInstanceOf(IllegalStateException.class, s.error.join());
    }

    /**
     * A receive made while the dispatcher closes (its thread held, the call still live) fails
     * its future with DispatcherClosedException, never throws; the close then ends the call.
     */
    @Test
    void aReceiveDuringACloseFailsItsFuture() throws Exception {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toPeer(), 0, 10, out);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        h.client.execute(() -> {
            held.countDown();
            awaitQuietly(release);
        });
        assertTrue(held.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(h.client::close, "closer");
        closer.start();
        Await.until("the dispatcher is closing", h.client::isClosed);
        try {
            assertTrue(!call.ended(), "the call is still live while the thread is held");
            CompletableFuture<int[]> received = out.receive();
            assertInstanceOf(DispatcherClosedException.class, Await.failure(received));
        } finally {
            release.countDown();
        }
        closer.join(TimeUnit.SECONDS.toMillis(20));
        assertInstanceOf(DispatcherClosedException.class, Await.failure(call));
        call.cancel(true); // a cancel of a call the close ended is dropped, not thrown
    }

    /**
     * Rule 1.9 with the publisher's own path: subscribed first while the dispatcher closes, the
     * subscriber gets onSubscribe then onError(DispatcherClosedException).
     */
    @Test
    void aPublisherSubscribedDuringACloseSignalsTheClose() throws Exception {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.range(h.toPeer(), 0, 10, out);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        h.client.execute(() -> {
            held.countDown();
            awaitQuietly(release);
        });
        assertTrue(held.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(h.client::close, "closer");
        closer.start();
        Await.until("the dispatcher is closing", h.client::isClosed);
        Recording s = new Recording();
        try {
            out.publisher().subscribe(s);
        } finally {
            release.countDown();
        }
        assertEquals(List.of("onSubscribe", "onError"), s.signals);
        assertInstanceOf(DispatcherClosedException.class, s.error.join());
        closer.join(TimeUnit.SECONDS.toMillis(20));
        assertInstanceOf(DispatcherClosedException.class, Await.failure(call));
    }

    /**
     * Rule 2.13: the writer's subscriber, fed after its call ended, neither throws nor sends:
     * a chunk cancels the subscription, and onComplete and onError return.
     */
    @Test
    void aWriterSubscriberFedAfterItsCallEndedReturnsNormally() {
        ControlledServer srv = h.javaServer();
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toJava(), in);
        ControlledServer.Accepted s = srv.next();
        call.cancel(true);
        assertInstanceOf(Throwable.class, Await.failure(call));
        Await.ended(call);
        Await.ended(s.call);
        List<String> upstream = new CopyOnWriteArrayList<>();
        Flow.Subscriber<int[]> sub = in.subscriber();
        sub.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                upstream.add("request " + n);
            }

            @Override
            public void cancel() {
                upstream.add("cancel");
            }
        });
        sub.onNext(chunk(1, 3));
        sub.onComplete();
        sub.onError(new CancellationException("late"));
        assertEquals(List.of("request 1", "cancel"), upstream);
    }

    private static void awaitQuietly(CountDownLatch l) {
        try {
            l.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
