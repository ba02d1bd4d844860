package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.chunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.winrpc.async.Deadline;
import dev.winrpc.async.RpcDeadlineExceededException;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherTimers;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.dispatch.IocpDispatcher;
import dev.winrpc.async.dispatch.PollingDispatcher;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.Simulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client call's deadline on the simulator: bad deadlines are refused before anything native;
 * a call that ends before its deadline takes its timer out of the dispatcher's queue; a
 * deadline ends a pipe call mid-stream; and a deadline racing the reply, many times from a
 * printed seed ({@code -Dwinrpc.race.seed=...}) with every dispatcher kind, gives exactly one
 * outcome (the reply, or the deadline's exception), never a hang, the oracle clean after each.
 */
class ClientDeadlineTest {

    private static final long SEED = Long.getLong("winrpc.race.seed", new Random().nextLong());
    private static final int FOREVER = -1;

    /** The dispatcher kinds a plain client call may use. */
    enum Kind {
        APC(ApcDispatcher::new),
        IOCP(IocpDispatcher::new),
        EVENT(EventDispatcher::new),
        POLLING(PollingDispatcher::new);

        final Supplier<Dispatcher> open;

        Kind(Supplier<Dispatcher> open) {
            this.open = open;
        }
    }

    private static ClientCall<Integer> sleep(CallHarness h, Binding b, Deadline deadline, int ms) {
        return h.track(ClientCall.builder(h.client, Reply.INT).deadline(deadline)
                .start(ctx -> h.fx.WinRpcFixture_Sleep(ctx.pAsync(), b.handle(), ms)));
    }

    @Test
    void badDeadlinesAreRefusedBeforeAnythingNative() {
        CallHarness h = new CallHarness();
        try {
            ClientCall.Builder<Integer> b = ClientCall.builder(h.client, Reply.INT);
            assertThrows(IllegalArgumentException.class, () -> b.deadline(Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> b.deadline(Duration.ofNanos(-1)));
            assertThrows(IllegalArgumentException.class, () -> Deadline.after(Duration.ofSeconds(-5)));
            assertThrows(NullPointerException.class, () -> b.deadline((Duration) null));
            assertThrows(NullPointerException.class, () -> b.deadline((Deadline) null));
            assertThrows(NullPointerException.class, () -> Deadline.after(null));
            assertEquals(0, h.client.registeredCalls());
            assertEquals(0, DispatcherTimers.count(h.client));
            // The builder still makes a call, with no deadline (the refused ones were not taken).
            Binding peer = h.toPeer();
            assertEquals(0, Await.value(h.track(b.start(ctx -> h.fx.WinRpcFixture_Sleep(ctx.pAsync(), peer.handle(), 0)))));
            // A deadline of centuries is a deadline that never passes, not an overflow.
            assertEquals(1, Await.value(sleep(h, peer, Deadline.after(Duration.ofDays(365L * 1000)), 1)));
        } finally {
            h.closeChecked(false);
        }
    }

    @Test
    void theDeadlineValue() {
        assertTrue(Deadline.none().isNone());
        assertEquals(Deadline.after(Duration.ofSeconds(3)), Deadline.after(Duration.ofMillis(3000)));
        assertEquals(Duration.ofSeconds(3), Deadline.after(Duration.ofSeconds(3)).duration().orElseThrow());
        assertTrue(Deadline.none().duration().isEmpty());
        RpcDeadlineExceededException e = new RpcDeadlineExceededException("RpcAsyncCompleteCall",
                RpcErrors.RPC_S_CALL_CANCELLED, Duration.ofMillis(5), null);
        assertEquals("RPC_S_CALL_CANCELLED", e.statusName());
        assertTrue(e.getMessage().contains("PT0.005S"), e.getMessage());
    }

    @Test
    void aCallThatEndsBeforeItsDeadlineTakesItsTimerAlong() {
        CallHarness h = new CallHarness();
        try {
            Binding peer = h.toPeer();
            Deadline tenMinutes = Deadline.after(Duration.ofMinutes(10));
            for (int round = 0; round < 20; round++) {
                List<ClientCall<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    calls.add(sleep(h, peer, tenMinutes, i % 2));
                }
                for (int i = 0; i < calls.size(); i++) {
                    assertEquals(i % 2, Await.value(calls.get(i)));
                    Await.ended(calls.get(i));
                }
            }
            assertEquals(0, DispatcherTimers.count(h.client), "timers left after 400 calls ended");
            // The control: a call in flight holds its timer, until it ends.
            ClientCall<Integer> live = sleep(h, peer, tenMinutes, FOREVER);
            Await.state(live, PipeState.WCOMP);
            assertEquals(1, DispatcherTimers.count(h.client));
            live.cancel(true);
            Calls.rpc(Await.failure(live), RpcErrors.RPC_S_CALL_CANCELLED, false);
            Await.ended(live);
            assertEquals(0, DispatcherTimers.count(h.client));
        } finally {
            h.closeChecked(false);
        }
    }

    /** The deadline passes while the in pipe waits for the application's next chunk. */
    @Test
    void aDeadlineEndsAPipeCallMidStream() {
        CallHarness h = new CallHarness();
        try {
            ControlledServer srv = h.javaServer();
            Binding b = h.toJava();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam outB = OutParam.clientInt();
            Duration limit = Duration.ofMillis(200);
            ClientCall<Integer> call = h.track(ClientCall.builder(h.client, Reply.INT).send(in).receive(out)
                    .out(outB).deadline(limit).start(ctx -> h.fx.WinRpcFixture_PipeEcho(ctx.pAsync(), b.handle(), 1,
                            ctx.inPipe(), ctx.outPipe(), outB.pointer())));
            ControlledServer.Accepted s = srv.next();
            Await.value(in.send(chunk(1, 10)));
            CompletableFuture<int[]> received = out.receive(); // nothing comes: the server sends nothing
            RpcDeadlineExceededException e = assertInstanceOf(RpcDeadlineExceededException.class,
                    Await.failure(call));
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, e.status());
            assertEquals(limit, e.deadline());
            assertTrue(call.path().contains(PipeState.CAN), call.path().toString());
            assertInstanceOf(RpcDeadlineExceededException.class, Await.failure(received),
                    "the out pipe fails with the call's failure");
            Await.ended(call);
            Await.failure(s.call); // the server's call sees the cancel
            Await.ended(s.call);
            assertEquals(0, DispatcherTimers.count(h.client));
        } finally {
            h.closeChecked(false);
        }
    }

    /**
     * The deadline passes after the null push, while the client waits for a reply the server
     * never gives: past the table's "To fail", the call is cancelled abortively all the same.
     */
    @Test
    void aDeadlineEndsACallWaitingForItsReplyAfterTheNullPush() {
        CallHarness h = new CallHarness();
        try {
            ControlledServer srv = h.javaServer();
            Binding b = h.toJava();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<Integer> call = h.track(ClientCall.builder(h.client, Reply.INT).send(in)
                    .deadline(Duration.ofSeconds(1))
                    .start(ctx -> h.fx.WinRpcFixture_PipeSum(ctx.pAsync(), b.handle(), ctx.inPipe())));
            ControlledServer.Accepted s = srv.next();
            Await.value(in.send(chunk(1, 3)));
            Await.value(in.finish()); // the null push: the client now waits for the reply
            RpcDeadlineExceededException e = assertInstanceOf(RpcDeadlineExceededException.class,
                    Await.failure(call));
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, e.status());
            assertTrue(call.path().contains(PipeState.NP), call.path().toString());
            assertFalse(call.path().contains(PipeState.CAN), "WComp has no \"To fail\": " + call.path());
            Await.ended(call);
            Await.failure(s.call); // the server's call sees the cancel
            Await.ended(s.call);
            assertEquals(0, DispatcherTimers.count(h.client));
        } finally {
            h.closeChecked(false);
        }
    }

    /**
     * A deadline racing the reply: Sleep(0..2 ms) against a deadline of 0.2..3.2 ms. Allowed:
     * the reply (its value), or an {@link RpcDeadlineExceededException} with
     * RPC_S_CALL_CANCELLED; never another failure, never a hang; the call ends, its
     * registration is closed, its timer gone, and the oracle has nothing after each call.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDeadlineRacingTheReplyHasExactlyOneOutcome(Kind kind) {
        Random random = new Random(SEED ^ kind.ordinal());
        String seed = " (seed " + SEED + ", -Dwinrpc.race.seed=" + SEED + ")";
        CallHarness h = new CallHarness(kind.open);
        Map<String, Integer> seen = new TreeMap<>();
        try {
            Binding peer = h.toPeer();
            for (int i = 0; i < 150; i++) {
                int ms = random.nextInt(3);
                Duration limit = Duration.ofNanos(200_000 + random.nextInt(3_000_000));
                ClientCall<Integer> call = sleep(h, peer, Deadline.after(limit), ms);
                String outcome;
                try {
                    outcome = "reply " + call.result().get(Await.SECONDS, java.util.concurrent.TimeUnit.SECONDS);
                    assertEquals("reply " + ms, outcome, "iteration " + i + seed);
                    outcome = "reply";
                } catch (java.util.concurrent.ExecutionException e) {
                    RpcDeadlineExceededException d = assertInstanceOf(RpcDeadlineExceededException.class,
                            e.getCause(), "iteration " + i + seed);
                    assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, d.status(), "iteration " + i + seed);
                    assertEquals(limit, d.deadline());
                    outcome = "deadline";
                } catch (java.util.concurrent.TimeoutException e) {
                    fail("iteration " + i + ": no outcome within " + Await.SECONDS + " s: " + call + seed);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                seen.merge(outcome, 1, Integer::sum);
                Await.ended(call);
                assertTrue(call.registration.isClosed(), "iteration " + i + ": still registered" + seed);
                assertEquals(List.of(), Simulator.misuses(), "iteration " + i + seed);
            }
            assertEquals(0, DispatcherTimers.count(h.client), "timers left" + seed);
            assertEquals(0, h.client.registeredCalls());
        } finally {
            System.out.println("deadline race, " + kind + ": " + seen + seed);
            h.closeChecked(false);
        }
    }
}
