package dev.winrpc.async.sim;

import static dev.winrpc.async.sim.BindingSupport.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.Deadline;
import dev.winrpc.async.RpcDeadlineExceededException;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.Reply;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.raw.RPC_SECURITY_QOS;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.RpcWstr;
import dev.winrpc.async.raw.Rpcrt4Binding;
import dev.winrpc.async.rpc.RpcAuth;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link RpcBinding} on the runtime simulator: string bindings and the builder, every bad input
 * refused in Java or with the runtime's status, typed authentication as the runtime records it,
 * the default deadline, calls in flight keeping the handle alive, and close (twice, with calls
 * in flight, from a notification handler). The oracle (after each test) finds no leaked
 * binding or string.
 *
 * <p>The calls are the fixture's ({@code fx_Sleep} on the RpcBinding's own handle, to the
 * simulator's server on ncalrpc:[sim-peer]): the runtime counts them on the handle as the
 * binding does.
 */
class RpcBindingTest {

    /** The simulator's own fixture server: the fixture's client stubs take the RpcBinding's handle. */
    private static final String PEER = "ncalrpc:[" + SimControl.SIM_PEER_ENDPOINT + "]";

    private static final int FOREVER = -1;

    private final WinRpcFixtureNative fx = Simulator.fixture();
    private final SimControl sim = Simulator.control();

    @Test
    void aStringBindingRoundTripsAndCloseIsIdempotent() {
        RpcBinding b = RpcBinding.fromString("ncalrpc:[safe-rt]");
        assertEquals("ncalrpc:[safe-rt]", b.toStringBinding());
        assertEquals(1, sim.sim_counter(SimControl.SIM_COUNT_BINDINGS));
        assertTrue(b.defaultDeadline().isNone());
        assertEquals(RpcErrors.RPC_S_SERVER_UNAVAILABLE,
                assertThrows(RpcException.class, b::isServerListening, "no server on that endpoint").status());
        b.close();
        assertTrue(b.isClosed());
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_BINDINGS));
        b.close(); // a no-op: no second RpcBindingFree (the oracle would record it)
        assertThrows(IllegalStateException.class, b::handle);
        assertThrows(IllegalStateException.class, b::toStringBinding);
        assertThrows(IllegalStateException.class, b::isServerListening);
    }

    @Test
    void theBuilderComposesEscapesAndFreesTheComposedString() {
        UUID obj = UUID.fromString("12345678-1234-1234-1234-123456789abc");
        try (RpcBinding b = RpcBinding.builder().protocolSequence("ncacn_np").networkAddress("host")
                .endpoint("\\pipe\\a[1]").option("security", "x").objectUuid(obj).build()) {
            assertEquals(obj + "@ncacn_np:host[\\\\pipe\\\\a\\[1\\],security=x]", b.toStringBinding());
            assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_RPC_ALLOCS), "the composed string was freed");
        }
    }

    @Test
    void everyBadStringIsRefusedInJavaOrWithItsStatus() {
        assertThrows(NullPointerException.class, () -> RpcBinding.fromString(null));
        assertThrows(IllegalArgumentException.class, () -> RpcBinding.fromString(""));
        assertThrows(IllegalArgumentException.class, () -> RpcBinding.fromString("   "));
        assertThrows(IllegalArgumentException.class, () -> RpcBinding.fromString("ncalrpc:[a\0b]"));
        assertEquals(RpcErrors.RPC_S_INVALID_STRING_BINDING,
                assertThrows(RpcException.class, () -> RpcBinding.fromString("ncalrpc:[ep")).status());
        assertEquals(RpcErrors.RPC_S_INVALID_STRING_BINDING,
                assertThrows(RpcException.class, () -> RpcBinding.fromString("ncalrpc")).status());
        RpcException e = assertThrows(RpcException.class, () -> RpcBinding.fromString("carrier-pigeon:roof"));
        assertEquals(RpcErrors.RPC_S_PROTSEQ_NOT_SUPPORTED, e.status());
        assertEquals("RpcBindingFromStringBindingW", e.function());
        assertEquals(RpcErrors.RPC_S_PROTSEQ_NOT_SUPPORTED, assertThrows(RpcException.class,
                () -> RpcBinding.builder().protocolSequence("ncadg_ip_udp").networkAddress("h").build()).status());
        assertEquals(RpcErrors.RPC_S_INVALID_ENDPOINT_FORMAT, assertThrows(RpcException.class,
                () -> RpcBinding.builder().protocolSequence("ncacn_ip_tcp").endpoint("http").build()).status());
        assertThrows(IllegalStateException.class, () -> RpcBinding.builder().build(), "neither");
        assertThrows(IllegalStateException.class,
                () -> RpcBinding.builder().stringBinding("ncalrpc:[x]").protocolSequence("ncalrpc").build(), "both");
        assertThrows(IllegalArgumentException.class, () -> RpcBinding.builder().protocolSequence(""));
        assertThrows(IllegalArgumentException.class, () -> RpcBinding.builder().option("a=b", "c"));
        assertThrows(IllegalArgumentException.class, () -> RpcBinding.builder().option("", "c"));
        assertThrows(IllegalArgumentException.class, () -> RpcBinding.builder().closeTimeout(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> RpcBinding.builder().deadline(null));
        assertThrows(IllegalArgumentException.class, () -> RpcBinding.builder().deadline(Deadline.after(Duration.ZERO)));
        assertThrows(IllegalArgumentException.class,
                () -> RpcBinding.builder().deadline(Deadline.after(Duration.ofMillis(-1))));
        assertThrows(IllegalArgumentException.class,
                () -> RpcAuth.of(RpcAuth.Level.PKT_PRIVACY, RpcAuth.Service.NONE, null));
        assertThrows(IllegalArgumentException.class, () -> new RpcAuth.Identity("", null, new char[0]));
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_BINDINGS), "nothing was left");
    }

    @Test
    void authenticationIsAppliedAsTypedAndThePasswordWiped() {
        char[] mine = "secret".toCharArray();
        RpcAuth.Identity alice = new RpcAuth.Identity("alice", "CORP", mine);
        assertTrue(alice.toString().contains("password hidden") && !alice.toString().contains("secret"));
        RpcAuth auth = new RpcAuth(RpcAuth.Level.PKT_PRIVACY, RpcAuth.Service.WINNT, "host/server",
                RpcAuth.ImpersonationLevel.IDENTIFY, alice);
        try (RpcBinding b = RpcBinding.builder().protocolSequence("ncacn_ip_tcp").networkAddress("localhost")
                .endpoint("4747").auth(auth).build()) {
            assertTrue(alice.isWiped(), "wiped once applied");
            assertEquals("secret", new String(mine), "the caller's own array is the caller's");
            PointerByReference spn = new PointerByReference();
            IntByReference level = new IntByReference();
            IntByReference svc = new IntByReference();
            RPC_SECURITY_QOS qos = new RPC_SECURITY_QOS();
            assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingInqAuthInfoExW(b.handle(), spn, level, svc, null, null,
                    Rpcrt4Binding.RPC_C_SECURITY_QOS_VERSION, qos));
            assertEquals("host/server", RpcWstr.read(spn.getValue()));
            assertEquals(RpcErrors.RPC_S_OK, B.RpcStringFreeW(spn));
            assertEquals(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_PRIVACY, level.getValue());
            assertEquals(Rpcrt4Binding.RPC_C_AUTHN_WINNT, svc.getValue());
            assertEquals(Rpcrt4Binding.RPC_C_IMP_LEVEL_IDENTIFY, qos.ImpersonationType);
            assertEquals(Rpcrt4Binding.RPC_C_QOS_IDENTITY_STATIC, qos.IdentityTracking);
        }
    }

    @Test
    void theDefaultDeadlineAppliesUnlessTheCallSetsItsOwn() throws Exception {
        try (Dispatcher d = new ApcDispatcher();
                RpcBinding b = RpcBinding.builder().stringBinding(PEER)
                        .deadline(Deadline.after(Duration.ofMillis(100))).build()) {
            ClientCall<Integer> late = b.start(d, Reply.INT, (h, ctx) -> fx.WinRpcFixture_Sleep(ctx.pAsync(), h, FOREVER));
            RpcDeadlineExceededException e = assertInstanceOf(RpcDeadlineExceededException.class, failure(late.result()));
            assertEquals(Duration.ofMillis(100), e.deadline());
            ClientCall<Integer> own = b.start(b.call(d, Reply.INT).deadline(Deadline.none()),
                    (h, ctx) -> fx.WinRpcFixture_Sleep(ctx.pAsync(), h, 300));
            own.result().get(30, TimeUnit.SECONDS); // no deadline: the call's own choice
            assertEquals(0, b.callsInFlight());
        }
    }

    @Test
    void theStubGetsTheHandleAndACallInFlightKeepsItUntilItsEnd() throws Exception {
        try (Dispatcher d = new ApcDispatcher()) {
            RpcBinding b = RpcBinding.builder().stringBinding(PEER).build();
            AtomicReference<Object> given = new AtomicReference<>();
            ClientCall<Integer> c = b.start(d, Reply.INT, (h, ctx) -> {
                given.set(h);
                return fx.WinRpcFixture_Sleep(ctx.pAsync(), h, 300);
            });
            assertEquals(1, b.callsInFlight());
            b.close(); // waits for the call (bounded by the default 10 s)
            assertTrue(c.ended(), "close returned after the call's end");
            c.result().get(30, TimeUnit.SECONDS);
            assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_BINDINGS));
            assertEquals(com.sun.jna.Pointer.class, given.get().getClass());
            assertThrows(IllegalStateException.class, () -> b.start(d, Reply.INT, (h, ctx) -> 0));
        }
    }

    @Test
    void closeWithACallStuckPastTheTimeoutCancelsItFailsClearlyAndFreesAtItsEnd() {
        try (Dispatcher d = new ApcDispatcher()) {
            RpcBinding b = RpcBinding.builder().stringBinding(PEER)
                    .closeTimeout(Duration.ofMillis(50)).build();
            ClientCall<Integer> c = b.start(d, Reply.INT, (h, ctx) -> fx.WinRpcFixture_Sleep(ctx.pAsync(), h, FOREVER));
            IllegalStateException e = assertThrows(IllegalStateException.class, b::close);
            assertTrue(e.getMessage().contains("cancelled abortively"), e.getMessage());
            RpcException cancelled = assertInstanceOf(RpcException.class, failure(c.result()));
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, cancelled.status());
            awaitNoBinding();
            b.close(); // a no-op now
            assertThrows(IllegalStateException.class, b::handle);
        }
    }

    @Test
    void closeFromANotificationHandlerDoesNotDeadlock() throws Exception {
        try (Dispatcher d = new ApcDispatcher()) {
            RpcBinding b = RpcBinding.fromString(PEER);
            ClientCall<Integer> longer = b.start(d, Reply.INT, (h, ctx) -> fx.WinRpcFixture_Sleep(ctx.pAsync(), h, FOREVER));
            ClientCall<Integer> quick = b.start(d, Reply.INT, (h, ctx) -> fx.WinRpcFixture_Sleep(ctx.pAsync(), h, 10));
            CompletableFuture<Thread> closedOn = new CompletableFuture<>();
            quick.result().whenComplete((r, t) -> {
                try {
                    b.close(); // on the dispatcher thread, another call in flight: deferred
                    closedOn.complete(Thread.currentThread());
                } catch (Throwable x) {
                    closedOn.completeExceptionally(x);
                }
            });
            assertSame(d.thread(), closedOn.get(30, TimeUnit.SECONDS));
            assertTrue(b.isClosed());
            assertEquals(1, sim.sim_counter(SimControl.SIM_COUNT_BINDINGS), "kept for the call in flight");
            longer.cancel(true);
            failure(longer.result());
            awaitNoBinding();
            // The last call's own handler closing it frees it at once.
            RpcBinding b2 = RpcBinding.fromString(PEER);
            ClientCall<Integer> only = b2.start(d, Reply.INT, (h, ctx) -> fx.WinRpcFixture_Sleep(ctx.pAsync(), h, 10));
            CompletableFuture<Integer> left = new CompletableFuture<>();
            only.result().whenComplete((r, t) -> {
                b2.close();
                left.complete(sim.sim_counter(SimControl.SIM_COUNT_BINDINGS) > 0 ? 1 : 0);
            });
            assertEquals(0, left.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeRacingTheEndOfCallsNeverLeaksNorFreesEarly() throws Exception {
        try (Dispatcher d = new ApcDispatcher()) {
            for (int i = 0; i < 200; i++) {
                RpcBinding b = RpcBinding.fromString(PEER);
                ClientCall<Integer> c = b.start(d, Reply.INT, (h, ctx) -> fx.WinRpcFixture_Sleep(ctx.pAsync(), h, 0));
                if (i % 2 == 0) {
                    Thread.yield();
                }
                b.close(); // waits for the call: it ends well, and only then is the handle freed
                assertTrue(c.ended(), "iteration " + i);
                assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_BINDINGS), "iteration " + i);
                c.result().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aCallThatFailsToStartOrThrowsInItsStubStillReleasesTheBinding() {
        try (Dispatcher d = new ApcDispatcher()) {
            RpcBinding b = RpcBinding.fromString("ncalrpc:[refused]");
            ClientCall<Integer> refused = b.start(d, Reply.INT, (h, ctx) -> RpcErrors.RPC_S_SERVER_UNAVAILABLE);
            assertEquals(RpcErrors.RPC_S_SERVER_UNAVAILABLE,
                    assertInstanceOf(RpcException.class, failure(refused.result())).status());
            ClientCall<Integer> thrown = b.start(d, Reply.INT, (h, ctx) -> {
                throw new IllegalStateException("a bug in the stub");
            });
            assertInstanceOf(IllegalStateException.class, failure(thrown.result()));
            assertEquals(0, b.callsInFlight());
            b.close();
            assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_BINDINGS));
        }
    }

    private void awaitNoBinding() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sim.sim_counter(SimControl.SIM_COUNT_BINDINGS) != 0 && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_BINDINGS), "freed when the call ended");
    }

    private static Throwable failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, () -> f.orTimeout(30, TimeUnit.SECONDS).join());
        return e.getCause();
    }
}
