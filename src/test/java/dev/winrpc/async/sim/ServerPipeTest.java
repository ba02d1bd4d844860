package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.dispatch.AsyncHandle;
import com.sun.jna.platform.win32.Kernel32;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.FixtureRuntime;
import dev.winrpc.async.testing.JavaServer;
import dev.winrpc.async.testing.PeerClient;
import dev.winrpc.async.testing.RawServerCall;
import dev.winrpc.async.testing.SimControl.SIM_PEER_CALL;
import dev.winrpc.async.testing.SimControl.SIM_PEER_RESULT;
import dev.winrpc.async.testing.SimControl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards every async pipe kind in the server's role: a Java SERVER_EPV (JNA callbacks, held
 * until its server is closed) served by the library.s RpcServer, called by the simulator.s scripted client.
 * The manager routine runs on a simulator thread (native, not created by Java) and gets the
 * async handle first, in its call; the Java server hands the call to a Java thread of its own,
 * chooses APC notification to that thread (which waits alertably) or Event notification,
 * registers with AsyncHandle.RpcAsyncRegisterHandle (the simulator holds a server's
 * notifications until then), pulls and pushes along the pipe state page's server tables (PipeSum:
 * IN, PipeRange: OUT, PipeEcho: IN then OUT, the server-side pipe page's MyAsyncPipeFunc), sets
 * [out] b, and completes with RpcAsyncCompleteCall(pAsync, &reply) or aborts with
 * RpcAsyncAbortCall, whose code the client sees. When the client cancels (abortively or not) or
 * disconnects, the server, which subscribed to both in its manager routine
 * (RpcServerSubscribeForNotification through the raw binding, {@link JavaServer}), is told
 * (RpcClientCancel, RpcClientDisconnect, by APC to its thread); the scripted client waits for that
 * subscription before it interrupts (interrupt_when_subscribed), since a server is never told of
 * what happened before it subscribed. After an abortive cancel or a disconnect its pipe operations
 * fail; the server unsubscribes, aborts, and the call ends cleanly.
 */
class ServerPipeTest {

    private static final int WAIT_MS = 10_000;
    private static final int FX_CHUNK = FixtureRuntime.CHUNK_ELEMENTS;
    private static final int CALL_COMPLETE = 1 << Rpcrt4.RpcCallComplete;
    private static final int SEND_COMPLETE = 1 << Rpcrt4.RpcSendComplete;
    private static final int RECEIVE_COMPLETE = 1 << Rpcrt4.RpcReceiveComplete;

    private final Kernel32 k32 = RpcRuntime.kernel32();

    /** What every call a Java server got must show about its dispatch. */
    private void assertDispatched(RawServerCall call, int op) {
        assertDispatched(call, op, Set.of(RpcErrors.RPC_S_ASYNC_CALL_PENDING));
    }

    /**
     * @param statusAtDispatch what RpcAsyncGetCallStatus may say in the manager routine: the
     *        call is in progress, or (when the client was quick to cancel or disconnect) it has
     *        already failed
     */
    private void assertDispatched(RawServerCall call, int op, Set<Integer> statusAtDispatch) {
        assertEquals(op, call.op);
        assertNotNull(call.managerThread);
        assertFalse(call.managerThreadWasJava, "the manager routine ran on a Java-created thread: "
                + call.managerThread);
        assertNotSame(Thread.currentThread(), call.managerThread);
        assertNotSame(call.worker.thread(), call.managerThread);
        assertNotEquals(k32.GetCurrentThreadId(), call.managerThreadId);
        assertNotEquals(call.worker.threadId(), call.managerThreadId);
        assertEquals(RPC_ASYNC_STATE.SIZE, call.sizeAtDispatch, "the first argument is the async handle");
        assertEquals(Rpcrt4.RPC_ASYNC_SIGNATURE, call.signatureAtDispatch);
        assertTrue(statusAtDispatch.contains(call.statusAtDispatch),
                "RpcAsyncGetCallStatus in the manager routine: " + call.statusAtDispatch);
        assertNotNull(call.hBinding);
        assertTrue(call.ended());
    }

    private static void notify(RawServerCall call, String mode, int flags) {
        if (mode.equals("apc")) {
            call.notifyByApc(flags);
        } else {
            call.notifyByEvent(flags);
        }
    }

    private static int sum(int[] values) {
        int s = 0;
        for (int v : values) {
            s += v;
        }
        return s;
    }

    private static SIM_PEER_CALL pipeSum(int chunks, int elements) {
        SIM_PEER_CALL c = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
        c.in_chunks = chunks;
        c.in_chunk_elements = elements;
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"apc", "event"})
    void pipeSum(String mode) throws Exception {
        AtomicReference<RawServerCall.Pulled> pulled = new AtomicReference<>();
        RawServerCall call;
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            notify(c, mode, 0);
            RawServerCall.Pulled p = c.pullAll(300, WAIT_MS);
            pulled.set(p);
            if (p.ok()) {
                c.complete(sum(p.values()));
            } else {
                c.abort(RpcErrors.RPC_S_CALL_FAILED);
            }
        })) {
            r = PeerClient.run(server.endpoint(), pipeSum(4, 1000), WAIT_MS);
            call = server.awaitCall(WAIT_MS);
        }
        assertDispatched(call, SimControl.SIM_OP_PIPE_SUM);
        assertEquals(RpcErrors.RPC_S_OK, r.status, () -> PeerClient.describe(r) + " " + call);
        assertEquals(3999 * 4000 / 2, r.reply);
        assertEquals(CALL_COMPLETE | SEND_COMPLETE, r.events_seen, PeerClient.describe(r));
        assertArrayEquals(IntStream.range(0, 4000).toArray(), pulled.get().values());
        if (mode.equals("apc")) {
            // A pull finds data or goes pending (timing): one RpcReceiveComplete per pending pull.
            assertEquals(pulled.get().pending(), call.log.count(Rpcrt4.RpcReceiveComplete));
            assertEquals(pulled.get().pending(), call.log.total(), () -> call.log.events().toString());
            assertTrue(call.log.threads().isEmpty() || call.log.threads().equals(Set.of(call.worker.thread())),
                    "a notification ran off the server's own thread: " + call.log.threads());
        } else {
            assertEquals(0, call.log.total(), "no APC with Event notification");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"apc", "event"})
    void pipeRange(String mode) throws Exception {
        int start = 5_000_000;
        int count = 2500;
        AtomicInteger pushStatus = new AtomicInteger(Integer.MIN_VALUE);
        RawServerCall call;
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            notify(c, mode, Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE);
            int[] values = IntStream.range(0, c.arg2).map(i -> c.arg1 + i).toArray();
            int st = c.pushAll(values, FX_CHUNK, WAIT_MS);
            pushStatus.set(st);
            if (st == RpcErrors.RPC_S_OK) {
                c.complete(c.arg2);
            } else {
                c.abort(RpcErrors.RPC_S_CALL_FAILED);
            }
        })) {
            SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_PIPE_RANGE);
            pc.a = start;
            pc.b = count;
            r = PeerClient.run(server.endpoint(), pc, WAIT_MS);
            call = server.awaitCall(WAIT_MS);
        }
        assertDispatched(call, SimControl.SIM_OP_PIPE_RANGE);
        assertEquals(start, call.arg1);
        assertEquals(count, call.arg2);
        assertEquals(RpcErrors.RPC_S_OK, pushStatus.get(), call::toString);
        assertEquals(RpcErrors.RPC_S_OK, r.status, () -> PeerClient.describe(r) + " " + call);
        assertEquals(count, r.reply);
        assertEquals(count, r.out_elements);
        assertEquals(IntStream.range(0, count).mapToLong(i -> start + i).sum(), r.out_sum);
        assertEquals(0, r.events_seen & ~(CALL_COMPLETE | RECEIVE_COMPLETE), PeerClient.describe(r));
        assertTrue((r.events_seen & CALL_COMPLETE) != 0);
        if (mode.equals("apc")) {
            assertEquals(3 + 1, call.log.count(Rpcrt4.RpcSendComplete), "3 chunks and the null push");
            assertEquals(Set.of(call.worker.thread()), call.log.threads());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"apc", "event"})
    void pipeEchoAsSeed000sMyAsyncPipeFunc(String mode) throws Exception {
        int a = 11;
        RawServerCall call;
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            notify(c, mode, Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE);
            RawServerCall.Pulled p = c.pullAll(FX_CHUNK, WAIT_MS);
            if (!p.ok()) {
                c.abort(RpcErrors.RPC_S_CALL_FAILED);
                return;
            }
            int[] echoed = IntStream.of(p.values()).map(x -> x + c.arg1).toArray();
            int st = c.pushAll(echoed, FX_CHUNK, WAIT_MS);
            if (st != RpcErrors.RPC_S_OK) {
                c.abort(RpcErrors.RPC_S_CALL_FAILED);
                return;
            }
            c.setB(p.values().length);
            c.complete(sum(p.values()));
        })) {
            SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_PIPE_ECHO);
            pc.a = a;
            pc.in_chunks = 3;
            pc.in_chunk_elements = 700;
            r = PeerClient.run(server.endpoint(), pc, WAIT_MS);
            call = server.awaitCall(WAIT_MS);
        }
        assertDispatched(call, SimControl.SIM_OP_PIPE_ECHO);
        assertNotNull(call.in);
        assertNotNull(call.out);
        assertNotNull(call.outB);
        assertEquals(RpcErrors.RPC_S_OK, r.status, () -> PeerClient.describe(r) + " " + call);
        assertEquals(2100 * 2099 / 2, r.reply);
        assertEquals(2100, r.out_b);
        assertEquals(2100, r.out_elements);
        assertEquals(IntStream.range(0, 2100).mapToLong(i -> i + a).sum(), r.out_sum);
        assertEquals(CALL_COMPLETE | SEND_COMPLETE, r.events_seen & ~RECEIVE_COMPLETE,
                PeerClient.describe(r));
    }

    @Test
    void addServedWithEventAndFailServedWithAnAbortWhoseCodeThePeerSees() throws Exception {
        RawServerCall first;
        RawServerCall second;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByEvent(0);
            if (c.op == SimControl.SIM_OP_ADD) {
                assertEquals(RpcErrors.RPC_S_OK, c.complete(c.arg1 + c.arg2));
            } else {
                assertEquals(RpcErrors.RPC_S_OK, c.abort(c.arg1));
            }
        })) {
            SIM_PEER_CALL add = PeerClient.call(SimControl.SIM_OP_ADD);
            add.a = 1200;
            add.b = 34;
            SIM_PEER_RESULT r = PeerClient.run(server.endpoint(), add, WAIT_MS);
            assertEquals(RpcErrors.RPC_S_OK, r.status);
            assertEquals(1234, r.reply);
            assertEquals(CALL_COMPLETE, r.events_seen);

            SIM_PEER_CALL fail = PeerClient.call(SimControl.SIM_OP_FAIL);
            fail.ms_or_code = 0x0BADF00D;
            SIM_PEER_RESULT f = PeerClient.run(server.endpoint(), fail, WAIT_MS);
            assertEquals(0x0BADF00D, f.status, PeerClient.describe(f));
            assertEquals(CALL_COMPLETE, f.events_seen);
            List<RawServerCall> calls = server.awaitCalls(2, WAIT_MS);
            first = calls.get(0);
            second = calls.get(1);
        }
        assertDispatched(first, SimControl.SIM_OP_ADD);
        assertDispatched(second, SimControl.SIM_OP_FAIL);
    }

    @Test
    void anAbortMidPipeReachesThePeerAsAFault() throws Exception {
        AtomicReference<RawServerCall.Pulled> pulled = new AtomicReference<>();
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(0);
            // one chunk, then give up (the pipe state page: "To fail: go to A")
            pulled.set(c.pull(100, 1, WAIT_MS));
            assertEquals(RpcErrors.RPC_S_OK, c.abort(0x7E57));
        })) {
            r = PeerClient.run(server.endpoint(), pipeSum(20, 100), WAIT_MS);
            server.awaitCall(WAIT_MS);
        }
        assertEquals(0x7E57, r.status, PeerClient.describe(r));
        assertEquals(100, pulled.get().values().length);
    }

    /** What the server saw of an interruption by its client. */
    private record Seen(boolean interrupted, int cancels, int disconnects, int statusAfter,
            int pullAfter) {
    }

    /**
     * A Java PipeSum server that pulls until it has one chunk (or its pipe fails: the client
     * may be faster), waits for the client's cancel or disconnect, then looks at the call's
     * status and, if asked, makes one more pull, and aborts.
     */
    private SIM_PEER_RESULT interruptedPipeSum(SIM_PEER_CALL peer, boolean pullAfter,
            int abortCode, AtomicReference<Seen> seen) throws Exception {
        peer.interrupt_when_subscribed = 1;
        SIM_PEER_RESULT r;
        RawServerCall call;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(0);
            c.pull(100, 1, WAIT_MS);
            boolean interrupted = c.awaitInterruption(WAIT_MS);
            int status = c.status();
            int pull = pullAfter ? c.pullOnce(100) : Integer.MIN_VALUE;
            seen.set(new Seen(interrupted, c.log.count(Rpcrt4.RpcClientCancel),
                    c.log.count(Rpcrt4.RpcClientDisconnect), status, pull));
            assertEquals(RpcErrors.RPC_S_OK, c.abort(abortCode));
        })) {
            r = PeerClient.run(server.endpoint(), peer, WAIT_MS);
            call = server.awaitCall(WAIT_MS);
        }
        assertDispatched(call, SimControl.SIM_OP_PIPE_SUM,
                Set.of(RpcErrors.RPC_S_ASYNC_CALL_PENDING, r.status));
        assertEquals(Set.of(call.worker.thread()), call.log.threads());
        // One notification of the kind that happened was queued, and it was received.
        int cancels = seen.get().cancels();
        int disconnects = seen.get().disconnects();
        assertEquals(cancels, call.queued(Rpcrt4.RpcNotificationCallCancel), call::toString);
        assertEquals(disconnects, call.queued(Rpcrt4.RpcNotificationClientDisconnect), call::toString);
        assertEquals(0, call.subscribed());
        return r;
    }

    @Test
    void anAbortiveCancelByThePeerIsSeenAndThenTheServersPipeFails() throws Exception {
        SIM_PEER_CALL peer = pipeSum(20, 100);
        peer.cancel_after_ms = 30;
        peer.cancel_abortive = 1;
        AtomicReference<Seen> seen = new AtomicReference<>();
        SIM_PEER_RESULT r = interruptedPipeSum(peer, true, RpcErrors.RPC_S_CALL_CANCELLED, seen);
        assertEquals(new Seen(true, 1, 0, RpcErrors.RPC_S_CALL_CANCELLED, RpcErrors.RPC_S_CALL_CANCELLED),
                seen.get());
        assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, r.status, PeerClient.describe(r));
        assertTrue((r.events_seen & CALL_COMPLETE) != 0);
    }

    @Test
    void aNonAbortiveCancelByThePeerIsSeenAndTheServerAbortsWithCallCancelled() throws Exception {
        SIM_PEER_CALL peer = pipeSum(20, 100);
        peer.cancel_after_ms = 30;
        peer.cancel_abortive = 0;
        AtomicReference<Seen> seen = new AtomicReference<>();
        SIM_PEER_RESULT r = interruptedPipeSum(peer, false, RpcErrors.RPC_S_CALL_CANCELLED, seen);
        // A non-abortive cancel only asks: the call is still alive until the server aborts.
        assertEquals(new Seen(true, 1, 0, RpcErrors.RPC_S_ASYNC_CALL_PENDING, Integer.MIN_VALUE),
                seen.get());
        assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, r.status, PeerClient.describe(r));
    }

    @Test
    void aDisconnectByThePeerIsSeenAndThenTheServersPipeFails() throws Exception {
        SIM_PEER_CALL peer = pipeSum(5, 100);
        peer.disconnect_after_chunks = 2;
        AtomicReference<Seen> seen = new AtomicReference<>();
        SIM_PEER_RESULT r = interruptedPipeSum(peer, true, RpcErrors.RPC_S_CALL_FAILED, seen);
        assertEquals(new Seen(true, 0, 1, RpcErrors.RPC_S_CALL_FAILED, RpcErrors.RPC_S_CALL_FAILED),
                seen.get());
        assertEquals(RpcErrors.RPC_S_CALL_FAILED, r.status, PeerClient.describe(r));
    }

    @Test
    void callsToTheSameJavaServerAreEachDispatchedOnTheirOwnSimulatorThread() throws Exception {
        List<SIM_PEER_RESULT> results = new ArrayList<>();
        List<RawServerCall> calls = new ArrayList<>();
        int n = 4;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(0);
            assertEquals(RpcErrors.RPC_S_OK, c.complete(c.arg1 + c.arg2));
        })) {
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                SIM_PEER_CALL add = PeerClient.call(SimControl.SIM_OP_ADD);
                add.a = i;
                add.b = 100;
                ids[i] = PeerClient.start(server.endpoint(), add);
            }
            for (int id : ids) {
                results.add(PeerClient.await(id, WAIT_MS));
            }
            calls.addAll(server.awaitCalls(n, WAIT_MS));
        }
        Set<Integer> managerThreads = new HashSet<>();
        for (RawServerCall c : calls) {
            assertDispatched(c, SimControl.SIM_OP_ADD);
            managerThreads.add(c.managerThreadId);
        }
        assertEquals(n, managerThreads.size(), "one simulator thread per dispatch");
        for (int i = 0; i < n; i++) {
            assertEquals(RpcErrors.RPC_S_OK, results.get(i).status);
            assertEquals(i + 100, results.get(i).reply);
        }
    }
}
