package dev.winrpc.async.sim;

import static dev.winrpc.async.sim.BindingSupport.ifspec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4Server;
import dev.winrpc.async.rpc.CallerInfo;
import dev.winrpc.async.rpc.IfFlag;
import dev.winrpc.async.rpc.Impersonation;
import dev.winrpc.async.rpc.RpcAuth;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.rpc.RpcInterface;
import dev.winrpc.async.rpc.RpcServer;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link RpcServer} on the runtime simulator, with calls made by its call entry
 * ({@code sim_call_interface}) as the raw ServerHostingTest makes them: endpoints fixed and
 * dynamic, typed flags, a security callback written in Java (its verdict enforced, a throw
 * denied and reported), {@link CallerInfo} and {@link Impersonation} in a manager routine,
 * every bad input, and close (twice, bounded with a call in flight, refused from the server's
 * own security callback or manager routine). After each test the oracle finds nothing
 * listening, registered or mapped, and no misuse.
 */
class RpcServerTest {

    private final SimControl sim = Simulator.control();
    private final Memory iface = ifspec(0x5afe0001, 1);

    private int call(RpcBinding b, Pointer ifs, SimControl.SIM_MANAGER_FN m) {
        return sim.sim_call_interface(b.handle(), ifs, (short) 3, m, null);
    }

    private static SimControl.SIM_MANAGER_FN returning(int v) {
        return (ctx, h) -> v;
    }

    private static RpcAuth winnt(String user) {
        return new RpcAuth(RpcAuth.Level.PKT_PRIVACY, RpcAuth.Service.WINNT, null,
                RpcAuth.ImpersonationLevel.IMPERSONATE, new RpcAuth.Identity(user, "CORP", "pw".toCharArray()));
    }

    @Test
    void aServerListensWithoutBlockingServesAndClosesEverything() {
        AtomicReference<CallerInfo> seen = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        SimControl.SIM_MANAGER_FN m = (ctx, h) -> {
            try {
                seen.set(CallerInfo.of(h));
                return 42;
            } catch (Throwable t) {
                failed.set(t);
                return RpcErrors.RPC_S_CALL_FAILED;
            }
        };
        RpcServer s = RpcServer.builder().endpoint("ncalrpc", "srv-a").register(RpcInterface.of(iface)).build();
        try (RpcBinding b = RpcBinding.fromString("ncalrpc:[srv-a]")) {
            assertEquals(RpcErrors.RPC_S_SERVER_UNAVAILABLE, call(b, iface, m), "registered, not listening");
            s.start();
            assertTrue(s.isListening());
            assertTrue(b.isServerListening());
            assertThrows(IllegalStateException.class, s::start);
            assertEquals(42, call(b, iface, m));
            assertNull(failed.get());
            CallerInfo c = seen.get();
            assertEquals("ncalrpc", c.protocolSequence());
            assertEquals(RpcAuth.Level.NONE, c.authnLevel());
            assertFalse(c.authenticated());
            assertNull(c.clientPrincipal());
            assertTrue(c.local());
            assertEquals(ProcessHandle.current().pid(), c.clientPid());
            assertEquals(3, c.opNum());
            s.close();
            assertTrue(s.isClosed());
            assertFalse(b.isServerListening());
            assertEquals(RpcErrors.RPC_S_SERVER_UNAVAILABLE, call(b, iface, m));
        }
        s.close(); // a no-op
        assertThrows(IllegalStateException.class, s::start);
        assertThrows(IllegalStateException.class, s::bindings);
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_INTERFACES));
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_LISTENING));
    }

    @Test
    void everyBadInputIsRefusedAndAFailedBuildLeavesNothingRegistered() {
        assertThrows(IllegalStateException.class, () -> RpcServer.builder().build(), "no endpoint");
        assertThrows(IllegalArgumentException.class, () -> RpcServer.builder().endpoint("", "x"));
        assertThrows(IllegalArgumentException.class, () -> RpcServer.builder().endpoint("ncalrpc", "a\0b"));
        assertThrows(NullPointerException.class, () -> RpcServer.builder().endpoint("ncalrpc", null));
        assertThrows(IllegalArgumentException.class, () -> RpcServer.builder().authInfo(RpcAuth.Service.NONE, null));
        assertThrows(IllegalArgumentException.class, () -> RpcServer.builder().maxCalls(0));
        assertThrows(IllegalArgumentException.class,
                () -> RpcServer.builder().register(RpcInterface.of(iface)).register(RpcInterface.of(iface)));
        assertThrows(NullPointerException.class, () -> RpcInterface.of(null));
        assertThrows(IllegalArgumentException.class, () -> RpcInterface.of(iface).withMaxCalls(0));
        assertEquals(RpcErrors.RPC_S_PROTSEQ_NOT_SUPPORTED, assertThrows(RpcException.class,
                () -> RpcServer.builder().endpoint("ncadg_ip_udp", "135").build()).status());
        try (RpcServer first = RpcServer.builder().endpoint("ncalrpc", "in-use").register(RpcInterface.of(iface)).build()) {
            RpcException dup = assertThrows(RpcException.class, () -> RpcServer.builder().endpoint("ncalrpc", "in-use")
                    .register(RpcInterface.of(ifspec(0x5afe0002, 1))).build());
            assertEquals(RpcErrors.RPC_S_DUPLICATE_ENDPOINT, dup.status());
            assertEquals("RpcServerUseProtseqEpW", dup.function());
            // The same interface twice in the process: the second server's other interface goes again.
            RpcException again = assertThrows(RpcException.class, () -> RpcServer.builder().endpoint("ncalrpc", "other")
                    .register(RpcInterface.of(ifspec(0x5afe0003, 1))).register(RpcInterface.of(iface)).build());
            assertEquals(RpcErrors.RPC_S_ALREADY_REGISTERED, again.status());
            assertEquals(1, sim.sim_counter(SimControl.SIM_COUNT_INTERFACES), "only the first server's");
            first.start();
            try (RpcServer second = RpcServer.builder().endpoint("ncalrpc", "second").build()) {
                assertEquals(RpcErrors.RPC_S_ALREADY_LISTENING, assertThrows(RpcException.class, second::start).status());
            }
        }
    }

    @Test
    void theJavaSecurityCallbackRunsOnARuntimeThreadAndItsVerdictIsEnforced() {
        List<CallerInfo> asked = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", "gate").authInfo(RpcAuth.Service.WINNT, null)
                .register(RpcInterface.of(iface).withSecurityCallback(caller -> {
                    asked.add(caller);
                    threads.add(Thread.currentThread());
                    return "CORP\\alice".equals(caller.clientPrincipal());
                })).build();
                RpcBinding anonymous = RpcBinding.fromString("ncalrpc:[gate]");
                RpcBinding alice = RpcBinding.builder().stringBinding("ncalrpc:[gate]").auth(winnt("alice")).build();
                RpcBinding bob = RpcBinding.builder().stringBinding("ncalrpc:[gate]").auth(winnt("bob")).build()) {
            s.start();
            for (int i = 0; i < 3; i++) {
                System.gc(); // the callback is reachable only through the open server
            }
            assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(anonymous, iface, returning(42)));
            assertEquals(0, asked.size(), "unauthenticated calls never reach it without ALLOW_CALLBACKS_WITH_NO_AUTH");
            assertEquals(42, call(alice, iface, returning(42)));
            assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(bob, iface, returning(42)));
            assertEquals(2, asked.size());
            assertEquals(RpcAuth.Level.PKT_PRIVACY, asked.get(0).authnLevel());
            assertEquals(RpcAuth.Service.WINNT, RpcAuth.Service.ofOrNull(asked.get(0).authnService()));
            assertEquals("CORP\\bob", asked.get(1).clientPrincipal());
            assertNotSame(Thread.currentThread(), threads.get(0));
        }
    }

    @Test
    void aThrowingSecurityCallbackDeniesAndIsReported() {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> toThrow = new AtomicReference<>(new IllegalStateException("a bug in the callback"));
        try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", "throws").errorHandler(reported::add)
                .register(RpcInterface.of(iface).withFlags(IfFlag.ALLOW_CALLBACKS_WITH_NO_AUTH)
                        .withSecurityCallback(caller -> {
                            Throwable t = toThrow.get();
                            if (t instanceof Exception e) {
                                throw e;
                            }
                            throw (Error) t;
                        })).build();
                RpcBinding b = RpcBinding.fromString("ncalrpc:[throws]")) {
            s.start();
            assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(b, iface, returning(42)));
            toThrow.set(new Exception("checked"));
            assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(b, iface, returning(42)));
            toThrow.set(new AssertionError("an error"));
            assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(b, iface, returning(42)));
            assertEquals(3, reported.size());
            assertInstanceOf(IllegalStateException.class, reported.get(0));
            assertInstanceOf(AssertionError.class, reported.get(2));
        }
    }

    @Test
    void byDefaultAThrowingSecurityCallbackIsLoggedAsAWarning() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(RpcServer.class.getName());
        List<java.util.logging.LogRecord> records = new CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(h);
        try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", "logged")
                .register(RpcInterface.of(iface).withFlags(IfFlag.ALLOW_CALLBACKS_WITH_NO_AUTH)
                        .withSecurityCallback(caller -> {
                            throw new IllegalStateException("logged");
                        })).build();
                RpcBinding b = RpcBinding.fromString("ncalrpc:[logged]")) {
            s.start();
            assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(b, iface, returning(42)));
        } finally {
            log.removeHandler(h);
        }
        assertEquals(1, records.size());
        assertEquals(java.util.logging.Level.WARNING, records.get(0).getLevel());
        assertEquals("logged", records.get(0).getThrown().getMessage());
    }

    @Test
    void closeFromTheServersOwnSecurityCallbackOrManagerIsRefused() {
        AtomicReference<RpcServer> server = new AtomicReference<>();
        List<Throwable> refusals = new CopyOnWriteArrayList<>();
        SimControl.SIM_MANAGER_FN closing = (ctx, h) -> {
            try {
                server.get().close();
                return RpcErrors.RPC_S_CALL_FAILED;
            } catch (IllegalStateException e) {
                refusals.add(e);
                return 42;
            } catch (Throwable t) {
                return RpcErrors.RPC_S_CALL_FAILED;
            }
        };
        try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", "self")
                .register(RpcInterface.of(iface).withFlags(IfFlag.ALLOW_CALLBACKS_WITH_NO_AUTH)
                        .withSecurityCallback(caller -> {
                            try {
                                server.get().close();
                                return false;
                            } catch (IllegalStateException e) {
                                refusals.add(e);
                                return true;
                            }
                        })).build();
                RpcBinding b = RpcBinding.fromString("ncalrpc:[self]")) {
            server.set(s);
            s.start();
            assertEquals(42, call(b, iface, closing));
            assertEquals(2, refusals.size(), refusals.toString());
            assertTrue(refusals.get(0).getMessage().contains("would wait for its own call"), refusals.get(0).getMessage());
            assertTrue(s.isListening(), "still open");
            assertEquals(42, call(b, iface, returning(42)));
        }
    }

    @Test
    void closeWithACallInFlightWaitsBoundedThenCanBeRetried() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SimControl.SIM_MANAGER_FN m = (ctx, h) -> {
            try {
                entered.countDown();
                return release.await(30, TimeUnit.SECONDS) ? 42 : RpcErrors.RPC_S_CALL_FAILED;
            } catch (Throwable t) {
                return RpcErrors.RPC_S_CALL_FAILED;
            }
        };
        RpcServer s = RpcServer.builder().endpoint("ncalrpc", "busy").closeTimeout(Duration.ofMillis(50))
                .register(RpcInterface.of(iface)).build();
        try (RpcBinding b = RpcBinding.fromString("ncalrpc:[busy]")) {
            s.start();
            AtomicInteger status = new AtomicInteger(-1);
            Thread client = new Thread(() -> status.set(call(b, iface, m)));
            client.start();
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            IllegalStateException e = assertThrows(IllegalStateException.class, s::close);
            assertTrue(e.getMessage().contains("takes no new call"), e.getMessage());
            assertFalse(s.isClosed());
            assertEquals(1, sim.sim_counter(SimControl.SIM_COUNT_INTERFACES), "its record stays while its call runs");
            release.countDown();
            client.join(30_000);
            assertEquals(42, status.get(), "the call in flight ran to its end");
            s.close();
            assertTrue(s.isClosed());
        }
    }

    @Test
    void dynamicEndpointsAreMappedResolvedAndUnmapped() {
        try (RpcServer s = RpcServer.builder().dynamicEndpoint("ncacn_ip_tcp").register(RpcInterface.of(iface)).build();
                RpcBinding partial = RpcBinding.builder().protocolSequence("ncacn_ip_tcp").networkAddress("localhost").build()) {
            s.start();
            List<String> bindings = s.bindings();
            assertEquals(1, bindings.size());
            assertTrue(bindings.get(0).startsWith("ncacn_ip_tcp:localhost["), bindings.get(0));
            assertEquals(1, sim.sim_counter(SimControl.SIM_COUNT_EP_ENTRIES));
            assertEquals(RpcErrors.EPT_S_NOT_REGISTERED,
                    assertThrows(RpcException.class, () -> partial.resolve(ifspec(0x5afe0009, 1))).status());
            assertThrows(NullPointerException.class, () -> partial.resolve(null));
            partial.resolve(iface);
            assertEquals(bindings.get(0), partial.toStringBinding());
            assertEquals(42, call(partial, iface, returning(42)));
        }
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_EP_ENTRIES));
    }

    @Test
    void typedFlagsAreEnforced() {
        try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", "flags").endpoint("ncacn_ip_tcp", "4812")
                .authInfo(RpcAuth.Service.WINNT, "srv/flags")
                .register(RpcInterface.of(iface).withFlags(IfFlag.ALLOW_SECURE_ONLY, IfFlag.ALLOW_LOCAL_ONLY)).build();
                RpcBinding anonymous = RpcBinding.fromString("ncalrpc:[flags]");
                RpcBinding alice = RpcBinding.builder().stringBinding("ncalrpc:[flags]").auth(winnt("alice")).build();
                RpcBinding tcp = RpcBinding.builder().protocolSequence("ncacn_ip_tcp").networkAddress("127.0.0.1")
                        .endpoint("4812").auth(winnt("alice")).build()) {
            s.start();
            assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(anonymous, iface, returning(42)), "secure only");
            assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(tcp, iface, returning(42)), "local only");
            assertEquals(42, call(alice, iface, returning(42)));
        }
    }

    @Test
    void anAutolistenInterfaceTakesCallsWithoutStart() {
        try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", "auto")
                .register(RpcInterface.of(iface).withFlags(IfFlag.AUTOLISTEN)).build();
                RpcBinding b = RpcBinding.fromString("ncalrpc:[auto]")) {
            assertFalse(s.isListening());
            assertEquals(42, call(b, iface, returning(42)));
        }
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_INTERFACES));
    }

    @Test
    @SuppressWarnings("try") // closes the scope inside it on purpose: a second close is a no-op
    void theManagerImpersonatesItsCallerInATryWithResourcesScope() {
        AtomicInteger inside = new AtomicInteger(-1);
        AtomicInteger after = new AtomicInteger(-1);
        AtomicReference<Throwable> refused = new AtomicReference<>();
        SimControl.SIM_MANAGER_FN m = (ctx, h) -> {
            try {
                try (Impersonation as = Impersonation.of(h)) {
                    inside.set(Simulator.control().sim_is_impersonating());
                    as.close();
                    as.close(); // a no-op
                }
                after.set(Simulator.control().sim_is_impersonating());
                return 42;
            } catch (Throwable t) {
                refused.set(t);
                return 7;
            }
        };
        try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", "imp").authInfo(RpcAuth.Service.WINNT, null)
                .register(RpcInterface.of(iface)).build();
                RpcBinding anonymous = RpcBinding.fromString("ncalrpc:[imp]");
                RpcBinding alice = RpcBinding.builder().stringBinding("ncalrpc:[imp]").auth(winnt("alice")).build()) {
            s.start();
            assertEquals(42, call(alice, iface, m));
            assertEquals(1, inside.get());
            assertEquals(0, after.get());
            assertEquals(7, call(anonymous, iface, m));
            assertEquals(RpcErrors.RPC_S_NO_CONTEXT_AVAILABLE, assertInstanceOf(RpcException.class, refused.get()).status());
            // Outside any call there is no caller.
            assertEquals(RpcErrors.RPC_S_NO_CALL_ACTIVE, assertThrows(RpcException.class, () -> CallerInfo.of(null)).status());
        }
    }
}
