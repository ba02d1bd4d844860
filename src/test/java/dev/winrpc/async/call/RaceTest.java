package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.chunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.pipe.IllegalPipeTransitionException;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.Binding;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Races between two operations on one call, each run many times from a printed seed, with the
 * outcomes that are allowed listed: any other outcome fails the test, and names the seed that
 * reproduces the run ({@code -Dwinrpc.race.seed=...}). The two operations start together at a
 * barrier, each after a random spin, so that both orders and the overlap are met.
 *
 * <p>Each outcome is one line of what each side saw; the allowed lines are the specification.
 * The oracle (no misuse of the runtime) and the leak counters are checked after each test as
 * for every test on the simulator.
 */
class RaceTest {

    private static final int FAULT = 0x4567;
    private static final long SEED = Long.getLong("winrpc.race.seed", new Random().nextLong());

    private CallHarness h;
    private Random random;

    @BeforeEach
    void open() {
        h = new CallHarness();
        random = new Random(SEED);
    }

    @AfterEach
    void close() {
        h.closeChecked(false);
    }

    /**
     * The server's abort against the end of its [in] pipe reaching it. Allowed: the abort is
     * carried out (client and server fail with the fault), or it is refused because the call is
     * in Comp and the server then completes (the client gets the reply). Never: the abort
     * returns and the client gets a reply.
     */
    @Test
    void abortVersusTheEndOfTheInPipe() throws Exception {
        ControlledServer srv = h.javaServer();
        Outcomes seen = new Outcomes("abort vs in-pipe end", Set.of(
                "abort carried out | client fault | server fault",
                "abort refused in Comp | client reply | server reply",
                "abort refused in P | client reply | server reply"));
        for (int i = 0; i < 150; i++) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> client = h.sum(h.toJava(), in);
            ControlledServer.Accepted s = srv.next();
            in.send(chunk(i, 2));
            Await.value(in.finish());
            AtomicReference<String> abort = new AtomicReference<>();
            race(() -> Calls.drain(s.in), () -> {
                try {
                    s.call.abort(FAULT);
                    abort.set("abort carried out");
                } catch (IllegalPipeTransitionException refused) {
                    // The IN server table has no failure out of P (a pull in flight) nor Comp:
                    // refused in either, the server completes once the pipe has ended.
                    if (refused.state() == PipeState.P) {
                        abort.set("abort refused in P");
                    } else {
                        assertEquals(PipeState.COMP, refused.state(), refused.getMessage());
                        abort.set("abort refused in Comp");
                        s.call.complete(11);
                    }
                }
            });
            if ("abort refused in P".equals(abort.get())) {
                s.call.complete(11); // the drain has ended the pipe: Comp
            }
            seen.add(abort.get() + " | client " + clientSaw(client, 11) + " | server " + serverSaw(s.call, 11));
        }
        seen.check();
    }

    /**
     * The server's abort against its own null push on the [out] pipe. Allowed as above: the
     * abort wins (both sides fail with the fault; the end may or may not have been sent), or the
     * null push took the call to WNP or Comp first and the abort is refused, then the server
     * completes.
     */
    @Test
    void abortVersusTheNullPush() throws Exception {
        ControlledServer srv = h.javaServer();
        Outcomes seen = new Outcomes("abort vs null push", Set.of(
                "abort carried out | client fault | server fault",
                "abort refused | client reply | server reply"));
        for (int i = 0; i < 150; i++) {
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<Integer> client = h.range(h.toJava(), 0, 2, out);
            ControlledServer.Accepted s = srv.next();
            Await.value(s.out.send(chunk(i, 2)));
            AtomicReference<String> abort = new AtomicReference<>();
            race(() -> {
                try {
                    s.out.finish();
                } catch (IllegalStateException ended) {
                    // the abort ended the call first
                }
            }, () -> {
                try {
                    s.call.abort(FAULT);
                    abort.set("abort carried out");
                } catch (IllegalPipeTransitionException refused) {
                    assertTrue(refused.state() == PipeState.WNP || refused.state() == PipeState.COMP,
                            refused.getMessage());
                    abort.set("abort refused");
                    s.call.complete(12);
                }
            });
            Calls.drain(out);
            seen.add(abort.get() + " | client " + clientSaw(client, 12) + " | server " + serverSaw(s.call, 12));
        }
        seen.check();
    }

    /**
     * The server's reply against the client's cancel, non-abortive and abortive, on a call
     * without pipes. Allowed: the client gets the reply (the cancel came too late, or the
     * server answered a non-abortive cancel), or RPC_S_CALL_CANCELLED. complete() never
     * throws: a server in Comp must complete whatever its client did.
     */
    @Test
    void completeVersusCancel() throws Exception {
        ControlledServer srv = h.javaServer();
        Outcomes seen = new Outcomes("complete vs cancel", Set.of(
                "non-abortive | client reply | server reply",
                "non-abortive | client cancelled | server reply",
                "non-abortive | client cancelled | server failed",
                "abortive | client reply | server reply",
                "abortive | client cancelled | server reply",
                "abortive | client cancelled | server failed"));
        Binding b = h.toJava();
        for (int i = 0; i < 200; i++) {
            boolean abortive = random.nextBoolean();
            ClientCall<Integer> client = h.track(ClientCall.start(h.client, Reply.INT,
                    p -> h.fx.WinRpcFixture_Add(p, b.handle(), 20, 1)));
            ControlledServer.Accepted s = srv.next();
            race(() -> s.call.complete(21), () -> client.cancel(abortive));
            seen.add((abortive ? "abortive" : "non-abortive") + " | client " + clientSaw(client, 21)
                    + " | server " + serverSaw(s.call, 21));
        }
        seen.check();
    }

    /**
     * A manager routine accepting its call on a dispatcher that another thread closes. Allowed:
     * the call is served (client and server see the reply), or the close aborts it (the client
     * gets RPC_S_CALL_FAILED, the server's result fails with DispatcherClosedException). Never:
     * accept throws, the call is stranded, or the registration stays pinned.
     */
    @Test
    void acceptVersusClose() throws Exception {
        Outcomes seen = new Outcomes("accept vs close", Set.of(
                "client reply | server reply",
                "client call failed | server closed"));
        AtomicReference<Dispatcher> current = new AtomicReference<>();
        BlockingQueue<Object> accepted = new LinkedBlockingQueue<>();
        CyclicBarrier inRoutine = new CyclicBarrier(2);
        try (ControlledServer srv = new ControlledServer(d -> {
            inRoutine.await(10, TimeUnit.SECONDS);
            spin();
            ServerCall<Integer> call;
            try {
                call = ServerCall.builder(current.get(), Reply.INT, d.pAsync).accept();
            } catch (Throwable t) {
                accepted.add(t);
                return;
            }
            accepted.add(call);
            call.complete(31); // returns, whether the close got there first or not
        })) {
            Binding b = h.bind(srv.endpoint());
            for (int i = 0; i < 80; i++) {
                Dispatcher d = new ApcDispatcher();
                d.setExceptionHandler(t -> { });
                current.set(d);
                ClientCall<Integer> client = h.track(ClientCall.start(h.client, Reply.INT,
                        p -> h.fx.WinRpcFixture_Add(p, b.handle(), 30, 1)));
                inRoutine.await(10, TimeUnit.SECONDS);
                spin();
                d.close();
                Object got = accepted.poll(10, TimeUnit.SECONDS);
                if (!(got instanceof ServerCall)) {
                    throw new AssertionError("accept threw or never returned (seed " + SEED + "): " + got,
                            got instanceof Throwable ? (Throwable) got : null);
                }
                @SuppressWarnings("unchecked")
                ServerCall<Integer> s = (ServerCall<Integer>) got;
                String c = clientSaw(client, 31);
                Await.ended(s);
                assertTrue(s.registration == null || s.registration.isClosed(), s.toString());
                seen.add("client " + c + " | server " + serverSaw(s, 31));
            }
        }
        assertEquals(0, Dispatcher.stalePinned());
        seen.check();
    }

    // ---- the race and its outcomes ------------------------------------------------------------

    /** Runs a and b on two threads that start together, each after a random spin. */
    private void race(ThrowingRunnable a, ThrowingRunnable b) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        long spinA = random.nextInt(200);
        long spinB = random.nextInt(200);
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try {
                start.await(10, TimeUnit.SECONDS);
                spin(spinB);
                b.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        start.await(10, TimeUnit.SECONDS);
        spin(spinA);
        a.run();
        other.get(10, TimeUnit.SECONDS);
    }

    private void spin() {
        spin(random.nextInt(200));
    }

    private static void spin(long iterations) {
        for (long i = 0; i < iterations * 50; i++) {
            Thread.onSpinWait();
        }
    }

    /** The client's result in a word: reply, fault, cancelled, call failed. */
    private static String clientSaw(ClientCall<Integer> c, int reply) {
        try {
            Integer v = c.result().get(10, TimeUnit.SECONDS);
            return v == reply ? "reply" : "wrong reply " + v;
        } catch (java.util.concurrent.ExecutionException e) {
            return failure(e.getCause());
        } catch (Exception e) {
            return "no result (" + e + ")";
        }
    }

    /** The server's result in a word: reply, fault, closed, failed. */
    private static String serverSaw(ServerCall<Integer> s, int reply) {
        try {
            Integer v = s.result().get(10, TimeUnit.SECONDS);
            return v == reply ? "reply" : "wrong reply " + v;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof DispatcherClosedException) {
                return "closed";
            }
            String f = failure(t);
            return f.equals("fault") ? f : "failed";
        } catch (Exception e) {
            return "no result (" + e + ")";
        }
    }

    private static String failure(Throwable t) {
        if (t instanceof RpcException) {
            RpcException r = (RpcException) t;
            if (r.isServerFault() && r.status() == FAULT) {
                return "fault";
            }
            if (r.status() == RpcErrors.RPC_S_CALL_CANCELLED) {
                return "cancelled";
            }
            if (r.status() == RpcErrors.RPC_S_CALL_FAILED) {
                return "call failed";
            }
        }
        return "unexpected " + t;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Counts the outcomes seen; any outside the allowed set fails, with the seed. */
    private static final class Outcomes {
        private final String race;
        private final Set<String> allowed;
        private final Map<String, Integer> counts = new TreeMap<>();

        Outcomes(String race, Set<String> allowed) {
            this.race = race;
            this.allowed = allowed;
        }

        void add(String outcome) {
            counts.merge(outcome, 1, Integer::sum);
            if (!allowed.contains(outcome)) {
                fail(race + ": an outcome not allowed: \"" + outcome + "\" (seen so far " + counts
                        + "); reproduce with -Dwinrpc.race.seed=" + SEED);
            }
        }

        void check() {
            assertFalse(counts.isEmpty(), race + ": no outcome recorded");
            System.out.println(race + " (seed " + SEED + "): " + counts);
        }
    }
}
