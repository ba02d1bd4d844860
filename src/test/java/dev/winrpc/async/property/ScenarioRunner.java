package dev.winrpc.async.property;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.AsyncCall;
import dev.winrpc.async.call.Await;
import dev.winrpc.async.call.CallHarness;
import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.ControlledServer;
import dev.winrpc.async.call.OutParam;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.call.Tables;
import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.PeerClient;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one {@link Scenario} on the simulator and checks what must hold whatever happened: every
 * Java call reaches END and its path is a walk of its table from its initial state; its result
 * (client) or done (server) future completes, exactly once, within a bound; where the call
 * succeeded the data received equals the data sent and the reply is the one the server gave; a
 * call that fails fails with an RpcException or with the exception the application injected;
 * and afterwards the simulator is idle, its misuse oracle empty and its live-resource counters
 * zero. Nothing waits without a bound.
 */
final class ScenarioRunner {

    /** The scripted server's fault code (fault_reply). */
    static final int PLANNED_FAULT = 0x3456;
    /** The bound of every wait, in seconds. */
    static final int BOUND_S = 10;

    private final Scenario s;
    private final CallHarness h = new CallHarness();
    private final ExecutorService exec = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scenario-worker");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scenario-timer");
        t.setDaemon(true);
        return t;
    });
    private final List<String> problems = new CopyOnWriteArrayList<>();

    private ScenarioRunner(Scenario s) {
        this.s = s;
    }

    /**
     * Runs the scenario, then checks the simulator.
     *
     * @param s the scenario
     * @throws AssertionError naming every property that did not hold
     */
    static void run(Scenario s) {
        SimControl sim = Simulator.control();
        if (sim.sim_quiesce(10_000) != 1) {
            throw new AssertionError("the simulator is still busy from an earlier try; not running " + s);
        }
        sim.sim_misuse_clear();
        sim.sim_set_fault_plan(s.faults().plan());
        ScenarioRunner r = new ScenarioRunner(s);
        Throwable failure = null;
        try {
            r.execute();
        } catch (Throwable t) {
            failure = t;
        }
        try {
            r.close();
        } catch (Throwable t) {
            failure = combine(failure, t);
        }
        try {
            Simulator.assertCleanAndIdle("after the try");
        } catch (Throwable t) {
            failure = combine(failure, t);
        } finally {
            sim.sim_reset();
        }
        if (!r.problems.isEmpty()) {
            failure = combine(failure, new AssertionError(String.join("\n  ", r.problems)));
        }
        if (failure != null) {
            AssertionError e = new AssertionError(s + ":\n  " + failure.getMessage(), failure);
            throw e;
        }
    }

    private static Throwable combine(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private void close() {
        exec.shutdownNow();
        timer.shutdownNow();
        h.close();
        try {
            exec.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void problem(String what) {
        problems.add(what);
    }

    // ---- data ------------------------------------------------------------------------------------

    private List<int[]> javaData() {
        Random r = new Random(s.dataSeed());
        List<int[]> out = new ArrayList<>();
        for (int n : s.chunks()) {
            int[] c = new int[n];
            for (int i = 0; i < n; i++) {
                c[i] = r.nextInt();
            }
            out.add(c);
        }
        return out;
    }

    private int total() {
        int n = 0;
        for (int c : s.chunks()) {
            n += c;
        }
        return n;
    }

    private int rangeStart() {
        return (int) (s.dataSeed() >>> 40);
    }

    private int echoAdd() {
        return (int) s.dataSeed();
    }

    /** PipeRange(start, count)'s values, chunked like the Java side's chunks (cycling). */
    private List<int[]> rangeChunks(int start, int count) {
        List<int[]> out = new ArrayList<>();
        int done = 0;
        int k = 0;
        while (done < count) {
            int n = s.chunks().isEmpty() ? count : Math.min(s.chunks().get(k++ % s.chunks().size()), count - done);
            int[] c = new int[n];
            for (int i = 0; i < n; i++) {
                c[i] = start + done + i;
            }
            out.add(c);
            done += n;
        }
        return out;
    }

    private static int[] flatten(List<int[]> chunks) {
        return dev.winrpc.async.call.Calls.flatten(chunks);
    }

    private static int sum(int[] v) {
        return dev.winrpc.async.call.Calls.sum(List.of(v));
    }

    private static int[] plus(int[] v, int a) {
        int[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += a;
        }
        return out;
    }

    private void sameData(String what, int[] expected, int[] actual) {
        if (!Arrays.equals(expected, actual)) {
            problem(what + ": expected " + expected.length + " elements, got " + actual.length
                    + (expected.length == actual.length ? " (different values)" : ""));
        }
    }

    // ---- the run ---------------------------------------------------------------------------------

    private void execute() throws Exception {
        switch (s.mode()) {
            case JAVA_CLIENT_SCRIPTED_SERVER -> javaClientScriptedServer();
            case SCRIPTED_CLIENT_JAVA_SERVER -> scriptedClientJavaServer();
            default -> javaClientJavaServer();
        }
    }

    private void javaClientScriptedServer() {
        Binding b = h.toPeer();
        JavaClient c = new JavaClient(b);
        c.drive();
        c.await();
        c.checkCall();
        Scenario.Faults f = s.faults();
        if (c.succeeded()) {
            if (f.faultReplyPpm() >= 1_000_000 || f.pushFailPpm() >= 1_000_000 || f.pullFailPpm() >= 1_000_000) {
                problem("the client succeeded although every " + (f.faultReplyPpm() >= 1_000_000 ? "reply faults"
                        : f.pushFailPpm() >= 1_000_000 ? "push fails" : "pull fails"));
            }
            c.checkSuccessfulData(c.expectedOut());
        }
    }

    private void scriptedClientJavaServer() throws Exception {
        ControlledServer srv = h.javaServer(s.readerChunk(), null);
        SimControl.SIM_PEER_CALL pc = PeerClient.call(switch (s.kind()) {
            case IN -> SimControl.SIM_OP_PIPE_SUM;
            case OUT -> SimControl.SIM_OP_PIPE_RANGE;
            default -> SimControl.SIM_OP_PIPE_ECHO;
        });
        pc.a = s.kind() == PipeKind.OUT ? rangeStart() : echoAdd();
        pc.b = total();
        pc.in_chunks = s.peerChunks();
        pc.in_chunk_elements = s.peerChunkElements();
        pc.cancel_after_ms = s.peerAct().cancelAfterMs();
        pc.cancel_abortive = s.peerAct().cancelAbortive() ? 1 : 0;
        pc.disconnect_after_chunks = s.peerAct().disconnectAfterChunks();
        // A disconnect before the Java server subscribed would never be told (as on Windows);
        // a cancel then is found by RpcServerTestCancel, so cancels keep their timing.
        pc.interrupt_when_subscribed = pc.disconnect_after_chunks >= 0 ? 1 : 0;
        int id = PeerClient.start(srv.endpoint(), pc);
        JavaServer server = new JavaServer(srv);
        CompletableFuture<Void> served = CompletableFuture.runAsync(server::serve, exec);
        SimControl.SIM_PEER_RESULT r = null;
        try {
            r = PeerClient.await(id, BOUND_S * 1000);
        } catch (AssertionError e) {
            problem("the scripted client: " + e.getMessage());
        }
        server.await(served);
        server.checkCall();
        if (server.call() == null) {
            return;
        }
        int n = s.peerChunkElements() == 0 ? 0 : s.peerChunks() * s.peerChunkElements();
        int[] sentByPeer = new int[s.kind() == PipeKind.OUT ? 0 : n];
        for (int i = 0; i < sentByPeer.length; i++) {
            sentByPeer[i] = i;
        }
        if (server.succeeded()) {
            sameData("the server's in pipe", sentByPeer, flatten(server.received));
        }
        if (r != null && r.status == RpcErrors.RPC_S_OK) {
            if (!server.succeeded()) {
                problem("the scripted client got RPC_S_OK, the server's call failed: " + server.failure);
            } else if (server.reply.intValue() != r.reply) {
                problem("the scripted client got reply " + r.reply + ", the server gave " + server.reply);
            }
            int[] out = flatten(server.sentOut);
            if (s.kind() != PipeKind.IN) {
                long sum = 0;
                for (int x : out) {
                    sum += x;
                }
                if (r.out_elements != out.length || r.out_sum != sum) {
                    problem("the scripted client received " + r.out_elements + " elements summing to "
                            + r.out_sum + "; the server sent " + out.length + " summing to " + sum);
                }
            }
            if (s.kind() == PipeKind.IN_OUT && r.out_b != n) {
                problem("[out] b " + r.out_b + ", expected " + n);
            }
        }
    }

    private void javaClientJavaServer() throws Exception {
        ControlledServer srv = h.javaServer(s.readerChunk(), null);
        Binding b = h.toJava();
        JavaClient c = new JavaClient(b);
        JavaServer server = new JavaServer(srv);
        CompletableFuture<Void> served = CompletableFuture.runAsync(server::serve, exec);
        c.drive();
        c.await();
        server.await(served);
        c.checkCall();
        server.checkCall();
        if (server.call() == null) {
            return;
        }
        if (server.succeeded() && s.kind() != PipeKind.OUT) {
            sameData("the server's in pipe", flatten(c.sent), flatten(server.received));
        }
        if (c.succeeded()) {
            if (!server.succeeded()) {
                problem("the client got RPC_S_OK, the server's call failed: " + server.failure);
            } else if (server.reply.intValue() != c.reply.intValue()) {
                problem("the client got reply " + c.reply + ", the server gave " + server.reply);
            }
            c.checkSuccessfulData(flatten(server.sentOut));
        }
    }

    // ---- common checks -------------------------------------------------------------------------------

    private void checkEnded(String who, AsyncCall<?> call, AtomicInteger completions, Throwable failure,
            List<Class<?>> injected) {
        // Its future has completed, or already waited for in vain: a short grace for END.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!call.ended() && System.nanoTime() < deadline) {
            Await.quiet(1);
        }
        if (!call.ended()) {
            problem(who + " never reached END: " + call);
            return;
        }
        String walk = Tables.walkProblem(call);
        if (walk != null) {
            problem(who + ": " + walk);
        }
        Await.quiet(5);
        if (completions.get() != 1) {
            problem(who + ": its future completed " + completions.get() + " times");
        }
        if (failure != null && !(failure instanceof RpcException)
                && injected.stream().noneMatch(k -> k.isInstance(failure) && failure.getMessage() != null
                        && failure.getMessage().startsWith("injected"))) {
            problem(who + " failed with " + failure + ", neither an RpcException nor what the application injected");
        }
    }

    private boolean waitFor(CompletableFuture<?> f, String what) {
        try {
            f.get(BOUND_S, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            problem(what + " did not complete within " + BOUND_S + " s");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- the Java client -------------------------------------------------------------------------------

    private final class JavaClient {
        final PipeWriter<int[]> in;
        final PipeReader<int[]> out;
        final OutParam b;
        final ClientCall<Integer> call;
        final List<int[]> toSend = javaData();
        final List<int[]> sent = new ArrayList<>();
        final List<int[]> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> readDone = new CompletableFuture<>();
        final AtomicInteger completions = new AtomicInteger();
        Integer reply;
        Throwable failure;

        JavaClient(Binding binding) {
            PipeKind k = s.kind();
            in = k != PipeKind.OUT ? PipeWriter.of(PipeCodec.INTS) : null;
            out = k != PipeKind.IN ? PipeReader.of(PipeCodec.INTS, s.readerChunk()) : null;
            b = k == PipeKind.IN_OUT ? OutParam.clientInt() : null;
            call = switch (k) {
                case IN -> h.sum(binding, in);
                case OUT -> h.range(binding, rangeStart(), total(), out);
                default -> h.echo(binding, echoAdd(), in, out, b);
            };
            call.result().whenComplete((v, t) -> completions.incrementAndGet());
        }

        boolean succeeded() {
            return failure == null && reply != null;
        }

        void cancelIfAt(int chunk, boolean writing) {
            Scenario.ClientAct a = s.clientAct();
            if (a.kind() == Scenario.ClientAct.Kind.CANCEL_AT_CHUNK && a.n() == chunk && writing == (in != null)) {
                call.cancel(a.abortive());
            }
        }

        void drive() {
            Scenario.ClientAct a = s.clientAct();
            if (a.kind() == Scenario.ClientAct.Kind.CANCEL_AFTER_MS) {
                timer.schedule(() -> call.cancel(a.abortive()), a.n(), TimeUnit.MILLISECONDS);
            }
            if (out != null) {
                if (s.clientRead() == Scenario.Read.PUBLISHER) {
                    subscribe();
                } else {
                    exec.execute(this::receiveLoop);
                }
            }
            if (in != null) {
                write();
            }
        }

        private void write() {
            for (int i = 0; i < toSend.size(); i++) {
                cancelIfAt(i, true);
                CompletableFuture<Void> f;
                try {
                    f = in.send(toSend.get(i));
                } catch (IllegalStateException ended) {
                    return;
                }
                sent.add(toSend.get(i));
                try {
                    f.get(BOUND_S, TimeUnit.SECONDS);
                } catch (ExecutionException failed) {
                    return;
                } catch (TimeoutException e) {
                    problem("the client's send of chunk " + i + " did not complete: " + call);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            cancelIfAt(toSend.size(), true);
            try {
                in.finish();
            } catch (IllegalStateException ended) {
                // the call ended first
            }
        }

        private void receiveLoop() {
            try {
                while (true) {
                    cancelIfAt(received.size(), false);
                    int[] c = out.receive().get(BOUND_S, TimeUnit.SECONDS);
                    if (c == null) {
                        break;
                    }
                    received.add(c);
                }
            } catch (ExecutionException failed) {
                // the call failed
            } catch (TimeoutException e) {
                problem("the client's receive did not complete: " + call);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
                    cancelIfAt(0, false);
                    exec.execute(() -> sub.request(1));
                }

                @Override
                public void onNext(int[] item) {
                    received.add(item);
                    Scenario.ClientAct a = s.clientAct();
                    if (a.kind() == Scenario.ClientAct.Kind.THROW_AT_CHUNK && a.n() == received.size()) {
                        throw new IllegalStateException("injected: the client's subscriber throws");
                    }
                    cancelIfAt(received.size(), false);
                    exec.execute(() -> sub.request(1));
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

        void await() {
            boolean stuck = false;
            try {
                reply = call.result().get(BOUND_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (TimeoutException e) {
                problem("the client's result did not complete within " + BOUND_S + " s: " + call);
                stuck = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (out != null && !stuck) {
                waitFor(readDone, "the client's reading");
            }
        }

        void checkCall() {
            checkEnded("the client call", call, completions, failure, List.of(IllegalStateException.class));
            if (b != null && !succeeded()) {
                try {
                    b.getInt();
                    problem("[out] b was readable after a failed call");
                } catch (IllegalStateException expected) {
                    // [out] values are valid only after RPC_S_OK
                }
            }
        }

        /** @param expectedOut what the server sent on the out pipe */
        void checkSuccessfulData(int[] expectedOut) {
            int[] in = flatten(sent);
            if (this.in != null && sent.size() != toSend.size()) {
                problem("the client succeeded but sent only " + sent.size() + " of " + toSend.size() + " chunks");
            }
            switch (s.kind()) {
                case IN -> {
                    if (reply != sum(in)) {
                        problem("reply " + reply + ", the sum sent is " + sum(in));
                    }
                }
                case OUT -> {
                    sameData("the client's out pipe", expectedOut, flatten(received));
                    if (reply != total()) {
                        problem("reply " + reply + ", expected the count " + total());
                    }
                }
                default -> {
                    sameData("the client's out pipe (the echo)", plus(in, echoAdd()), flatten(received));
                    if (reply != sum(in)) {
                        problem("reply " + reply + ", the sum sent is " + sum(in));
                    }
                    if (b.getInt() != in.length) {
                        problem("[out] b " + b.getInt() + ", expected " + in.length);
                    }
                }
            }
        }

        int[] expectedOut() {
            int[] out = new int[total()];
            for (int i = 0; i < out.length; i++) {
                out[i] = rangeStart() + i;
            }
            return out;
        }
    }

    // ---- the Java server ---------------------------------------------------------------------------------

    private final class JavaServer {
        final ControlledServer srv;
        volatile ControlledServer.Accepted a;
        final List<int[]> received = new CopyOnWriteArrayList<>();
        final List<int[]> sentOut = new CopyOnWriteArrayList<>();
        final AtomicInteger completions = new AtomicInteger();
        Integer reply;
        Throwable failure;

        JavaServer(ControlledServer srv) {
            this.srv = srv;
        }

        /** @return the accepted call, or null if none reached the server */
        ControlledServer.Accepted call() {
            return a;
        }

        boolean succeeded() {
            return failure == null && reply != null;
        }

        void abortQuietly() {
            try {
                a.call.abort(s.serverAct().code());
            } catch (IllegalStateException refusedOrEnded) {
                // refused where the table has no "To fail", or the call ended/completed first
            }
        }

        void serve() {
            try {
                a = srv.next();
            } catch (AssertionError e) {
                problem("the server: " + e.getMessage());
                return;
            }
            a.call.result().whenComplete((v, t) -> completions.incrementAndGet());
            Scenario.ServerAct act = s.serverAct();
            if (act.kind() == Scenario.ServerAct.Kind.ABORT_AFTER_MS) {
                timer.schedule(this::abortQuietly, act.n(), TimeUnit.MILLISECONDS);
            }
            if (a.in != null) {
                if (act.kind() == Scenario.ServerAct.Kind.ABORT_AT_CHUNK && act.n() == 0) {
                    abortQuietly();
                }
                if (!readAll()) {
                    return;
                }
            }
            int[] got = flatten(received);
            if (a.out != null) {
                List<int[]> data = new ArrayList<>();
                if (a.in == null) {
                    data.addAll(rangeChunks(a.dispatch.a, a.dispatch.b));
                } else {
                    for (int[] c : received) {
                        data.add(plus(c, a.dispatch.a));
                    }
                }
                for (int i = 0; i < data.size(); i++) {
                    if (a.in == null && act.kind() == Scenario.ServerAct.Kind.ABORT_AT_CHUNK && act.n() == i) {
                        abortQuietly();
                    }
                    CompletableFuture<Void> f;
                    try {
                        f = a.out.send(data.get(i));
                    } catch (IllegalStateException ended) {
                        return;
                    }
                    sentOut.add(data.get(i));
                    try {
                        f.get(BOUND_S, TimeUnit.SECONDS);
                    } catch (ExecutionException failed) {
                        return;
                    } catch (TimeoutException e) {
                        problem("the server's send of chunk " + i + " did not complete: " + a.call);
                        return;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (a.in == null && act.kind() == Scenario.ServerAct.Kind.ABORT_AT_CHUNK && act.n() >= data.size()) {
                    abortQuietly();
                }
                try {
                    a.out.finish();
                } catch (IllegalStateException ended) {
                    return;
                }
            }
            try {
                if (a.b != null) {
                    a.b.setInt(got.length);
                }
                a.call.complete(a.in != null ? sum(got) : a.dispatch.b);
            } catch (IllegalStateException endedOrAborted) {
                // the call failed or was aborted meanwhile
            }
        }

        private boolean readAll() {
            Scenario.ServerAct act = s.serverAct();
            if (s.serverRead() == Scenario.Read.PUBLISHER) {
                CompletableFuture<Boolean> end = new CompletableFuture<>();
                a.in.publisher().subscribe(new Flow.Subscriber<>() {
                    private Flow.Subscription sub;

                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        sub = subscription;
                        exec.execute(() -> sub.request(1));
                    }

                    @Override
                    public void onNext(int[] item) {
                        received.add(item);
                        if (act.kind() == Scenario.ServerAct.Kind.THROW_AT_CHUNK && act.n() == received.size()) {
                            throw new IllegalStateException("injected: the server's subscriber throws");
                        }
                        if (act.kind() == Scenario.ServerAct.Kind.ABORT_AT_CHUNK && act.n() == received.size()) {
                            exec.execute(JavaServer.this::abortQuietly);
                        }
                        exec.execute(() -> sub.request(1));
                    }

                    @Override
                    public void onError(Throwable t) {
                        end.complete(false);
                    }

                    @Override
                    public void onComplete() {
                        end.complete(true);
                        if (act.kind() == Scenario.ServerAct.Kind.THROW_AT_END) {
                            throw new IllegalStateException("injected: the server's subscriber throws at the end");
                        }
                    }
                });
                try {
                    boolean ended = end.get(BOUND_S, TimeUnit.SECONDS);
                    // A handler that failed at the end gives no reply.
                    return ended && act.kind() != Scenario.ServerAct.Kind.THROW_AT_END;
                } catch (TimeoutException e) {
                    problem("the server's subscriber was told neither onComplete nor onError: " + a.call);
                    return false;
                } catch (Exception e) {
                    return false;
                }
            }
            try {
                while (true) {
                    int[] c = a.in.receive().get(BOUND_S, TimeUnit.SECONDS);
                    if (c == null) {
                        return true;
                    }
                    received.add(c);
                    if (act.kind() == Scenario.ServerAct.Kind.ABORT_AT_CHUNK && act.n() == received.size()) {
                        abortQuietly();
                    }
                }
            } catch (ExecutionException failed) {
                return false;
            } catch (TimeoutException e) {
                problem("the server's receive did not complete: " + a.call);
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void await(CompletableFuture<Void> served) {
            boolean appDone = waitFor(served, "the server's application");
            if (a == null) {
                return;
            }
            try {
                reply = a.call.result().get(appDone ? BOUND_S : 1, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (TimeoutException e) {
                problem("the server's done did not complete within " + BOUND_S + " s: " + a.call);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void checkCall() {
            if (a == null) {
                return;
            }
            checkEnded("the server call", a.call, completions, failure, List.of(IllegalStateException.class));
            if (a.b != null) {
                try {
                    a.b.setInt(1);
                    problem("the server's [out] b was writable after END");
                } catch (IllegalStateException expected) {
                    // may not be touched after the call was completed
                }
            }
        }
    }
}
