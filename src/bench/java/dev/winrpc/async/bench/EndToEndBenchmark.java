package dev.winrpc.async.bench;

import dev.winrpc.async.rpc.RpcBinding;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.Registration;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
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
 * End-to-end notifications of real fixture calls: the RpcCallComplete notification of fx_Add on
 * "sim-peer" (reply delay 0), issued by the simulator's delivery thread through its real
 * notification path (its APC with the runtime's bookkeeping, or its completion post), delivered
 * to a counting handler by the library's dispatcher or by the C loop.
 *
 * <p>So that only delivery differs, the calls are started and completed in C for both sides
 * (winrpcbench.c: {@code wb_calls_start}, RpcAsyncInitializeHandle and fx_Add for each of
 * {@value #CALLS} states; {@code wb_calls_complete}, RpcAsyncCompleteCall for each), one JNA
 * call per batch. The states are registered once, for the trial (RpcAsyncInitializeHandle
 * leaves the notification fields alone). One operation is one call's notification; the time
 * includes the simulator's call machinery (a thread per dispatched call, its delivery thread),
 * which is the same for both sides and dominates.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EndToEndBenchmark {

    /** Calls in flight per operation batch. */
    public static final int CALLS = 256;

    /** The consumer, its registered states and a binding, for the whole trial. */
    @State(Scope.Benchmark)
    public static class Rig {

        /** apc, iocp (the library) or c-apc, c-iocp (the C loop). */
        @Param({"apc", "iocp", "c-apc", "c-iocp"})
        public String impl;

        private final BenchLib lib = BenchLib.get();
        private Impl kind;
        private RpcBinding rpcBinding;
        private Pointer binding;
        /** The states' addresses, for wb_calls_start / wb_calls_complete. */
        private final Memory ptrs = new Memory((long) CALLS * Native.POINTER_SIZE);
        // The library's dispatcher.
        private Dispatcher dispatcher;
        private final List<Throwable> reported = Impl.reports();
        private final RPC_ASYNC_STATE[] states = new RPC_ASYNC_STATE[CALLS];
        private final Registration[] registrations = new Registration[CALLS];
        private final Counter counter = new Counter(true);
        // The C loop.
        private Pointer loop;
        private Pointer cStates;

        @Setup(Level.Trial)
        public void open() {
            kind = Impl.of(impl);
            Simulators.resetForCalls();
            rpcBinding = RpcBinding.fromString("ncalrpc:[" + Simulators.PEER + "]");
            binding = rpcBinding.handle();
            if (kind.c) {
                loop = lib.wb_loop_start(kind.kind);
                cStates = lib.wb_states_new(CALLS);
                if (loop == null || cStates == null) {
                    throw new IllegalStateException("the C loop did not start");
                }
                lib.wb_loop_set_blocking(loop, 1); // as the Java side's Counter(true)
                for (int i = 0; i < CALLS; i++) {
                    Pointer s = lib.wb_state_at(cStates, i);
                    if (lib.wb_loop_register_counter(loop, s) != 0) {
                        throw new IllegalStateException("could not register a state");
                    }
                    ptrs.setPointer((long) i * Native.POINTER_SIZE, s);
                }
            } else {
                dispatcher = kind.newDispatcher(reported);
                for (int i = 0; i < CALLS; i++) {
                    RPC_ASYNC_STATE s = new RPC_ASYNC_STATE();
                    RpcException.check("RpcAsyncInitializeHandle",
                            RpcRuntime.rpcrt4().RpcAsyncInitializeHandle(s, RPC_ASYNC_STATE.SIZE));
                    states[i] = s;
                    registrations[i] = dispatcher.register(s, counter);
                    ptrs.setPointer((long) i * Native.POINTER_SIZE, s.getPointer());
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            String what = "EndToEnd[" + impl + "]";
            rpcBinding.close();
            if (kind.c) {
                long errors = lib.wb_loop_errors(loop);
                lib.wb_loop_stop(loop);
                lib.wb_states_free(cStates);
                if (errors != 0) {
                    throw new IllegalStateException(what + ": " + errors + " bad notifications");
                }
            } else {
                for (Registration r : registrations) {
                    r.close();
                }
                dispatcher.close();
                counter.check(what);
                Impl.checkReports(what, reported);
            }
            Impl.checkSimulator(what);
        }

        void batch() {
            if (kind.c) {
                lib.wb_loop_expect(loop, CALLS);
            } else {
                counter.expect(CALLS);
            }
            int started = lib.wb_calls_start(ptrs, CALLS, binding);
            if (started != CALLS) {
                throw new IllegalStateException("only " + started + " calls started");
            }
            if (kind.c) {
                if (lib.wb_loop_await(loop) != 0) {
                    throw new IllegalStateException("the C loop lost notifications");
                }
            } else {
                counter.await();
            }
            int ok = lib.wb_calls_complete(ptrs, CALLS);
            if (ok != CALLS) {
                throw new IllegalStateException("only " + ok + " calls completed with the right reply");
            }
        }
    }

    /** {@value #CALLS} fx_Add calls started, their notifications delivered, then completed. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void notifications(Rig rig) {
        rig.batch();
    }
}
