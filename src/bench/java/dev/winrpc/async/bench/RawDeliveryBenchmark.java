package dev.winrpc.async.bench;

import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.Registration;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.Rpcrt4;
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
 * Raw notification delivery: how many notifications per second one dispatcher thread hands to
 * a handler, with no RPC machinery in the stream.
 *
 * <p>The stream is made in C (winrpcbench.c), from the simulator's own primitives, the same
 * for every consumer: for APC delivery, QueueUserAPC of a trampoline that does the runtime's
 * APC work (write pAsync->Event, call the registered notification routine with
 * (pAsync, NULL, Event)); for completion-port delivery, PostQueuedCompletionStatus with the
 * registered state's address as completion key (Event written first). The consumer is the
 * library's {@code ApcDispatcher} / {@code IocpDispatcher} with a registered state whose
 * handler only counts ({@link Counter}), or the C loop doing the same: the same wait
 * (SleepEx / GetQueuedCompletionStatusEx, 64 at a time), the same registry lookup by address,
 * a handler called through a pointer.
 *
 * <ul>
 *   <li>{@code backlog}: the consumer's own cost. Untimed, the dispatcher thread is parked in a
 *       task (the gate) and {@value #BATCH} notifications are queued behind it; timed, the gate
 *       opens and the thread drains them. One operation is one notification delivered.</li>
 *   <li>{@code stream}: a live stream. Timed, the benchmark thread queues {@value #BATCH}
 *       notifications while the dispatcher thread consumes them on the other core, and waits
 *       for the last. The rate is bounded by the slower side (the C producer, for the C loop)
 *       and includes the simulator's lock contention between the two.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RawDeliveryBenchmark {

    /** Notifications per operation batch. */
    public static final int BATCH = 20_000;

    /** The consumer and its producer, for the whole trial. */
    @State(Scope.Benchmark)
    public static class Rig {

        /** apc, iocp (the library) or c-apc, c-iocp (the C loop). */
        @Param({"apc", "iocp", "c-apc", "c-iocp"})
        public String impl;

        private final BenchLib lib = BenchLib.get();
        private Impl kind;
        // The library's dispatcher.
        private Dispatcher dispatcher;
        private final List<Throwable> reported = Impl.reports();
        private RPC_ASYNC_STATE state;
        private Registration registration;
        private final Counter counter = new Counter(false);
        private final Gate gate = new Gate();
        // The C loop.
        private Pointer loop;
        private Pointer cState;
        // The producer's target.
        private Pointer target;
        private Pointer key;
        private Pointer desc;

        @Setup(Level.Trial)
        public void open() {
            kind = Impl.of(impl);
            Pointer routine;
            if (kind.c) {
                loop = lib.wb_loop_start(kind.kind);
                cState = lib.wb_states_new(1);
                if (loop == null || cState == null || lib.wb_loop_register_counter(loop, cState) != 0) {
                    throw new IllegalStateException("the C loop did not start");
                }
                key = cState;
                routine = kind.kind == BenchLib.WB_APC ? lib.wb_loop_routine() : null;
                target = kind.kind == BenchLib.WB_APC ? lib.wb_loop_thread(loop) : lib.wb_loop_port(loop);
            } else {
                dispatcher = kind.newDispatcher(reported);
                state = new RPC_ASYNC_STATE();
                RpcException.check("RpcAsyncInitializeHandle",
                        RpcRuntime.rpcrt4().RpcAsyncInitializeHandle(state, RPC_ASYNC_STATE.SIZE));
                registration = dispatcher.register(state, counter);
                key = state.getPointer();
                // The entry point the dispatcher wrote into u.APC.NotificationRoutine, as the
                // runtime reads it.
                routine = state.NotificationType == Rpcrt4.RpcNotificationTypeApc
                        ? key.getPointer(RPC_ASYNC_STATE.U_OFFSET) : null;
                target = Impl.target(dispatcher);
            }
            desc = routine == null ? null : lib.wb_apc_desc_new(routine, key, Rpcrt4.RpcCallComplete);
        }

        @TearDown(Level.Trial)
        public void close() {
            String what = "RawDelivery[" + impl + "]";
            if (kind.c) {
                long errors = lib.wb_loop_errors(loop);
                lib.wb_loop_stop(loop);
                lib.wb_states_free(cState);
                if (errors != 0) {
                    throw new IllegalStateException(what + ": " + errors + " bad notifications");
                }
            } else {
                registration.close();
                dispatcher.close();
                counter.check(what);
                Impl.checkReports(what, reported);
            }
            if (desc != null) {
                lib.wb_apc_desc_free(desc);
            }
            Impl.checkSimulator(what);
        }

        void produce(int n) {
            int r = desc != null ? lib.wb_produce_apc(target, desc, n)
                    : lib.wb_produce_iocp(target, key, Rpcrt4.RpcCallComplete, n);
            if (r != n) {
                throw new IllegalStateException("the producer stopped after " + (-r - 1));
            }
        }

        /** Untimed: parks the consumer at the gate and queues a batch behind it. */
        void parkAndQueue() {
            if (kind.c) {
                lib.wb_loop_gate_close(loop);
                lib.wb_loop_expect(loop, BATCH);
            } else {
                gate.close(dispatcher);
                counter.expect(BATCH);
            }
            produce(BATCH);
        }

        /** Timed: opens the gate and waits until the batch is delivered. */
        void releaseAndAwait() {
            if (kind.c) {
                if (lib.wb_loop_release_await(loop) != 0) {
                    throw new IllegalStateException("the C loop lost notifications");
                }
            } else {
                gate.open();
                counter.await();
            }
        }

        /** Timed: produces a batch while the consumer consumes it, and waits for the last. */
        void stream() {
            if (kind.c) {
                lib.wb_loop_expect(loop, BATCH);
                produce(BATCH);
                if (lib.wb_loop_await(loop) != 0) {
                    throw new IllegalStateException("the C loop lost notifications");
                }
            } else {
                counter.expect(BATCH);
                produce(BATCH);
                counter.await();
            }
        }
    }

    /** Before each backlog invocation: the batch queued behind the parked consumer. */
    @State(Scope.Benchmark)
    public static class Backlog {
        @Setup(Level.Invocation)
        public void queue(Rig rig) {
            rig.parkAndQueue();
        }
    }

    /** The consumer drains a backlog of {@value #BATCH} queued notifications. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void backlog(Rig rig, Backlog queued) {
        rig.releaseAndAwait();
    }

    /** A producer and the consumer run concurrently on the two cores. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void stream(Rig rig) {
        rig.stream();
    }
}
