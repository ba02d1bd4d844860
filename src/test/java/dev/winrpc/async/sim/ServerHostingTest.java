package dev.winrpc.async.sim;

import static dev.winrpc.async.sim.BindingSupport.B;
import static dev.winrpc.async.sim.BindingSupport.S;
import static dev.winrpc.async.sim.BindingSupport.auth;
import static dev.winrpc.async.sim.BindingSupport.bind;
import static dev.winrpc.async.sim.BindingSupport.free;
import static dev.winrpc.async.sim.BindingSupport.ifspec;
import static dev.winrpc.async.sim.BindingSupport.listen;
import static dev.winrpc.async.sim.BindingSupport.register;
import static dev.winrpc.async.sim.BindingSupport.stop;
import static dev.winrpc.async.sim.BindingSupport.take;
import static dev.winrpc.async.sim.BindingSupport.useEp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.raw.RPC_BINDING_VECTOR;
import dev.winrpc.async.raw.RPC_CALL_ATTRIBUTES_V2_W;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.RpcWstr;
import dev.winrpc.async.raw.Rpcrt4Binding;
import dev.winrpc.async.raw.Rpcrt4Server;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The raw hosting functions ({@link Rpcrt4Server}, through {@code RpcRuntime.rpcrt4Server()})
 * on the runtime simulator, with calls made by the simulator's call entry
 * ({@code sim_call_interface}): every refusal a call can meet (no server, unknown interface,
 * the interface's flags, a security callback's denial), the security callback written in Java
 * and called from a runtime thread, what a manager routine learns about its call, and the
 * oracle's records of a binding freed or an interface unregistered while a call runs.
 */
class ServerHostingTest {

    private final SimControl sim = Simulator.control();
    private final Memory iface = ifspec(0x5eed0001, 1);

    /** A manager that reports what it saw and returns 42. */
    private static final class Manager implements SimControl.SIM_MANAGER_FN {
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final AtomicReference<RPC_CALL_ATTRIBUTES_V2_W> attrs = new AtomicReference<>();
        final AtomicInteger inq = new AtomicInteger(-1);
        final AtomicInteger impersonate = new AtomicInteger(-1);
        final AtomicInteger impersonating = new AtomicInteger(-1);
        final AtomicReference<String> client = new AtomicReference<>();
        final AtomicReference<String> server = new AtomicReference<>();

        @Override
        public int callback(Pointer context, Pointer hCall) {
            try {
                thread.set(Thread.currentThread());
                Memory cpn = new Memory(256);
                Memory spn = new Memory(256);
                RPC_CALL_ATTRIBUTES_V2_W a = new RPC_CALL_ATTRIBUTES_V2_W();
                a.Flags = Rpcrt4Server.RPC_QUERY_CLIENT_PRINCIPAL_NAME
                        | Rpcrt4Server.RPC_QUERY_SERVER_PRINCIPAL_NAME
                        | Rpcrt4Server.RPC_QUERY_IS_CLIENT_LOCAL | Rpcrt4Server.RPC_QUERY_CLIENT_PID;
                a.ClientPrincipalName = cpn;
                a.ClientPrincipalNameBufferLength = 256;
                a.ServerPrincipalName = spn;
                a.ServerPrincipalNameBufferLength = 256;
                inq.set(S.RpcServerInqCallAttributesW(hCall, a));
                attrs.set(a);
                client.set(RpcWstr.read(cpn, a.ClientPrincipalNameBufferLength));
                server.set(RpcWstr.read(spn, a.ServerPrincipalNameBufferLength));
                impersonate.set(S.RpcImpersonateClient(hCall));
                impersonating.set(Simulator.control().sim_is_impersonating());
                S.RpcRevertToSelfEx(hCall);
                return 42;
            } catch (Throwable t) {
                return RpcErrors.RPC_S_CALL_FAILED; // never into native code
            }
        }
    }

    private int call(Pointer binding, Pointer ifs, SimControl.SIM_MANAGER_FN m) {
        return sim.sim_call_interface(binding, ifs, (short) 3, m, null);
    }

    /** A UUID as rpcrt4 reads one: Data1 only, the rest zero (enough to tell them apart). */
    private static Memory guid(int data1) {
        Memory m = new Memory(16);
        m.clear();
        m.setInt(0, data1);
        return m;
    }

    @Test
    void managerTypesSelectTheEpvByTheBindingsObjectUuid() {
        Memory typeA = guid(0xA), typeB = guid(0xB), objA = guid(0x1A), objB = guid(0x1B);
        Memory nil = guid(0);
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "typed");
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerRegisterIf3(iface, typeA, null,
                Rpcrt4Server.RPC_IF_AUTOLISTEN, Rpcrt4Server.RPC_C_LISTEN_MAX_CALLS_DEFAULT, -1, null, null));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerRegisterIf3(iface, typeB, null,
                Rpcrt4Server.RPC_IF_AUTOLISTEN, Rpcrt4Server.RPC_C_LISTEN_MAX_CALLS_DEFAULT, -1, null, null));
        assertEquals(RpcErrors.RPC_S_ALREADY_REGISTERED, S.RpcServerRegisterIf3(iface, typeA, null,
                Rpcrt4Server.RPC_IF_AUTOLISTEN, Rpcrt4Server.RPC_C_LISTEN_MAX_CALLS_DEFAULT, -1, null, null));
        // Object types: the nil object cannot have one; a set type must be reset before another.
        assertEquals(RpcErrors.RPC_S_INVALID_OBJECT, S.RpcObjectSetType(nil, typeA));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcObjectSetType(objA, typeA));
        assertEquals(RpcErrors.RPC_S_ALREADY_REGISTERED, S.RpcObjectSetType(objA, typeB));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcObjectSetType(objB, typeB));
        assertEquals(2, sim.sim_counter(SimControl.SIM_COUNT_OBJECT_TYPES));
        Pointer a = bind("0000001a-0000-0000-0000-000000000000@ncalrpc:[typed]");
        Pointer none = bind("ncalrpc:[typed]");
        Pointer unknown = bind("0000001c-0000-0000-0000-000000000000@ncalrpc:[typed]");
        assertEquals(42, call(a, iface, new Manager()));
        // No object (or an object without a type): the nil type, which nobody registered.
        assertEquals(RpcErrors.RPC_S_UNKNOWN_MGR_TYPE, call(none, iface, new Manager()));
        assertEquals(RpcErrors.RPC_S_UNKNOWN_MGR_TYPE, call(unknown, iface, new Manager()));
        // Unregistering type A leaves B: A's object finds nothing, B's is served.
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerUnregisterIf(iface, typeA, 1));
        assertEquals(RpcErrors.RPC_S_UNKNOWN_MGR_TYPE, call(a, iface, new Manager()));
        Pointer bObj = bind("0000001b-0000-0000-0000-000000000000@ncalrpc:[typed]");
        assertEquals(42, call(bObj, iface, new Manager()));
        assertEquals(RpcErrors.RPC_S_UNKNOWN_MGR_TYPE, S.RpcServerUnregisterIf(iface, typeA, 1));
        // NULL: every type of the interface; then it is unknown.
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerUnregisterIf(iface, null, 1));
        assertEquals(RpcErrors.RPC_S_UNKNOWN_IF, S.RpcServerUnregisterIf(iface, null, 1));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcObjectSetType(objA, null));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcObjectSetType(objB, nil));
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_OBJECT_TYPES));
        for (Pointer h : new Pointer[] {a, none, unknown, bObj}) {
            free(h);
        }
    }

    @Test
    void eachRefusalAtCallTimeHasItsStatus() {
        Manager m = new Manager();
        Pointer h = bind("ncalrpc:[hosting]");
        assertEquals(RpcErrors.RPC_S_SERVER_UNAVAILABLE, call(h, iface, m), "no server");
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "hosting");
        assertEquals(RpcErrors.RPC_S_DUPLICATE_ENDPOINT, S.RpcServerUseProtseqEpW(
                RpcWstr.of("ncalrpc"), 10, RpcWstr.of("hosting"), null));
        register(iface, 0, null);
        assertEquals(RpcErrors.RPC_S_SERVER_UNAVAILABLE, call(h, iface, m), "not listening");
        listen();
        assertEquals(RpcErrors.RPC_S_ALREADY_LISTENING, S.RpcServerListen(1, 10, 1));
        assertEquals(RpcErrors.RPC_S_OK, B.RpcMgmtIsServerListening(h));
        assertEquals(RpcErrors.RPC_S_UNKNOWN_IF, call(h, ifspec(0x5eed0002, 1), m));
        Pointer elsewhere = bind("ncalrpc:[nobody-here]");
        assertEquals(RpcErrors.RPC_S_SERVER_UNAVAILABLE, call(elsewhere, iface, m));
        free(elsewhere);
        assertEquals(42, call(h, iface, m));
        assertNotSame(Thread.currentThread(), m.thread.get(), "the manager runs on a runtime thread");
        stop(iface);
        assertEquals(RpcErrors.RPC_S_NOT_LISTENING, B.RpcMgmtIsServerListening(h));
        assertEquals(RpcErrors.RPC_S_UNKNOWN_IF, S.RpcServerUnregisterIfEx(iface, null, 1));
        free(h);
    }

    @Test
    void secureOnlyAndLocalOnlyAreEnforced() {
        Manager m = new Manager();
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "flags");
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCACN_IP_TCP, "4811");
        register(iface, Rpcrt4Server.RPC_IF_ALLOW_SECURE_ONLY | Rpcrt4Server.RPC_IF_ALLOW_LOCAL_ONLY, null);
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerRegisterAuthInfoW(null, Rpcrt4Binding.RPC_C_AUTHN_WINNT, null, null));
        listen();
        Pointer lrpc = bind("ncalrpc:[flags]");
        Pointer tcp = bind("ncacn_ip_tcp:127.0.0.1[4811]");
        assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(lrpc, iface, m), "unauthenticated");
        auth(lrpc, Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
        auth(tcp, Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
        assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(tcp, iface, m), "ncacn_ip_tcp, local only");
        assertEquals(42, call(lrpc, iface, m));
        stop(iface);
        free(lrpc);
        free(tcp);
    }

    @Test
    void theManagerLearnsItsCall() {
        Manager m = new Manager();
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "attrs");
        register(iface, 0, null);
        listen();
        Pointer h = bind("ncalrpc:[attrs]");
        assertEquals(42, call(h, iface, m));
        assertEquals(RpcErrors.RPC_S_OK, m.inq.get());
        assertEquals(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_NONE, m.attrs.get().AuthenticationLevel);
        assertEquals(RpcErrors.RPC_S_NO_CONTEXT_AVAILABLE, m.impersonate.get(), "no one to impersonate");
        assertEquals(B.RpcBindingSetAuthInfoExW(h, RpcWstr.of("srv/attrs"),
                Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, Rpcrt4Binding.RPC_C_AUTHN_WINNT,
                null, 0, null), RpcErrors.RPC_S_OK);
        assertEquals(42, call(h, iface, m));
        RPC_CALL_ATTRIBUTES_V2_W a = m.attrs.get();
        assertEquals(RpcErrors.RPC_S_OK, m.inq.get());
        assertEquals(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, a.AuthenticationLevel);
        assertEquals(Rpcrt4Binding.RPC_C_AUTHN_WINNT, a.AuthenticationService);
        assertEquals(Rpcrt4Server.RPC_PROTSEQ_LRPC, a.ProtocolSequence);
        assertEquals(Rpcrt4Server.rcclLocal, a.IsClientLocal);
        assertNotNull(a.ClientPID);
        assertEquals(3, a.OpNum);
        assertEquals(0x5eed0001, a.InterfaceUuid.Data1);
        assertEquals("SIM\\user", m.client.get());
        assertEquals("srv/attrs", m.server.get());
        assertEquals(RpcErrors.RPC_S_OK, m.impersonate.get());
        assertEquals(1, m.impersonating.get());
        assertEquals(0, sim.sim_is_impersonating());
        // Outside any call.
        RPC_CALL_ATTRIBUTES_V2_W none = new RPC_CALL_ATTRIBUTES_V2_W();
        assertEquals(RpcErrors.RPC_S_NO_CALL_ACTIVE, S.RpcServerInqCallAttributesW(null, none));
        stop(iface);
        free(h);
    }

    @Test
    void aPrincipalBufferTooSmallAsksForMore() {
        AtomicInteger status = new AtomicInteger();
        AtomicInteger needed = new AtomicInteger();
        SimControl.SIM_MANAGER_FN m = (ctx, hCall) -> {
            RPC_CALL_ATTRIBUTES_V2_W a = new RPC_CALL_ATTRIBUTES_V2_W();
            a.Flags = Rpcrt4Server.RPC_QUERY_CLIENT_PRINCIPAL_NAME;
            status.set(S.RpcServerInqCallAttributesW(hCall, a));
            needed.set(a.ClientPrincipalNameBufferLength);
            return RpcErrors.RPC_S_OK;
        };
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "small");
        register(iface, 0, null);
        listen();
        Pointer h = bind("ncalrpc:[small]");
        auth(h, Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
        assertEquals(RpcErrors.RPC_S_OK, call(h, iface, m));
        assertEquals(RpcErrors.ERROR_MORE_DATA, status.get());
        assertEquals(("SIM\\user".length() + 1) * 2, needed.get());
        stop(iface);
        free(h);
    }

    /** A security callback that records where it ran and what it saw, and catches everything. */
    private static final class Gate implements Rpcrt4Server.RPC_IF_CALLBACK_FN {
        final List<Thread> threads = new ArrayList<>();
        final List<Pointer> ifspecs = new ArrayList<>();
        final AtomicInteger attrStatus = new AtomicInteger(-1);
        volatile int verdict = RpcErrors.RPC_S_OK;
        volatile RuntimeException toThrow;

        @Override
        public synchronized int callback(Pointer ifs, Pointer context) {
            try {
                threads.add(Thread.currentThread());
                ifspecs.add(ifs);
                attrStatus.set(S.RpcServerInqCallAttributesW(context, new RPC_CALL_ATTRIBUTES_V2_W()));
                if (toThrow != null) {
                    throw toThrow;
                }
                return verdict;
            } catch (RuntimeException e) {
                return Rpcrt4Server.RPC_S_ACCESS_DENIED; // a throwing callback denies
            }
        }
    }

    @Test
    void theSecurityCallbackRunsOnARuntimeThreadAndItsVerdictIsEnforced() {
        Gate gate = new Gate(); // held strongly by this frame while the interface is registered
        Manager m = new Manager();
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "gate");
        register(iface, 0, gate);
        listen();
        Pointer h = bind("ncalrpc:[gate]");
        // Without RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH an unauthenticated call never reaches it.
        assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(h, iface, m));
        assertEquals(0, gate.threads.size());
        auth(h, Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
        assertEquals(42, call(h, iface, m));
        assertEquals(1, gate.threads.size());
        assertNotSame(Thread.currentThread(), gate.threads.get(0));
        assertEquals(iface, gate.ifspecs.get(0));
        assertEquals(RpcErrors.RPC_S_OK, gate.attrStatus.get(), "the call is in progress in the callback");
        gate.verdict = 5; // any refusal reaches the client as access denied
        assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(h, iface, m));
        gate.verdict = RpcErrors.RPC_S_CALL_FAILED;
        assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(h, iface, m));
        gate.verdict = RpcErrors.RPC_S_OK;
        gate.toThrow = new IllegalStateException("a bug in the callback");
        assertEquals(Rpcrt4Server.RPC_S_ACCESS_DENIED, call(h, iface, m));
        assertEquals(4, gate.threads.size());
        stop(iface);
        free(h);
    }

    @Test
    void anExceptionEscapingACallbackWouldAdmitTheCall() {
        // Why every callback must catch: JNA reports an escaping exception and returns 0, which
        // is RPC_S_OK. The exception never unwinds into native code, but the call is admitted.
        List<Throwable> reported = new ArrayList<>();
        Rpcrt4Server.RPC_IF_CALLBACK_FN careless = (ifs, ctx) -> {
            throw new IllegalStateException("escapes");
        };
        com.sun.jna.Callback.UncaughtExceptionHandler before = Native.getCallbackExceptionHandler();
        Native.setCallbackExceptionHandler((cb, e) -> {
            synchronized (reported) {
                reported.add(e);
            }
        });
        try {
            useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "careless");
            register(iface, Rpcrt4Server.RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH, careless);
            listen();
            Pointer h = bind("ncalrpc:[careless]");
            assertEquals(42, call(h, iface, new Manager()), "admitted");
            synchronized (reported) {
                assertEquals(1, reported.size());
                assertTrue(reported.get(0) instanceof IllegalStateException);
            }
            stop(iface);
            free(h);
        } finally {
            Native.setCallbackExceptionHandler(before);
        }
    }

    @Test
    void dynamicEndpointsTheBindingVectorAndTheEndpointMap() {
        assertEquals(RpcErrors.RPC_S_NO_BINDINGS, S.RpcServerInqBindings(new PointerByReference()));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerUseProtseqW(RpcWstr.of("ncacn_ip_tcp"), 10, null));
        assertEquals(RpcErrors.RPC_S_PROTSEQ_NOT_SUPPORTED, S.RpcServerUseProtseqW(RpcWstr.of("ncadg_ip_udp"), 10, null));
        PointerByReference v = new PointerByReference();
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerInqBindings(v));
        assertEquals(1, RPC_BINDING_VECTOR.count(v.getValue()));
        PointerByReference str = new PointerByReference();
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingToStringBindingW(RPC_BINDING_VECTOR.handle(v.getValue(), 0), str));
        String serverBinding = take(str);
        assertTrue(serverBinding.startsWith("ncacn_ip_tcp:localhost["), serverBinding);
        assertEquals(RpcErrors.RPC_S_OK, S.RpcEpRegisterW(iface, v.getValue(), null, RpcWstr.of("test")));
        register(iface, 0, null);
        listen();
        // A partial binding finds the endpoint through the map, at call time or by resolving.
        Pointer partial = bind("ncacn_ip_tcp:localhost");
        assertEquals(RpcErrors.EPT_S_NOT_REGISTERED, B.RpcEpResolveBinding(partial, ifspec(0x5eed0009, 1)));
        assertEquals(42, call(partial, iface, new Manager()));
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingToStringBindingW(partial, str));
        assertEquals(serverBinding, take(str));
        stop(iface);
        assertEquals(RpcErrors.RPC_S_OK, S.RpcEpUnregister(iface, v.getValue(), null));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcBindingVectorFree(v));
        assertNull(v.getValue());
        free(partial);
    }

    @Test
    void theOracleRecordsABindingFreedAndAnInterfaceUnregisteredWhileTheirCallRuns() {
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "inflight");
        register(iface, 0, null);
        listen();
        PointerByReference h = new PointerByReference(bind("ncalrpc:[inflight]"));
        AtomicInteger freed = new AtomicInteger(-1);
        AtomicInteger unregistered = new AtomicInteger(-1);
        SimControl.SIM_MANAGER_FN m = (ctx, hCall) -> {
            freed.set(B.RpcBindingFree(h));
            unregistered.set(S.RpcServerUnregisterIfEx(iface, null, 1));
            return RpcErrors.RPC_S_OK;
        };
        assertEquals(RpcErrors.RPC_S_OK, sim.sim_call_interface(h.getValue(), iface, (short) 0, m, null));
        assertEquals(RpcErrors.RPC_S_OK, freed.get());
        assertEquals(RpcErrors.RPC_S_OK, unregistered.get());
        Simulator.expectMisuses(SimControl.SIM_MISUSE_BINDING_FREED_IN_CALL,
                SimControl.SIM_MISUSE_IF_UNREGISTERED_IN_CALL);
        // Both went when the call ended.
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_BINDINGS));
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_INTERFACES));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcMgmtStopServerListening(null));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcMgmtWaitServerListen());
    }

    @Test
    void aServerClosedFromItsOwnSecurityCallback() {
        // Stopping is allowed there (the call runs to its end, then listening ends); waiting for
        // every call would wait for itself (refused and recorded); unregistering the interface
        // whose call is being admitted is the misuse the safe layer must never commit.
        AtomicInteger stopped = new AtomicInteger(-1);
        AtomicInteger waited = new AtomicInteger(-1);
        AtomicInteger unregistered = new AtomicInteger(-1);
        Rpcrt4Server.RPC_IF_CALLBACK_FN closer = (ifs, ctx) -> {
            try {
                stopped.set(S.RpcMgmtStopServerListening(null));
                waited.set(S.RpcMgmtWaitServerListen());
                unregistered.set(S.RpcServerUnregisterIfEx(ifs, null, 1));
                return RpcErrors.RPC_S_OK;
            } catch (RuntimeException e) {
                return Rpcrt4Server.RPC_S_ACCESS_DENIED;
            }
        };
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "closer");
        register(iface, Rpcrt4Server.RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH, closer);
        listen();
        Pointer h = bind("ncalrpc:[closer]");
        assertEquals(42, call(h, iface, new Manager()));
        assertEquals(RpcErrors.RPC_S_OK, stopped.get());
        assertEquals(RpcErrors.RPC_S_CALL_IN_PROGRESS, waited.get());
        assertEquals(RpcErrors.RPC_S_OK, unregistered.get());
        Simulator.expectMisuses(SimControl.SIM_MISUSE_BAD_ARGUMENT,
                SimControl.SIM_MISUSE_IF_UNREGISTERED_IN_CALL);
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_LISTENING));
        assertEquals(0, sim.sim_counter(SimControl.SIM_COUNT_INTERFACES));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcMgmtWaitServerListen());
        assertEquals(RpcErrors.RPC_S_SERVER_UNAVAILABLE, call(h, iface, new Manager()));
        free(h);
    }

    @Test
    void aServerLeftListeningFailsTheOraclesCheck() {
        useEp(Rpcrt4Binding.RPC_C_PROTSEQ_NCALRPC, "left");
        register(iface, 0, null);
        listen();
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> Simulator.assertCleanAndIdle("a test that leaves its server"));
        assertTrue(e.getMessage().contains("listening = 1"), e.getMessage());
        assertTrue(e.getMessage().contains("registered interfaces = 1"), e.getMessage());
        stop(iface);
    }
}
