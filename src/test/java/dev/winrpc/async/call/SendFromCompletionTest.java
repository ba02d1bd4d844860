package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.assertSameData;
import static dev.winrpc.async.call.Calls.chunks;
import static dev.winrpc.async.call.Calls.receiveAll;
import static dev.winrpc.async.call.Calls.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The next chunk sent from the previous chunk's completion, on the dispatcher thread: the
 * natural way to stream with back-pressure ({@code send(c).whenComplete(... send(next) ...)}),
 * and what {@link PipeWriter#subscriber()} does when its publisher answers request(1)
 * synchronously. The completion runs while the call handles RpcSendComplete; the send runs
 * inline and the call pushes at once, so the chunk joins the writer's in-flight list while the
 * writer is completing that list's futures. (It used to fail the call with a
 * ConcurrentModificationException from PipeWriter.sendsCompleted.) The same goes for the end of
 * the pipe: finish() called from the last chunk's completion makes the null push there, and
 * finish()'s future must wait for that push's own RpcSendComplete (or for the call's successful
 * end, which proves it sent: a runtime that reads the event when the APC runs may deliver the
 * null push's RpcSendComplete as the RpcCallComplete issued just after it).
 */
class SendFromCompletionTest {

    private CallHarness h;

    @BeforeEach
    void open() {
        h = new CallHarness();
    }

    @AfterEach
    void close() {
        h.close();
    }

    /**
     * Sends chunks one after the other, each from the previous one's completion, then finishes
     * the pipe from the last one's; records how many sends the call still had outstanding when
     * finish()'s future completed (on the dispatcher thread).
     */
    static final class Chain {
        private final PipeWriter<int[]> writer;
        private final List<int[]> chunks;
        private final AsyncCall<?> call;
        private int next;
        volatile int outstandingWhenFinished = -1;

        Chain(PipeWriter<int[]> writer, List<int[]> chunks, AsyncCall<?> call) {
            this.writer = writer;
            this.chunks = chunks;
            this.call = call;
        }

        void sendNext() {
            if (next == chunks.size()) {
                writer.finish().thenRun(() -> outstandingWhenFinished = call.sender.outstandingSends());
                return;
            }
            writer.send(chunks.get(next++)).whenComplete((v, t) -> {
                if (t == null) {
                    sendNext();
                }
            });
        }
    }

    /** A publisher that emits synchronously, inside request(n) (Reactive Streams allows it). */
    static final class SyncPublisher implements Flow.Publisher<int[]> {
        private final List<int[]> items;
        private Flow.Subscriber<? super int[]> s;
        private long demand;
        private int next;
        private boolean emitting;
        private boolean done;

        SyncPublisher(List<int[]> items) {
            this.items = items;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super int[]> subscriber) {
            s = subscriber;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    emit(n);
                }

                @Override
                public void cancel() {
                    done = true;
                }
            });
        }

        /** Serial signals: one thread at a time, and a request made inside onNext only counts. */
        private synchronized void emit(long n) {
            demand += n;
            if (emitting) {
                return;
            }
            emitting = true;
            try {
                while (demand > 0 && next < items.size() && !done) {
                    demand--;
                    s.onNext(items.get(next++));
                }
                if (next == items.size() && !done) {
                    done = true;
                    s.onComplete();
                }
            } finally {
                emitting = false;
            }
        }
    }

    @Test
    void clientSendsTheNextChunkFromTheSentFuture() {
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toPeer(), in);
        List<int[]> data = chunks(8, 100);
        Chain chain = new Chain(in, data, call);
        chain.sendNext();
        assertEquals(sum(data), Await.value(call));
        assertTrue(h.clientReports.isEmpty(), () -> "reported: " + h.clientReports);
        assertEquals(0, chain.outstandingWhenFinished, () -> "finish() completed before its null push was sent: " + call.path());
    }

    @Test
    void writerSubscriberFedByASynchronousPublisher() {
        PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
        ClientCall<Integer> call = h.sum(h.toPeer(), in);
        List<int[]> data = chunks(8, 100);
        new SyncPublisher(data).subscribe(in.subscriber());
        assertEquals(sum(data), Await.value(call));
        assertTrue(h.clientReports.isEmpty(), () -> "reported: " + h.clientReports);
    }

    @Test
    void serverSendsTheNextChunkFromTheSentFuture() {
        PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
        List<int[]> data = chunks(8, 100);
        ClientCall<Integer> call = h.range(h.toJava(), 0, 0, out);
        ControlledServer.Accepted a = h.javaServer().next();
        a.call.complete(data.size());
        Chain chain = new Chain(a.out, data, a.call);
        chain.sendNext();
        assertSameData(data, receiveAll(out));
        assertEquals(data.size(), Await.value(call));
        Await.value(a.call.result());
        assertTrue(h.serverReports.isEmpty(), () -> "reported: " + h.serverReports);
        assertEquals(0, chain.outstandingWhenFinished, () -> "finish() completed before its null push was sent: " + call.path());
    }
}
