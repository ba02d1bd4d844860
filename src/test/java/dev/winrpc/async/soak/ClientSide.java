package dev.winrpc.async.soak;

import com.sun.jna.Pointer;
import dev.winrpc.async.call.Calls;
import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.OutParam;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.call.Reply;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.soak.Plan.ClientAct;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A lifecycle's Java client: starts its {@link ClientCall} through the public API (after a
 * refused start on a dispatcher that cannot serve it, if the plan says so), feeds its [in] pipe
 * by send() or by a Flow publisher, reads its [out] pipe by receive() or by a Flow subscriber,
 * and does what the plan says (cancel, a stub or subscriber or publisher that throws, a close
 * of its dispatcher), then waits, bounded, for the result and checks the call's end.
 */
final class ClientSide {

    private static final WinRpcFixtureNative FX = Simulator.fixture();

    private final Plan p;
    private final LifecycleRun run;
    private final Binding binding;
    final PipeWriter<int[]> in;
    final PipeReader<int[]> out;
    final OutParam b;
    final List<int[]> toSend;
    final List<int[]> sent = new CopyOnWriteArrayList<>();
    final List<int[]> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> readDone = new CompletableFuture<>();
    final Injected injected;
    Dispatcher dispatcher;
    ClientCall<Integer> call;
    Watched<Integer> watched;
    /** The stub made the call and the runtime took it (a server dispatch follows). */
    volatile boolean stubCalledOk;
    /** null: no refused start was tried; else what the refused start did. */
    String refusal;
    Throwable startThrew;
    /** A start on the dispatcher after it was closed: what it did. */
    String startAfterClose;
    private CompletableFuture<Void> closing;
    /** Plain calls to the scripted server on the same dispatcher, which closes under them: Add(i, index). */
    final List<Watched<Integer>> extras = new ArrayList<>();
    /** ... and how many of their starts the closing dispatcher refused. */
    int extrasRefused;
    private java.util.concurrent.Future<?> cancelTimer;
    private volatile boolean cancelled;

    ClientSide(Plan p, LifecycleRun run, Binding binding) {
        this.p = p;
        this.run = run;
        this.binding = binding;
        this.in = p.op().in() ? PipeWriter.of(PipeCodec.INTS) : null;
        this.out = p.op().out() ? PipeReader.of(PipeCodec.INTS, p.readerChunk()) : null;
        this.b = p.op() == Plan.Op.ECHO ? OutParam.clientInt() : null;
        this.toSend = p.data();
        this.injected = new Injected("the client's " + p.clientAct(), p.index());
    }

    private ClientCall.Builder<Integer> builder(Dispatcher d) {
        ClientCall.Builder<Integer> bl = ClientCall.builder(d, Reply.INT);
        if (p.cancelTimeoutMs() > 0) {
            bl.cancelTimeout(java.time.Duration.ofMillis(p.cancelTimeoutMs()));
        }
        if (p.deadlineMs() > 0) {
            bl.deadline(java.time.Duration.ofMillis(p.deadlineMs()));
        }
        if (in != null) {
            bl.send(in);
        }
        if (out != null) {
            bl.receive(out);
        }
        if (b != null) {
            bl.out(b);
        }
        return bl;
    }

    /** Starts the call. */
    void start() {
        if (p.refusedOn() != null) {
            try {
                builder(run.world.client(p.refusedOn())).start(ctx -> {
                    throw new AssertionError("a refused call's stub ran");
                });
                refusal = "started on " + p.refusedOn();
            } catch (IllegalArgumentException expected) {
                refusal = "refused";
            } catch (RuntimeException e) {
                refusal = "threw " + e;
            }
        }
        dispatcher = p.closeClientAfterMs() >= 0 ? run.world.own(p.clientDisp()) : run.world.client(p.clientDisp());
        try {
            call = builder(dispatcher).start(this::stub);
        } catch (RuntimeException e) {
            startThrew = e;
            if (p.closeClientAfterMs() >= 0) {
                dispatcher.close(); // its own, which no call used
            }
            return;
        }
        watched = run.watch("the client call", call);
        if (p.closeClientAfterMs() >= 0) {
            closing = CompletableFuture.runAsync(() -> {
                LifecycleRun.sleep(p.closeClientAfterMs());
                dispatcher.close();
            }, run.engine.exec);
            for (int i = 0; i < p.extraCalls(); i++) {
                int x = i;
                try {
                    extras.add(run.watch("extra call " + i, ClientCall.start(dispatcher, Reply.INT,
                            ptr -> FX.WinRpcFixture_Add(ptr, run.slot.peer.handle(), x, p.index()))));
                } catch (DispatcherClosedException refused) {
                    extrasRefused++;
                }
            }
        }
    }

    private int stub(ClientCall.Context ctx) {
        if (p.clientAct() == ClientAct.STUB_THROWS_BEFORE) {
            throw injected;
        }
        Pointer h = binding.handle();
        int st = switch (p.op()) {
            case ADD -> FX.WinRpcFixture_Add(ctx.pAsync(), h, p.a(), p.b());
            case SLEEP -> FX.WinRpcFixture_Sleep(ctx.pAsync(), h, p.sleepMs());
            case FAIL -> FX.WinRpcFixture_Fail(ctx.pAsync(), h, p.abortCode());
            case SUM -> FX.WinRpcFixture_PipeSum(ctx.pAsync(), h, ctx.inPipe());
            case RANGE -> FX.WinRpcFixture_PipeRange(ctx.pAsync(), h, p.a(), p.b(), ctx.outPipe());
            case ECHO -> FX.WinRpcFixture_PipeEcho(ctx.pAsync(), h, p.a(), ctx.inPipe(), ctx.outPipe(), b.pointer());
        };
        stubCalledOk = st == RpcErrors.RPC_S_OK;
        if (p.clientAct() == ClientAct.STUB_THROWS_AFTER) {
            throw injected;
        }
        return st;
    }

    /** @return the reply a successful call must carry */
    int expected() {
        return switch (p.op()) {
            case ADD -> p.a() + p.b();
            case SLEEP -> p.sleepMs();
            case FAIL -> 0;
            case SUM, ECHO -> Calls.sum(toSend);
            case RANGE -> p.b();
        };
    }

    private void cancel() {
        if (!cancelled) {
            cancelled = true;
            call.cancel(p.abortive());
        }
    }

    private void cancelAt(int chunk, boolean writing) {
        if (p.clientAct() == ClientAct.CANCEL_AT_CHUNK && p.clientAt() == chunk && writing == (in != null)) {
            cancel();
        }
    }

    /** Drives the call as the plan says. */
    void drive() {
        if (call == null) {
            return;
        }
        if (p.clientAct() == ClientAct.CANCEL_AFTER_MS) {
            cancelTimer = run.engine.timer.schedule(this::cancel, p.clientAt(), TimeUnit.MILLISECONDS);
        }
        if (p.clientAct() == ClientAct.CANCEL_AT_CHUNK && p.op().pipes == null) {
            cancel();
        }
        if (out != null && p.clientRead() == Plan.Read.PUBLISHER) {
            subscribe();
        }
        if (in != null) {
            if (p.clientPublishes()) {
                publish();
            } else {
                write();
            }
        }
        if (out != null && p.clientRead() == Plan.Read.RECEIVE) {
            receiveLoop();
        }
    }

    private void write() {
        run.sendEach("the client", in, toSend, chunk -> {
            cancelAt(chunk, true);
            return true;
        }, sent, call);
    }

    /** Feeds the [in] pipe from a Flow publisher, which fails after clientAt chunks if so planned. */
    private void publish() {
        new ChunkPublisher(toSend, chunk -> cancelAt(chunk, true),
                p.clientAct() == ClientAct.PUBLISHER_FAILS ? p.clientAt() : -1, injected, sent)
                .subscribe(in.subscriber());
    }

    private void receiveLoop() {
        try {
            while (true) {
                cancelAt(received.size(), false);
                int[] c = run.next("the client", out, call);
                if (c == null || c == LifecycleRun.END) {
                    break;
                }
                received.add(c);
            }
        } finally {
            readDone.complete(null);
        }
    }

    private void subscribe() {
        out.publisher().subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription sub;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                sub = subscription;
                cancelAt(0, false);
                sub.request(1);
            }

            @Override
            public void onNext(int[] item) {
                received.add(item);
                if (received.size() == p.clientAt() && p.clientAct() == ClientAct.SUBSCRIBER_THROWS) {
                    throw injected;
                }
                if (received.size() == p.clientAt() && p.clientAct() == ClientAct.SUBSCRIBER_CANCELS) {
                    // A cancelled subscriber is told nothing more (Reactive Streams 3.6, 3.13):
                    // its cancel is the end of its reading.
                    sub.cancel();
                    readDone.complete(null);
                    return;
                }
                cancelAt(received.size(), false);
                sub.request(1);
            }

            @Override
            public void onError(Throwable t) {
                readDone.complete(null);
            }

            @Override
            public void onComplete() {
                readDone.complete(null);
            }
        });
    }

    /** Waits for the result and the reading, then checks the call. */
    void finish() {
        if (call == null) {
            return;
        }
        watched.await(run.problems);
        if (cancelTimer != null && !LifecycleRun.settles(cancelTimer)) {
            run.problem("the client's timed cancel did not run within " + Watched.BOUND_S + " s");
        }
        if (watched.completed && out != null && !LifecycleRun.settles(readDone)) {
            run.problem("the client's reader was told neither the end nor the failure of its pipe: " + call);
        }
        if (closing != null) {
            if (!LifecycleRun.settles(closing)) {
                run.problem("closing the client's dispatcher did not return within " + Watched.BOUND_S + " s");
            } else if (!call.ended()) {
                run.problem("the client's dispatcher closed, and the call had not ended: " + call);
            }
            try {
                ClientCall.start(dispatcher, Reply.INT, p -> {
                    throw new AssertionError("a stub ran on a closed dispatcher");
                });
                startAfterClose = "started";
            } catch (DispatcherClosedException expected) {
                startAfterClose = "refused";
            } catch (RuntimeException e) {
                startAfterClose = "threw " + e;
            }
        }
        watched.check(run.problems);
        for (Watched<Integer> x : extras) {
            x.await(run.problems);
            x.check(run.problems);
        }
        if (b != null && watched.completed && watched.failure != null) {
            try {
                b.getInt();
                run.problem("[out] b was readable after a failed call");
            } catch (IllegalStateException expected) {
                // [out] values are valid only after RPC_S_OK
            }
        }
    }
}
