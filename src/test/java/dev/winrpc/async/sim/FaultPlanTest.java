package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.platform.win32.Kernel32;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.ASYNC_PIPE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.ApcTarget;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.RawClientCall;
import dev.winrpc.async.testing.Failures;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.JavaServer;
import dev.winrpc.async.testing.PeerClient;
import dev.winrpc.async.testing.RawServerCall;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.SimControl.SIM_FAULT_PLAN;
import dev.winrpc.async.testing.SimControl.SIM_PEER_CALL;
import dev.winrpc.async.testing.SimControl.SIM_PEER_RESULT;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guards the client's and the server's handling of every fault the simulator's fault plan can
 * inject (each at 1 000 000 ppm, so that it is certain): a push that fails (client side and
 * server side), a pull that fails (both sides), a dropped notification (recovered by polling
 * RpcAsyncGetCallStatus), a fault reply (the scripted server aborts with the plan's code, which
 * becomes the completion status), the scripted client disconnecting mid-pipe (against a Java
 * server subscribed to it, which sees RpcClientDisconnect and whose pipe then fails), and
 * random delays of
 * every reply, send and receive (every result still right). And replay: the same seed gives
 * the same outcomes twice, and another seed other ones. Every call ends cleanly: completed by
 * the client, completed or aborted by the server.
 */
class FaultPlanTest {

    private static final int CERTAIN = 1_000_000;
    private static final long WAIT_MS = 10_000;
    private static final int WAIT_TIMEOUT = 0x102;

    private final Kernel32 k32 = RpcRuntime.kernel32();
    private final SimControl sim = Simulator.control();
    private final WinRpcFixtureNative fx = Simulator.fixture();
    @RegisterExtension
    final Failures failures = new Failures();


    private void plan(long seed, java.util.function.Consumer<SIM_FAULT_PLAN> set) {
        SIM_FAULT_PLAN p = new SIM_FAULT_PLAN();
        p.seed = seed;
        set.accept(p);
        sim.sim_set_fault_plan(p);
    }

    private static int[][] chunks(int n, int elements) {
        int[][] out = new int[n][];
        int v = 0;
        for (int i = 0; i < n; i++) {
            out[i] = new int[elements];
            for (int j = 0; j < elements; j++) {
                out[i][j] = v++;
            }
        }
        return out;
    }

    /** PipeSum from this thread to the scripted server, along the IN client table. */
    private PipeClient pipeSum(ApcTarget self, Binding b, RawClientCall c, int[][] chunks) {
        ASYNC_PIPE in = c.keep(new ASYNC_PIPE());
        assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_PipeSum(c.p(), b.handle(), in.getPointer()));
        in.read();
        PipeClient pc = new PipeClient(c, self, WAIT_MS);
        pc.pushAll(in, chunks);
        return pc;
    }

    /** PipeRange from this thread, along the OUT client table. */
    private PipeClient pipeRange(ApcTarget self, Binding b, RawClientCall c, int start, int count) {
        ASYNC_PIPE out = c.keep(new ASYNC_PIPE());
        assertEquals(RpcErrors.RPC_S_OK,
                fx.WinRpcFixture_PipeRange(c.p(), b.handle(), start, count, out.getPointer()));
        out.read();
        PipeClient pc = new PipeClient(c, self, WAIT_MS);
        pc.pullAll(out, 500);
        return pc;
    }

    private RawClientCall apcCall(ApcTarget self) {
        return new RawClientCall(failures).apc(self, Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE);
    }

    @Test
    void aClientPushFailureFailsTheCall() {
        plan(1, p -> p.push_fail_ppm = CERTAIN);
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = apcCall(self)) {
            PipeClient pc = pipeSum(self, b, c, chunks(3, 100));
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, pc.pipeFailure, pc.trace::toString);
            assertEquals(0, pc.pushesOk);
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, c.status(), "the failure is the call's status");
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, pc.finish());
            assertEquals(List.of(Rpcrt4.RpcCallComplete), c.log.events());
        }
    }

    @Test
    void aServerPushFailureFailsTheClientsPull() {
        plan(2, p -> p.push_fail_ppm = CERTAIN);
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = apcCall(self)) {
            PipeClient pc = pipeRange(self, b, c, 0, 3000);
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, pc.pipeFailure, pc.trace::toString);
            assertEquals(List.of(), pc.received);
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, pc.finish());
        }
    }

    @Test
    void aClientPullFailureFailsTheCall() {
        plan(3, p -> p.pull_fail_ppm = CERTAIN);
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = apcCall(self)) {
            PipeClient pc = pipeRange(self, b, c, 0, 3000);
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, pc.pipeFailure, pc.trace::toString);
            assertEquals(List.of(), pc.received, "a pull that fails delivers nothing");
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, pc.finish());
        }
    }

    @Test
    void aServerPullFailureFailsTheClientsCall() {
        plan(4, p -> p.pull_fail_ppm = CERTAIN);
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = apcCall(self)) {
            PipeClient pc = pipeSum(self, b, c, chunks(3, 100));
            // The client's pipe work either ran to the null push before the server's pull
            // failed, or a later push failed, or a failure RpcCallComplete ended it.
            assertTrue(pc.pipeFailure == RpcErrors.RPC_S_OK
                    || pc.pipeFailure == RpcErrors.RPC_S_CALL_FAILED, pc.trace::toString);
            assertEquals(RpcErrors.RPC_S_CALL_FAILED, pc.finish(), pc.trace::toString);
        }
    }

    @Test
    void droppedApcNotificationsAreRecoveredByPolling() {
        plan(5, p -> p.drop_notification_ppm = CERTAIN);
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(self, 0)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 5, 6));
            // Wait alertably a while: the RpcCallComplete APC never comes ...
            self.awaitAlertably(() -> c.log.total() > 0, 50);
            assertEquals(0, c.log.total(), "a dropped notification was delivered");
            // ... so poll.
            assertEquals(RpcErrors.RPC_S_OK, c.pollUntilDone(WAIT_MS));
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(11, c.reply());
        }
    }

    @Test
    void aDroppedEventNotificationIsRecoveredByPolling() {
        plan(6, p -> p.drop_notification_ppm = CERTAIN);
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).event(0)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 50, 6));
            assertEquals(RpcErrors.RPC_S_OK, c.pollUntilDone(WAIT_MS));
            assertEquals(WAIT_TIMEOUT, k32.WaitForSingleObject(c.eventHandle(), 20),
                    "a dropped notification signalled the event");
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(56, c.reply());
        }
    }

    @Test
    void aFaultReplyBecomesTheCompletionStatus() {
        plan(7, p -> {
            p.fault_reply_ppm = CERTAIN;
            p.fault_code = 0x5150;
        });
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            try (RawClientCall c = new RawClientCall(failures).apc(self, 0)) {
                assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 1, 2));
                assertTrue(self.awaitAlertably(() -> c.log.count(Rpcrt4.RpcCallComplete) == 1, WAIT_MS));
                assertEquals(0x5150, c.complete());
            }
            try (RawClientCall c = apcCall(self)) {
                PipeClient pc = pipeSum(self, b, c, chunks(2, 10));
                assertEquals(RpcErrors.RPC_S_OK, pc.pipeFailure, "the pipe itself works");
                assertEquals(0x5150, pc.finish(), "the server faults after pulling it all");
            }
        }
    }

    @Test
    void theScriptedClientDisconnectingMidPipeIsSeenByAJavaServer() throws Exception {
        plan(8, p -> p.disconnect_ppm = CERTAIN);
        AtomicReference<String> seen = new AtomicReference<>();
        SIM_PEER_RESULT r;
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(0);
            RawServerCall.Pulled p = c.pullAll(100, WAIT_MS);
            boolean told = c.awaitInterruption(WAIT_MS);
            int next = c.pullOnce(100);
            seen.set("pulled " + (p.ok() ? "to the end" : "until " + p.status()) + ", told " + told
                    + ", disconnects " + c.log.count(Rpcrt4.RpcClientDisconnect) + ", next pull " + next
                    + ", status " + c.status());
            c.abort(RpcErrors.RPC_S_CALL_FAILED);
        })) {
            SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
            pc.in_chunks = 4;
            pc.in_chunk_elements = 100;
            // The disconnect (after the first push) waits until the server has subscribed:
            // a server is never told of what happened before it subscribed.
            pc.interrupt_when_subscribed = 1;
            r = PeerClient.run(server.endpoint(), pc, (int) WAIT_MS);
            server.awaitCall(WAIT_MS);
        }
        assertEquals(RpcErrors.RPC_S_CALL_FAILED, r.status, PeerClient.describe(r));
        String s = seen.get();
        assertTrue(s.endsWith("told true, disconnects 1, next pull 1726, status 1726"), s);
        assertTrue(!s.startsWith("pulled to the end"), s);
    }

    @Test
    void randomDelaysChangeNoResult() throws Exception {
        plan(9, p -> p.max_delay_ms = 15);
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            try (RawClientCall c = new RawClientCall(failures).apc(self, 0)) {
                assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 40, 2));
                assertTrue(self.awaitAlertably(() -> c.log.count(Rpcrt4.RpcCallComplete) == 1, WAIT_MS));
                assertEquals(RpcErrors.RPC_S_OK, c.complete());
                assertEquals(42, c.reply());
            }
            try (RawClientCall c = apcCall(self)) {
                PipeClient pc = pipeSum(self, b, c, chunks(4, 300));
                assertEquals(RpcErrors.RPC_S_OK, pc.finish(), pc.trace::toString);
                assertEquals(1199 * 1200 / 2, c.reply());
            }
            try (RawClientCall c = apcCall(self)) {
                PipeClient pc = pipeRange(self, b, c, 7, 2500);
                assertArrayEquals(IntStream.range(7, 2507).toArray(), pc.receivedArray());
                assertEquals(RpcErrors.RPC_S_OK, pc.finish(), pc.trace::toString);
                assertEquals(2500, c.reply());
            }
            try (RawClientCall c = apcCall(self)) {
                ASYNC_PIPE in = c.keep(new ASYNC_PIPE());
                ASYNC_PIPE out = c.keep(new ASYNC_PIPE());
                Memory outB = c.keep(new Memory(4));
                assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_PipeEcho(c.p(), b.handle(), 3,
                        in.getPointer(), out.getPointer(), outB));
                in.read();
                out.read();
                PipeClient pc = new PipeClient(c, self, WAIT_MS);
                pc.pushAll(in, chunks(3, 400));
                pc.pullAll(out, 1024);
                assertArrayEquals(IntStream.range(3, 1203).toArray(), pc.receivedArray());
                assertEquals(RpcErrors.RPC_S_OK, pc.finish(), pc.trace::toString);
                assertEquals(1199 * 1200 / 2, c.reply());
                assertEquals(1200, outB.getInt(0));
            }
        }
        // And a Java server under the same delays.
        try (JavaServer server = new JavaServer(c -> {
            c.notifyByApc(Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE);
            RawServerCall.Pulled p = c.pullAll(1024, WAIT_MS);
            int[] echoed = IntStream.of(p.values()).map(x -> x + c.arg1).toArray();
            if (!p.ok() || c.pushAll(echoed, 1024, WAIT_MS) != RpcErrors.RPC_S_OK) {
                c.abort(RpcErrors.RPC_S_CALL_FAILED);
                return;
            }
            c.setB(echoed.length);
            c.complete(IntStream.of(p.values()).sum());
        })) {
            SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_PIPE_ECHO);
            pc.a = 5;
            pc.in_chunks = 3;
            pc.in_chunk_elements = 400;
            SIM_PEER_RESULT r = PeerClient.run(server.endpoint(), pc, (int) WAIT_MS);
            server.awaitCall(WAIT_MS);
            assertEquals(RpcErrors.RPC_S_OK, r.status, PeerClient.describe(r));
            assertEquals(1199 * 1200 / 2, r.reply);
            assertEquals(1200, r.out_b);
            assertEquals(1200, r.out_elements);
            assertEquals(IntStream.range(5, 1205).asLongStream().sum(), r.out_sum);
        }
    }

    /**
     * The same scenario under a plan with seed: twelve calls in a row (Add, and PipeSum whose
     * pushes may fail), and what each ended with.
     */
    private List<String> scenario(long seed) {
        plan(seed, p -> {
            p.fault_reply_ppm = 400_000;
            p.fault_code = 0x5150;
            p.push_fail_ppm = 250_000;
        });
        List<String> outcomes = new ArrayList<>();
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            for (int i = 0; i < 12; i++) {
                if (i % 3 == 2) {
                    try (RawClientCall c = apcCall(self)) {
                        PipeClient pc = pipeSum(self, b, c, chunks(3, 20));
                        int st = pc.finish();
                        outcomes.add("PipeSum: " + pc.pushesOk + " pushes, " + st
                                + (st == RpcErrors.RPC_S_OK ? " -> " + c.reply() : ""));
                    }
                } else {
                    try (RawClientCall c = new RawClientCall(failures).apc(self, 0)) {
                        assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), i, 1000));
                        assertTrue(self.awaitAlertably(() -> c.log.count(Rpcrt4.RpcCallComplete) == 1,
                                WAIT_MS));
                        int st = c.complete();
                        outcomes.add("Add: " + st + (st == RpcErrors.RPC_S_OK ? " -> " + c.reply() : ""));
                    }
                }
            }
        }
        assertEquals(1, sim.sim_quiesce(5_000));
        return outcomes;
    }

    @Test
    void theSameSeedReplaysTheSameOutcomes() {
        List<String> first = scenario(1234);
        List<String> again = scenario(1234);
        assertEquals(first, again);
        assertTrue(first.stream().anyMatch(s -> s.contains(" 0 -> ")), "no call succeeded: " + first);
        assertTrue(first.stream().anyMatch(s -> s.contains(String.valueOf(0x5150))),
                "no fault reply: " + first);
        assertTrue(first.stream().anyMatch(s -> s.contains(String.valueOf(RpcErrors.RPC_S_CALL_FAILED))),
                "no push failure: " + first);
        assertNotEquals(first, scenario(4321), "another seed, other outcomes");
    }
}
