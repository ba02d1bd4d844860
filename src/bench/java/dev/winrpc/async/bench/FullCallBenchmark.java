package dev.winrpc.async.bench;

import dev.winrpc.async.rpc.RpcBinding;
import com.sun.jna.Pointer;
import dev.winrpc.async.dispatch.Dispatcher;
import java.util.List;
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
 * The full plain call, Java against C: RpcAsyncInitializeHandle, register, Add on "sim-peer"
 * (reply delay 0), the RpcCallComplete notification, RpcAsyncCompleteCall in the handler. The
 * Java side is {@link PlainCall} (the library's raw bindings and dispatcher, every call made
 * from Java); the C side is winrpcbench.c's {@code wb_fullcall_batch} (the same steps in C,
 * with the C loop). One operation is one call (and so one notification).
 *
 * <ul>
 *   <li>{@code window}: {@value #CALLS} calls started back to back by the benchmark thread,
 *       completed by the dispatcher thread; throughput with both threads busy.</li>
 *   <li>{@code single}: one call at a time; the rate is the inverse of the round-trip
 *       latency.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FullCallBenchmark {

    /** Calls in flight per window operation. */
    public static final int CALLS = 256;

    /** The consumer and the call slots, for the whole trial. */
    @State(Scope.Benchmark)
    public static class Rig {

        /** apc, iocp (the library) or c-apc, c-iocp (the C loop). */
        @Param({"apc", "iocp", "c-apc", "c-iocp"})
        public String impl;

        private final BenchLib lib = BenchLib.get();
        private Impl kind;
        private RpcBinding rpcBinding;
        private Pointer binding;
        private Dispatcher dispatcher;
        private final List<Throwable> reported = Impl.reports();
        private final Counter done = new Counter(true);
        private final PlainCall[] calls = new PlainCall[CALLS];
        private Pointer loop;

        @Setup(Level.Trial)
        public void open() {
            kind = Impl.of(impl);
            Simulators.resetForCalls();
            // The binding, as an application makes one (the C loop uses its handle too).
            rpcBinding = RpcBinding.fromString("ncalrpc:[" + Simulators.PEER + "]");
            binding = rpcBinding.handle();
            if (kind.c) {
                loop = lib.wb_loop_start(kind.kind);
                if (loop == null) {
                    throw new IllegalStateException("the C loop did not start");
                }
                lib.wb_loop_set_blocking(loop, 1); // as the Java side's Counter(true)
            } else {
                dispatcher = kind.newDispatcher(reported);
                for (int i = 0; i < CALLS; i++) {
                    calls[i] = new PlainCall(done);
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            String what = "FullCall[" + impl + "]";
            rpcBinding.close();
            if (kind.c) {
                long errors = lib.wb_loop_errors(loop);
                lib.wb_loop_stop(loop);
                if (errors != 0) {
                    throw new IllegalStateException(what + ": " + errors + " failed calls");
                }
            } else {
                dispatcher.close();
                done.check(what);
                Impl.checkReports(what, reported);
            }
            Impl.checkSimulator(what);
        }

        void run(int n) {
            if (kind.c) {
                if (lib.wb_fullcall_batch(loop, binding, n) != 0) {
                    throw new IllegalStateException("C full calls failed");
                }
                return;
            }
            done.expect(n);
            for (int i = 0; i < n; i++) {
                calls[i].start(dispatcher, binding, i);
            }
            done.await();
        }
    }

    /** {@value #CALLS} calls in flight, started back to back. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void window(Rig rig) {
        rig.run(CALLS);
    }

    /** One call at a time. */
    @Benchmark
    public void single(Rig rig) {
        rig.run(1);
    }
}
