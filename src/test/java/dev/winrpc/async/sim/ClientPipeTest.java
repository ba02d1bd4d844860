package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.raw.ASYNC_PIPE;
import dev.winrpc.async.raw.PipeStructures;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.ApcTarget;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.RawClientCall;
import dev.winrpc.async.testing.Failures;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards every async pipe kind in the client's role, against the simulator's scripted server,
 * following the pipe state page's client tables through the raw bindings: an IN pipe (PipeSum:
 * chunks pushed, each followed by RpcSendComplete with RPC_C_NOTIFY_ON_SEND_COMPLETE in Flags, the
 * null push, then the reply), an OUT pipe (PipeRange: pulls that return
 * RPC_S_ASYNC_CALL_PENDING are followed by RpcReceiveComplete before the next pull, until a
 * pull returns 0 elements; every value arrives, in order), and an IN-OUT pipe (PipeEcho: the in
 * pipe, then the out pipe, and [out] b, passed as the int* of a Memory, read after the final
 * RpcAsyncCompleteCall returned RPC_S_OK). The pipe structures, push buffers and [out] memory
 * stay reachable until the final completion, and push buffers stay untouched until their
 * RpcSendComplete. Every notification runs on the calling thread, in its alertable waits.
 */
class ClientPipeTest {

    private static final long WAIT_MS = 10_000;

    private final WinRpcFixtureNative fx = Simulator.fixture();
    @RegisterExtension
    final Failures failures = new Failures();


    /** Chunks of the in pipe, with values that wrap a 32-bit sum. */
    static int[][] inChunks() {
        int[] big = new int[1500];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 7919 - 3000;
        }
        return new int[][] {{1, 2, 3}, big, {Integer.MAX_VALUE, Integer.MAX_VALUE, 5},
            {-1, Integer.MIN_VALUE}, {42}};
    }

    static int wrappingSum(int[][] chunks) {
        int s = 0;
        for (int[] c : chunks) {
            for (int v : c) {
                s += v;
            }
        }
        return s;
    }

    @Test
    void pipeSumPushesChunksThenTheNullPush() {
        int[][] chunks = inChunks();
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(self, Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE)) {
            ASYNC_PIPE in = c.keep(new ASYNC_PIPE());
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_PipeSum(c.p(), b.handle(), in.getPointer()));
            in.read(); // the stub filled it in
            PipeClient pc = new PipeClient(c, self, WAIT_MS);
            pc.pushAll(in, chunks);
            assertEquals(RpcErrors.RPC_S_OK, pc.pipeFailure, () -> pc.trace.toString());
            assertEquals(chunks.length + 1, pc.pushesOk);
            assertEquals(RpcErrors.RPC_S_OK, pc.finish());
            assertEquals(wrappingSum(chunks), c.reply());
            assertTrue(c.log.count(Rpcrt4.RpcSendComplete) >= chunks.length,
                    "one RpcSendComplete per chunk");
            assertEquals(1, c.log.count(Rpcrt4.RpcCallComplete));
            assertEquals(0, c.log.count(Rpcrt4.RpcReceiveComplete));
            assertEquals(Set.of(Thread.currentThread()), c.log.threads());
        }
    }

    /**
     * @param maxDelayMs 0: as fast as the simulator goes (whether a pull finds no data yet is a
     *        matter of timing); 25: with fault-plan seed 18 the scripted server's pushes arrive
     *        24 and 25 ms late, so the first pulls find nothing and go through
     *        RPC_S_ASYNC_CALL_PENDING and RpcReceiveComplete
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 25})
    void pipeRangePullsUntilANullPullAndGetsEveryValue(int maxDelayMs) {
        if (maxDelayMs > 0) {
            SimControl.SIM_FAULT_PLAN plan = new SimControl.SIM_FAULT_PLAN();
            plan.seed = 18;
            plan.max_delay_ms = maxDelayMs;
            Simulator.control().sim_set_fault_plan(plan);
        }
        int start = -1000;
        int count = 2600; // 1024 + 1024 + 552 pushed; pulled 700 at most at a time
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(self, Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE)) {
            ASYNC_PIPE out = c.keep(new ASYNC_PIPE());
            assertEquals(RpcErrors.RPC_S_OK,
                    fx.WinRpcFixture_PipeRange(c.p(), b.handle(), start, count, out.getPointer()));
            out.read();
            PipeClient pc = new PipeClient(c, self, WAIT_MS);
            pc.pullAll(out, 700);
            assertEquals(RpcErrors.RPC_S_OK, pc.pipeFailure, () -> pc.trace.toString());
            int[] want = new int[count];
            for (int i = 0; i < count; i++) {
                want[i] = start + i;
            }
            assertArrayEquals(want, pc.receivedArray());
            if (maxDelayMs > 0) {
                assertTrue(pc.pullsPending >= 1, "no pull was ever pending: " + pc.trace);
            }
            assertEquals(pc.pullsPending, c.log.count(Rpcrt4.RpcReceiveComplete),
                    "one RpcReceiveComplete per pending pull");
            assertEquals(RpcErrors.RPC_S_OK, pc.finish());
            assertEquals(count, c.reply());
            assertEquals(0, c.log.count(Rpcrt4.RpcSendComplete));
            assertEquals(Set.of(Thread.currentThread()), c.log.threads());
        }
    }

    /** Both ways a pipe structure calls pull and push: this JVM's (FFM on JDK 22+), and JNA's. */
    static Stream<Named<Supplier<ASYNC_PIPE>>> pipeStructures() {
        return Stream.of(Named.of("this JVM's way (" + PipeStructures.callsKind(new ASYNC_PIPE()) + ")",
                ASYNC_PIPE::new), Named.of("JNA", PipeStructures::throughJna));
    }

    @ParameterizedTest
    @MethodSource("pipeStructures")
    void pipeEchoPushesThenPullsAndReadsOutBAfterTheFinalCompletion(Supplier<ASYNC_PIPE> pipes) {
        int a = 11;
        int[][] chunks = inChunks();
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(self, Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE)) {
            ASYNC_PIPE in = c.keep(pipes.get());
            ASYNC_PIPE out = c.keep(pipes.get());
            Memory outB = c.keep(new Memory(4));
            outB.setInt(0, -1);
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_PipeEcho(c.p(), b.handle(), a, in.getPointer(),
                    out.getPointer(), outB));
            in.read();
            out.read();
            PipeClient pc = new PipeClient(c, self, WAIT_MS);
            pc.pushAll(in, chunks);
            assertEquals(RpcErrors.RPC_S_OK, pc.pipeFailure, () -> pc.trace.toString());
            pc.pullAll(out, 1024);
            assertEquals(RpcErrors.RPC_S_OK, pc.pipeFailure, () -> pc.trace.toString());
            int n = 0;
            for (int[] ch : chunks) {
                n += ch.length;
            }
            int[] want = new int[n];
            int k = 0;
            for (int[] ch : chunks) {
                for (int v : ch) {
                    want[k++] = v + a;
                }
            }
            assertArrayEquals(want, pc.receivedArray(), "x + a for each x, in order");
            assertEquals(RpcErrors.RPC_S_OK, pc.finish());
            assertEquals(wrappingSum(chunks), c.reply());
            assertEquals(n, outB.getInt(0), "[out] b: the number of elements");
            assertEquals(Set.of(Thread.currentThread()), c.log.threads());
        }
    }

    /**
     * The pipe's alloc hands out a buffer of the requested size and reports that size in bytes:
     * Microsoft's pipe procedures, which MIDL's ASYNC_ pipe structure keeps, count allocations in
     * bytes ("Client-Side Pipe Implementation": "The buffer allocation must be in bytes. The push
     * and pull procedures, on the other hand, manipulate elements"; the Pipedemo sample's alloc
     * sets *allocatedSize to requestedSize, or BUF_SIZE * sizeof(long)), and ASYNC_PIPE.alloc
     * documents bcount as "its size in bytes". The buffer then carries a push.
     */
    @Test
    void allocHandsOutABufferAndReportsItsSizeInBytes() {
        int elements = 1000;
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(self, Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE)) {
            ASYNC_PIPE in = c.keep(new ASYNC_PIPE());
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_PipeSum(c.p(), b.handle(), in.getPointer()));
            in.read();
            PointerByReference buf = new PointerByReference();
            IntByReference bcount = new IntByReference(-1);
            assertEquals(RpcErrors.RPC_S_OK, in.alloc(4 * elements, buf, bcount));
            assertNotNull(buf.getValue());
            int reported = bcount.getValue();

            // Use it for a push (the simulator's buffer really has 4 * elements bytes), and end the
            // call cleanly before judging bcount.
            int[] values = IntStream.range(0, elements).toArray();
            buf.getValue().write(0, values, 0, elements);
            int seen = c.log.count(Rpcrt4.RpcSendComplete);
            assertEquals(RpcErrors.RPC_S_OK, in.push(buf.getValue(), elements));
            assertTrue(self.awaitAlertably(() -> c.log.count(Rpcrt4.RpcSendComplete) > seen, 10_000));
            assertEquals(RpcErrors.RPC_S_OK, in.push(null, 0));
            PipeClient pc = new PipeClient(c, self, WAIT_MS);
            assertEquals(RpcErrors.RPC_S_OK, pc.finish());
            assertEquals(elements * (elements - 1) / 2, c.reply());

            assertEquals(4 * elements, reported,
                    "alloc's bcount must be the allocated size in bytes; the simulator reported "
                            + reported + " for a request of " + (4 * elements) + " bytes");
        }
    }
}
