package dev.winrpc.async.soak;

import dev.winrpc.async.call.AsyncCall;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.testing.FixtureHost;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.ArrayList;

/**
 * One lifecycle, run on a leased slot: the Java client, the Java server or the scripted client
 * its plan names, each waited for with a bound; then its outcome is judged ({@link Rules}).
 */
final class LifecycleRun {

    /** Threads and counters the lifecycles share. */
    static final class Engine implements AutoCloseable {
        final ExecutorService exec = Executors.newCachedThreadPool(r -> daemon(r, "soak-helper"));
        final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> daemon(r, "soak-timer"));
        /** Calls (Java or scripted) started and not yet ended. */
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peakInFlight = new AtomicInteger();

        void started() {
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        }

        void ended() {
            inFlight.decrementAndGet();
        }

        private static Thread daemon(Runnable r, String name) {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }

        @Override
        public void close() {
            exec.shutdownNow();
            timer.shutdownNow();
        }
    }

    final Plan plan;
    final FaultMix mix;
    final World world;
    final World.Slot slot;
    final Engine engine;
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    ClientSide client;
    ServerSide server;
    SimControl.SIM_PEER_RESULT peer;

    LifecycleRun(Plan plan, FaultMix mix, World world, World.Slot slot, Engine engine) {
        this.plan = plan;
        this.mix = mix;
        this.world = world;
        this.slot = slot;
        this.engine = engine;
    }

    void problem(String what) {
        problems.add(what);
    }

    <R> Watched<R> watch(String who, AsyncCall<R> call) {
        engine.started();
        return new Watched<>(who, call, engine::ended);
    }

    /**
     * Runs the lifecycle.
     *
     * @return its bucket, if its outcome is one the specification allows
     * @throws Violation if it is not, or if a property did not hold
     */
    String run() {
        switch (plan.kind()) {
            case JAVA_TO_PEER -> {
                client = new ClientSide(plan, this, slot.peer);
                client.start();
                client.drive();
                client.finish();
            }
            case JAVA_TO_JAVA -> {
                server = serverSide();
                client = new ClientSide(plan, this, slot.java);
                client.start();
                client.drive();
                client.finish();
                if (client.call == null || client.watched.completed && !client.stubCalledOk) {
                    server.noCall(); // no dispatch comes for a call the runtime never took
                }
                server.finish();
            }
            case PEER_TO_JAVA -> {
                server = serverSide();
                peer();
                server.finish();
            }
        }
        return Rules.judge(this);
    }

    private ServerSide serverSide() {
        Dispatcher d = plan.closeServerAfterMs() >= 0 ? world.own(plan.serverDisp()) : world.server(plan.serverDisp());
        ServerSide s = new ServerSide(plan, this, slot.expect(d, plan.readerChunk()), d);
        s.start();
        return s;
    }

    /** The scripted client's call to the slot's Java server. */
    private void peer() {
        SimControl.SIM_PEER_CALL pc = new SimControl.SIM_PEER_CALL();
        pc.op = plan.op().simOp;
        pc.a = plan.a();
        pc.b = plan.b();
        pc.ms_or_code = plan.op() == Plan.Op.SLEEP ? plan.sleepMs() : plan.op() == Plan.Op.FAIL ? plan.abortCode() : 0;
        pc.in_chunks = plan.chunks();
        pc.in_chunk_elements = plan.chunkElements();
        pc.cancel_after_ms = plan.peerCancelMs();
        pc.cancel_abortive = plan.peerAbortive() ? 1 : 0;
        pc.disconnect_after_chunks = plan.peerDisconnectAfter();
        // A disconnect before the Java server subscribed would never be told (as on Windows).
        pc.interrupt_when_subscribed = plan.peerDisconnectAfter() >= 0 ? 1 : 0;
        SimControl sim = Simulator.control();
        int id = sim.sim_peer_call_start(FixtureHost.stringBinding(slot.server.endpoint()), pc);
        if (id == 0) {
            problem("sim_peer_call_start could not start the scripted client's call");
            server.noCall();
            return;
        }
        engine.started();
        SimControl.SIM_PEER_RESULT r = new SimControl.SIM_PEER_RESULT();
        if (sim.sim_peer_call_wait(id, Watched.BOUND_S * 1000, r) == 1) {
            peer = r;
            engine.ended();
        } else {
            problem("the scripted client's call did not end within " + Watched.BOUND_S + " s");
        }
    }

    // ---- bounded waits -------------------------------------------------------------------------

    /**
     * Sends the chunks one at a time, each once the previous one was sent, then finishes the pipe.
     *
     * @param who the writer's side, for the message
     * @param writer a pipe's sending end
     * @param chunks what to send
     * @param before runs before chunk i is sent (i == chunks.size(): before the end); false stops
     * @param sent gets each chunk handed to send()
     * @param call its call, for the message
     * @return true if every chunk was sent and the pipe finished; false if the call ended first,
     *         or if a send did neither within the bound (a problem then)
     */
    boolean sendEach(String who, PipeWriter<int[]> writer, List<int[]> chunks, IntPredicate before, List<int[]> sent,
            Object call) {
        for (int i = 0; i < chunks.size(); i++) {
            if (!before.test(i)) {
                return false;
            }
            java.util.concurrent.CompletableFuture<Void> f;
            try {
                f = writer.send(chunks.get(i));
            } catch (IllegalStateException ended) {
                return false;
            }
            sent.add(chunks.get(i));
            if (!settles(f)) {
                problem(who + "'s send of chunk " + i + " neither completed nor failed within " + Watched.BOUND_S
                        + " s: " + call);
                return false;
            }
            if (f.isCompletedExceptionally()) {
                return false;
            }
        }
        if (!before.test(chunks.size())) {
            return false;
        }
        try {
            writer.finish();
            return true;
        } catch (IllegalStateException ended) {
            return false; // the call ended first
        }
    }

    /** What {@link #next} returns at the end of a pipe. */
    static final int[] END = new int[0];

    /**
     * @param who the reader's side, for the message
     * @param reader a pipe's receiving end
     * @param call its call, for the message
     * @return the next chunk; {@link #END} at the end of the pipe; null if the pipe failed, or
     *         if it did neither within the bound (a problem then)
     */
    int[] next(String who, PipeReader<int[]> reader, Object call) {
        try {
            int[] c = reader.receive().get(Watched.BOUND_S, TimeUnit.SECONDS);
            return c == null ? END : c;
        } catch (ExecutionException failed) {
            return null; // the call failed: the pipe ends here
        } catch (TimeoutException e) {
            problem(who + "'s receive neither completed nor failed within " + Watched.BOUND_S + " s: " + call);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** @return true if the future completed (either way) within the bound */
    static boolean settles(java.util.concurrent.Future<?> f) {
        try {
            f.get(Watched.BOUND_S, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void sleep(int ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An outcome the specification does not allow, or a property that did not hold. */
    static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message, null, false, false);
        }
    }
}
