package dev.winrpc.async.bench;

import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.testing.FixtureHost;
import com.sun.jna.Pointer;
import dev.winrpc.async.call.PipeBlock;
import dev.winrpc.async.call.PipeBlocks;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeView;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.generated.fixture.WinRpcFixtureClient;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.stub.StubCall;
import dev.winrpc.async.testing.Simulator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Async pipe throughput: one invocation is one call that streams {@value #VOLUME_MIB} MiB of
 * ints through an async pipe, in chunks of {@code chunk} bytes, between a client and a server
 * in this process, both on the runtime simulator with APC notification.
 *
 * <ul>
 *   <li>{@code in}: PipeSum, the client pushes, the server pulls (the reply is the sum).</li>
 *   <li>{@code out}: PipeRange, the server pushes, the client pulls.</li>
 *   <li>{@code echo}: PipeEcho, the client pushes everything, the server pulls everything, then
 *       pushes it back (each element plus {@link BenchLib#WB_PIPE_ECHO_ADD}) and the client pulls
 *       it: twice the volume, one direction after the other (an in-out pipe's server pulls its
 *       in pipe to the end before it pushes).</li>
 * </ul>
 *
 * <p>{@code impl}: {@code apc} is the library on both sides, through the generated code and the
 * zero-copy API the README recommends for bulk data: a Java client (the generated
 * {@link WinRpcFixtureClient}'s bulk methods {@code pipeSumBulk}, {@code pipeRangeBulk},
 * {@code pipeEchoBulk}, with a {@link PipeWriter#zeroCopy} writer of {@link PipeBlocks} and a
 * {@link PipeReader#lending} reader, on an {@link dev.winrpc.async.dispatch.ApcDispatcher})
 * and a Java server ({@link JavaPipeServer}: an implementation of the generated
 * {@link dev.winrpc.async.generated.fixture.WinRpcFixtureBulkServer} on an ApcDispatcher of its
 * own); {@code c-apc} is the C baseline, winrpcbench.c's C client (on the
 * benchmark thread, one JNA call per invocation) and C server, the same transfer.
 *
 * <p>The unit: {@link OperationsPerInvocation} is the number of MiB an invocation moves through
 * the pipes (both ways for echo), so JMH's "ops/s" are MiB/s, and the gc profiler's
 * {@code gc.alloc.rate.norm} is bytes allocated per MiB moved (client and server together:
 * they share this JVM).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
// One more warm-up second than the other classes: the Java side reaches its steady rate in
// the third second (its per-chunk path is compiled late: a few hundred chunks per call).
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class PipeThroughputBenchmark {

    /**
     * MiB per call (each way for echo): tens of milliseconds per call for the library with
     * 4 KiB chunks, a few for C with 64 KiB ones. winrpcbench.h's WB_PIPE_VOLUME_MIB, the C
     * baseline's default, is the same.
     */
    public static final int VOLUME_MIB = 16;
    /** Ints per call (each way for echo). */
    public static final int ELEMENTS = VOLUME_MIB * (1 << 20) / 4;

    /** The servers, the client's dispatcher and a binding, for the whole trial. */
    @State(Scope.Benchmark)
    public static class Rig {

        /** apc (the library, client and server) or c-apc (the C client and server). */
        @Param({"apc", "c-apc"})
        public String impl;

        /** The chunk in bytes: what the sender pushes and the receiver pulls at once. */
        @Param({"4096", "65536"})
        public int chunk;

        private final BenchLib lib = BenchLib.get();
        private final WinRpcFixtureNative fx = Simulator.fixture();
        private Impl kind;
        private int chunkElements;
        private RpcBinding rpcBinding;
        private Pointer binding;
        // The library.
        private Dispatcher client;
        private WinRpcFixtureClient stubs;
        private Dispatcher server;
        private final List<Throwable> reported = Impl.reports();
        private JavaPipeServer javaServer;
        /** The client's blocks, reused from call to call: one in flight, the next filled when it is back. */
        private PipeBlocks sendBlocks;
        /** The client's arrays for what it sends and what it receives, reused from call to call. */
        private final PipeStreams.Scratch sending = new PipeStreams.Scratch();
        private final PipeStreams.Scratch receiving = new PipeStreams.Scratch();
        // The C baseline.
        private boolean cServer;

        @Setup(Level.Trial)
        public void open() {
            kind = Impl.of(impl);
            if (kind.kind != BenchLib.WB_APC) {
                throw new IllegalArgumentException("impl " + impl + ": a pipe call needs APC "
                        + "notification (apc or c-apc)");
            }
            if (chunk < 4 || chunk % 4 != 0) {
                throw new IllegalArgumentException("chunk " + chunk + ": a positive multiple of 4");
            }
            chunkElements = chunk / 4;
            // No fault plan: no injected delay on any push, pull or notification (the plan's
            // max_delay_ms), no failure, no reply delay; the figures measure the library and
            // the simulator's own machinery, not sleeps.
            Simulators.resetForCalls();
            String endpoint;
            if (kind.c) {
                endpoint = lib.wb_pipe_server_start(chunkElements);
                if (endpoint == null) {
                    throw new IllegalStateException("the C pipe server did not start");
                }
                cServer = true;
            } else {
                client = kind.newDispatcher(reported);
                server = kind.newDispatcher(reported);
                javaServer = new JavaPipeServer(fx, server, chunkElements);
                stubs = new WinRpcFixtureClient(client, fx);
                endpoint = javaServer.endpoint();
                sendBlocks = PipeBlocks.allocate(PipeCodec.INTS, chunkElements, 2);
            }
            // The Java server is one of the fixture's servers (with a manager type of its own,
            // which its object UUID selects); the C server registered the interface without one.
            rpcBinding = kind.c ? RpcBinding.fromString("ncalrpc:[" + endpoint + "]") : FixtureHost.bind(endpoint);
            binding = rpcBinding.handle();
        }

        @TearDown(Level.Trial)
        public void close() {
            String what = "PipeThroughput[" + impl + ", " + chunk + "]";
            rpcBinding.close();
            if (kind.c) {
                if (cServer && lib.wb_pipe_server_stop() != 0) {
                    throw new IllegalStateException(what + ": the C pipe server did not stop cleanly");
                }
            } else {
                try {
                    javaServer.close(); // waits for the server's calls
                } finally {
                    client.close();
                    server.close();
                    sendBlocks.close();
                }
                Impl.checkReports(what, reported);
            }
            Impl.checkSimulator(what);
        }

        /** One call in the direction (BenchLib.WB_PIPE_*), checked. */
        void call(int direction) {
            if (kind.c) {
                if (lib.wb_pipe_call(binding, direction, chunkElements, ELEMENTS) != 0) {
                    throw new IllegalStateException("the C pipe call failed (see stderr)");
                }
                return;
            }
            switch (direction) {
                case BenchLib.WB_PIPE_IN:
                    in();
                    return;
                case BenchLib.WB_PIPE_OUT:
                    out();
                    return;
                default:
                    echo();
            }
        }

        /** PipeSum: push 0 .. ELEMENTS - 1; the reply is their sum. */
        private void in() {
            PipeWriter<PipeBlock> w = PipeWriter.zeroCopy(PipeCodec.INTS);
            StubCall<Integer> call = stubs.pipeSumBulk(rpcBinding, w);
            new PipeStreams.Feeder(w, sendBlocks, sending, 0, ELEMENTS).start();
            expect("PipeSum's reply", call.result().join(), PipeStreams.rangeSum(ELEMENTS));
        }

        /** PipeRange(0, ELEMENTS): pull 0 .. ELEMENTS - 1. */
        private void out() {
            PipeReader<PipeView> r = PipeReader.lending(PipeCodec.INTS, chunkElements);
            StubCall<Integer> call = stubs.pipeRangeBulk(rpcBinding, 0, ELEMENTS, r);
            PipeStreams.Summer got = new PipeStreams.Summer(receiving);
            CompletableFuture<Void> done = r.forEach(got);
            expect("PipeRange's reply", call.result().join(), ELEMENTS);
            done.join();
            expect("elements received", got.count(), ELEMENTS);
            expect("their sum", got.sum(), PipeStreams.rangeSum(ELEMENTS));
        }

        /** PipeEcho(ADD): push 0 .. ELEMENTS - 1, pull each plus ADD. */
        private void echo() {
            PipeWriter<PipeBlock> w = PipeWriter.zeroCopy(PipeCodec.INTS);
            PipeReader<PipeView> r = PipeReader.lending(PipeCodec.INTS, chunkElements);
            StubCall<WinRpcFixtureClient.PipeEchoResult> call = stubs.pipeEchoBulk(rpcBinding, BenchLib.WB_PIPE_ECHO_ADD, w, r);
            PipeStreams.Summer got = new PipeStreams.Summer(receiving);
            CompletableFuture<Void> done = r.forEach(got);
            new PipeStreams.Feeder(w, sendBlocks, sending, 0, ELEMENTS).start();
            int sent = PipeStreams.rangeSum(ELEMENTS);
            WinRpcFixtureClient.PipeEchoResult result = call.result().join();
            expect("PipeEcho's reply", result.reply(), sent);
            done.join();
            expect("[out] b", result.b(), ELEMENTS);
            expect("elements echoed", got.count(), ELEMENTS);
            expect("their sum", got.sum(), sent + BenchLib.WB_PIPE_ECHO_ADD * ELEMENTS);
        }

        private static void expect(String what, int actual, int expected) {
            if (actual != expected) {
                throw new IllegalStateException(what + ": " + actual + ", expected " + expected);
            }
        }
    }

    /** PipeSum: the client pushes {@value #VOLUME_MIB} MiB, the server pulls. */
    @Benchmark
    @OperationsPerInvocation(VOLUME_MIB)
    public void in(Rig rig) {
        rig.call(BenchLib.WB_PIPE_IN);
    }

    /** PipeRange: the server pushes {@value #VOLUME_MIB} MiB, the client pulls. */
    @Benchmark
    @OperationsPerInvocation(VOLUME_MIB)
    public void out(Rig rig) {
        rig.call(BenchLib.WB_PIPE_OUT);
    }

    /** PipeEcho: {@value #VOLUME_MIB} MiB to the server, then back. */
    @Benchmark
    @OperationsPerInvocation(2 * VOLUME_MIB)
    public void echo(Rig rig) {
        rig.call(BenchLib.WB_PIPE_ECHO);
    }
}
