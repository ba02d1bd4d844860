package dev.winrpc.async.soak;

import dev.winrpc.async.call.Calls;
import dev.winrpc.async.call.ControlledServer;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.pipe.IllegalPipeTransitionException;
import dev.winrpc.async.soak.Plan.ServerAct;
import dev.winrpc.async.testing.ChunkCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lifecycle's Java server: the manager routine accepted the call on the plan's dispatcher
 * ({@link World.Slot}); this reads the [in] pipe by receive() or by a Flow subscriber, writes
 * the [out] pipe, and replies as the fixture specifies, or does what the plan says instead
 * (abort at a chunk or after a delay, a subscriber that throws, a reply that comes late, a
 * close of its dispatcher). Runs on a thread of its own; the client drives the other end.
 */
final class ServerSide {

    /** The application's decision, as far as it got. */
    enum Decision { NONE, COMPLETE, ABORT, ABORT_REFUSED, ABORT_TOO_LATE }

    private final Plan p;
    private final LifecycleRun run;
    private final World.Expect expect;
    private final Dispatcher dispatcher;
    ControlledServer.Accepted a;
    Watched<Integer> watched;
    final List<int[]> received = new CopyOnWriteArrayList<>();
    final List<int[]> sentOut = new CopyOnWriteArrayList<>();
    final Injected injected;
    volatile Decision decision = Decision.NONE;
    volatile Integer replyGiven;
    private CompletableFuture<Void> closing;
    private CompletableFuture<Void> served;
    private volatile java.util.concurrent.Future<?> abortTimer;

    ServerSide(Plan p, LifecycleRun run, World.Expect expect, Dispatcher dispatcher) {
        this.p = p;
        this.run = run;
        this.expect = expect;
        this.dispatcher = dispatcher;
        this.injected = new Injected("the server's " + p.serverAct(), p.index());
    }

    /** Serves the call on a thread of the engine's. */
    void start() {
        served = CompletableFuture.runAsync(this::serve, run.engine.exec);
    }

    /** No dispatch will come (the client never made the call). */
    void noCall() {
        expect.accepted.complete(null);
    }

    private synchronized void abort() {
        if (decision != Decision.NONE && decision != Decision.ABORT_REFUSED) {
            return;
        }
        try {
            a.call.abort(p.abortCode());
            decision = Decision.ABORT;
        } catch (IllegalPipeTransitionException refused) {
            decision = Decision.ABORT_REFUSED;
        } catch (IllegalStateException decided) {
            decision = Decision.ABORT_TOO_LATE;
        }
    }

    /** @return true if an abort was accepted: the application is done */
    private boolean abortAt(int chunk) {
        if (p.serverAct() == ServerAct.ABORT_AT && p.serverAt() == chunk) {
            abort();
        }
        return decision == Decision.ABORT;
    }

    private synchronized void complete(int reply) {
        if (decision == Decision.ABORT) {
            return;
        }
        try {
            if (a.b != null) {
                a.b.setInt(received.stream().mapToInt(c -> c.length).sum());
            }
            a.call.complete(reply);
            replyGiven = reply;
            decision = Decision.COMPLETE;
        } catch (IllegalStateException endedOrDecided) {
            // [out] b after the call ended, or the timer's abort came first
        }
    }

    private void serve() {
        try {
            a = expect.accepted.get(Watched.BOUND_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            run.problem("the server: no call was dispatched within " + Watched.BOUND_S + " s");
            return;
        } catch (ExecutionException e) {
            run.problem("the server could not accept the call: " + e.getCause());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (a == null) {
            if (p.closeServerAfterMs() >= 0) {
                dispatcher.close(); // its own, which no call used
            }
            return;
        }
        watched = run.watch("the server call", a.call);
        if (p.closeServerAfterMs() >= 0) {
            closing = CompletableFuture.runAsync(() -> {
                LifecycleRun.sleep(p.closeServerAfterMs());
                dispatcher.close();
            }, run.engine.exec);
        }
        if (p.serverAct() == ServerAct.ABORT_AFTER_MS) {
            abortTimer = run.engine.timer.schedule(this::abort, p.serverAt(), TimeUnit.MILLISECONDS);
        }
        ControlledServer.Dispatch d = a.dispatch;
        switch (p.op()) {
            case FAIL -> abort(); // Fail(code): the code is the plan's abortCode
            case ADD, SLEEP -> {
                if (!abortAt(0)) {
                    LifecycleRun.sleep(p.op() == Plan.Op.SLEEP ? d.a : 0);
                    reply(p.op() == Plan.Op.SLEEP ? d.a : d.a + d.b);
                }
            }
            case SUM -> {
                if (!abortAt(0) && readAll() && !abortAt(p.chunks())) {
                    reply(Calls.sum(received));
                }
            }
            case RANGE -> {
                List<int[]> data = new ArrayList<>();
                for (int done = 0; done < d.b; done += p.chunkElements()) {
                    int[] c = new int[Math.min(p.chunkElements(), d.b - done)];
                    for (int i = 0; i < c.length; i++) {
                        c[i] = d.a + done + i;
                    }
                    data.add(c);
                }
                if (sendAll(data, true) && !abortAt(data.size())) {
                    reply(d.b);
                }
            }
            case ECHO -> {
                if (!abortAt(0) && readAll() && !abortAt(p.chunks()) && sendAll(Calls.plus(received, d.a), false)) {
                    reply(Calls.sum(received));
                }
            }
        }
    }

    private void reply(int value) {
        if (p.serverAct() == ServerAct.DELAY) {
            LifecycleRun.sleep(p.serverAt());
        }
        complete(value);
    }

    /** @return true if the data was sent and the pipe finished */
    private boolean sendAll(List<int[]> data, boolean abortBefore) {
        if (p.serverPublishes()) {
            ChunkPublisher pub = new ChunkPublisher(data, i -> {
                if (abortBefore) {
                    abortAt(i);
                }
            }, p.serverAct() == ServerAct.PUBLISHER_FAILS ? p.serverAt() : -1, injected, sentOut);
            pub.subscribe(a.out.subscriber());
            try {
                return pub.done.get(Watched.BOUND_S, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                run.problem("the server's publisher was neither finished nor cancelled within " + Watched.BOUND_S
                        + " s: " + a.call);
                return false;
            } catch (ExecutionException | InterruptedException e) {
                return false;
            }
        }
        return run.sendEach("the server", a.out, data, i -> i == data.size() || !(abortBefore && abortAt(i)), sentOut,
                a.call);
    }

    /** @return true if the pipe was read to its end and the application goes on */
    private boolean readAll() {
        if (p.serverRead() == Plan.Read.PUBLISHER) {
            ChunkCollector<int[]> collector = new ChunkCollector<>(item -> {
                received.add(item);
                if (p.serverAct() == ServerAct.SUBSCRIBER_THROWS && p.serverAt() == received.size()) {
                    throw injected;
                }
                if (received.size() < p.chunks()) {
                    abortAt(received.size()); // an abort at the last chunk comes after the end
                }
            });
            a.in.publisher().subscribe(p.serverAct() == ServerAct.THROW_AT_END ? throwingAtEnd(collector) : collector);
            if (!LifecycleRun.settles(collector.done())) {
                run.problem("the server's subscriber was told neither onComplete nor onError: " + a.call);
                return false;
            }
            return !collector.done().isCompletedExceptionally() && p.serverAct() != ServerAct.THROW_AT_END;
        }
        while (true) {
            int[] c = run.next("the server", a.in, a.call);
            if (c == null || c == LifecycleRun.END) {
                return c != null;
            }
            received.add(c);
            if (received.size() < p.chunks() && abortAt(received.size())) {
                return false;
            }
        }
    }

    /** The subscriber, which then throws from onComplete. */
    private Flow.Subscriber<int[]> throwingAtEnd(Flow.Subscriber<int[]> s) {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                s.onSubscribe(subscription);
            }

            @Override
            public void onNext(int[] item) {
                s.onNext(item);
            }

            @Override
            public void onError(Throwable t) {
                s.onError(t);
            }

            @Override
            public void onComplete() {
                s.onComplete();
                throw injected;
            }
        };
    }

    /** Waits for the application, the result and the close, then checks the call. */
    void finish() {
        if (!LifecycleRun.settles(served)) {
            run.problem("the server's application did not finish within " + Watched.BOUND_S + " s"
                    + (a != null ? ": " + a.call : ""));
        }
        if (watched == null) {
            return;
        }
        if (abortTimer != null && !LifecycleRun.settles(abortTimer)) {
            run.problem("the server's timed abort did not run within " + Watched.BOUND_S + " s");
        }
        watched.await(run.problems);
        if (closing != null) {
            if (!LifecycleRun.settles(closing)) {
                run.problem("closing the server's dispatcher did not return within " + Watched.BOUND_S + " s");
            } else if (!a.call.ended()) {
                run.problem("the server's dispatcher closed, and the call had not ended: " + a.call);
            }
        }
        watched.check(run.problems);
    }
}
