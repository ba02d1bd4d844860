package dev.winrpc.async.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Direct;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.RawCall;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the allocation work of issue 12 must keep: a plain call's state reused from call to call
 * (as {@code FullCallBenchmark} does) is notified on the dispatcher's thread through an entry
 * point that outlives garbage collections. How much it allocates is measured by the benchmarks
 * ({@code FullCallBenchmark}, {@code RawDeliveryBenchmark}: docs/benchmarks.md), not asserted
 * here.
 */
class SteadyStateCallTest {

    private final WinRpcFixtureNative fx = Simulator.fixture();

    static Stream<Named<Supplier<Dispatcher>>> dispatchers() {
        return Stream.of(Named.of("apc", ApcDispatcher::new), Named.of("apc, JNA's upcall", SteadyStateCallTest::jnaApc),
                Named.of("iocp", IocpDispatcher::new));
    }

    /** An APC dispatcher made with {@code winrpc.upcalls=jna}: JNA's callback even where FFM is there. */
    private static ApcDispatcher jnaApc() {
        String before = System.getProperty(Upcalls.PROPERTY);
        System.setProperty(Upcalls.PROPERTY, "jna");
        try {
            return new ApcDispatcher();
        } finally {
            if (before == null) {
                System.clearProperty(Upcalls.PROPERTY);
            } else {
                System.setProperty(Upcalls.PROPERTY, before);
            }
        }
    }

    /**
     * What the routine's kind must be on this JVM: an FFM upcall stub on JDK 22+ (64-bit), the
     * incubating linker's on JDK 17 when the JVM was started with it (the build's
     * jdk17-incubator profile does), else JNA's direct-mode callback.
     */
    private static String expectedKind() {
        if (Native.POINTER_SIZE != 8) {
            return "jna";
        }
        if (Runtime.version().feature() >= 22) {
            return "ffm";
        }
        boolean incubator = Runtime.version().feature() == 17
                && ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent();
        return incubator ? "ffm-incubator" : "jna-direct";
    }

    /** {@code kind} behind the recorder where this platform has its code and it is not turned off. */
    static String recorded(String kind) {
        boolean on = ApcRecorderCode.forPlatform(com.sun.jna.Platform.isWindows(), com.sun.jna.Platform.ARCH) != null
                && !"false".equalsIgnoreCase(System.getProperty(ApcRecorder.PROPERTY, "true"));
        return on ? "recorder+" + kind : kind;
    }

    @Test
    void theApcRoutineIsAnFfmUpcallOnJdk22AndLaterAndJnaWhenAsked() {
        try (ApcDispatcher d = new ApcDispatcher(); ApcDispatcher j = jnaApc()) {
            assertEquals(recorded(expectedKind()), d.routine().kind(), "the default upcall on Java "
                    + Runtime.version().feature() + " (ffm needs the build's META-INF/versions/22, made by JDK 22+)");
            assertEquals(recorded(Native.POINTER_SIZE == 8 ? "jna-direct" : "jna"), j.routine().kind());
            assertNotEquals(d.routine().entryPoint(), j.routine().entryPoint());
        }
    }

    /** One call slot, reused: its state and reply buffer are made once. */
    private static final class Slot implements NotificationTarget {
        final RPC_ASYNC_STATE state = new RPC_ASYNC_STATE();
        final Pointer address = state.getPointer();
        final Memory reply = new Memory(4);
        final AtomicInteger errors;
        final AtomicReference<Thread> wrongThread;
        Dispatcher dispatcher;
        Registration registration;
        CountDownLatch done;
        int expect;

        Slot(AtomicInteger errors, AtomicReference<Thread> wrongThread) {
            this.errors = errors;
            this.wrongThread = wrongThread;
        }

        @Override
        public void onNotification(int event) {
            if (!dispatcher.inDispatcherThread()) {
                wrongThread.set(Thread.currentThread());
            }
            if (event != Rpcrt4.RpcCallComplete) {
                errors.incrementAndGet();
                return;
            }
            int st = Rpcrt4Direct.RpcAsyncCompleteCall(address, reply);
            if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
                return;
            }
            registration.close();
            if (st != RpcErrors.RPC_S_OK || reply.getInt(0) != expect) {
                errors.incrementAndGet();
            }
            done.countDown();
        }

        @Override
        public void onFailure(Throwable cause) {
            errors.incrementAndGet();
        }
    }

    /** Runs rounds of calls, every slot once per round. */
    private void run(Dispatcher d, Binding b, Slot[] slots, int rounds) throws InterruptedException {
        for (int r = 0; r < rounds; r++) {
            CountDownLatch done = new CountDownLatch(slots.length);
            for (int i = 0; i < slots.length; i++) {
                Slot s = slots[i];
                s.done = done;
                s.dispatcher = d;
                assertEquals(RpcErrors.RPC_S_OK, Rpcrt4Direct.RpcAsyncInitializeHandle(s.address, RPC_ASYNC_STATE.SIZE));
                s.expect = i + 7;
                s.registration = d.register(s.state, s);
                assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(s.address, b.handle(), i, 7));
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "calls stopped completing");
        }
    }

    @ParameterizedTest
    @MethodSource("dispatchers")
    void reusedStatesAreNotifiedOnTheDispatcherThroughAnEntryPointThatOutlivesCollections(Supplier<Dispatcher> kind)
            throws Exception {
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<Thread> wrongThread = new AtomicReference<>();
        Slot[] slots = new Slot[16];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(errors, wrongThread);
        }
        try (Dispatcher d = kind.get(); Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT)) {
            run(d, b, slots, 40); // warm-up
            // A collection must not take the entry point the states hold away (JNA frees a
            // callback's entry point once the callback object is collected).
            System.gc();
            run(d, b, slots, 100);
            assertEquals(0, errors.get(), "calls failed or got a wrong reply");
            assertNull(wrongThread.get(), "a notification ran off the dispatcher thread");
            assertEquals(0, d.registeredCalls());
        }
    }

    @Test
    void anApcDispatcherWritesItsRoutinesDirectEntryPointIntoEveryState() throws Exception {
        try (ApcDispatcher d = new ApcDispatcher()) {
            RawCall c = new RawCall().register(d);
            try {
                Pointer written = c.state.getPointer().getPointer(RPC_ASYNC_STATE.U_OFFSET);
                Pointer thread = c.state.getPointer().getPointer(RPC_ASYNC_STATE.U_OFFSET + Native.POINTER_SIZE);
                assertEquals(d.threadHandle().getPointer(), thread, "u.APC.hThread");
                Pointer ordinary = CallbackReference.getFunctionPointer(d.routine());
                if (Native.POINTER_SIZE == 8) {
                    assertNotNull(d.routine().entryPoint(), "no direct entry point on a 64-bit process");
                    assertEquals(d.routine().entryPoint(), written, "u.APC.NotificationRoutine");
                    assertNotEquals(ordinary, written, "JNA's boxing entry point was written");
                } else {
                    assertNull(d.routine().entryPoint());
                    assertEquals(ordinary, written, "u.APC.NotificationRoutine on 32-bit");
                }
                // JNA reading the state back (as passing it to a function bound by interface
                // does) finds a routine at that address, of the field's type: the dispatcher's
                // own for JNA's entry points, a proxy of the same address for an FFM stub (so
                // that writing the state again writes the same routine).
                c.state.read();
                if (!d.routine().kind().startsWith("jna")) { // an FFM stub or the recorder: not JNA's
                    assertEquals(written, CallbackReference.getFunctionPointer(c.state.u.APC.NotificationRoutine));
                } else {
                    assertSame(d.routine(), c.state.u.APC.NotificationRoutine);
                }
            } finally {
                c.registration().close();
            }
        }
    }
}
