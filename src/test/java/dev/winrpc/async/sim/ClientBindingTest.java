package dev.winrpc.async.sim;

import static dev.winrpc.async.sim.BindingSupport.B;
import static dev.winrpc.async.sim.BindingSupport.bind;
import static dev.winrpc.async.sim.BindingSupport.bindStatus;
import static dev.winrpc.async.sim.BindingSupport.free;
import static dev.winrpc.async.sim.BindingSupport.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.raw.RPC_SECURITY_QOS;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.RpcWstr;
import dev.winrpc.async.raw.Rpcrt4Binding;
import dev.winrpc.async.raw.SEC_WINNT_AUTH_IDENTITY_W;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import org.junit.jupiter.api.Test;

/**
 * The raw client binding functions ({@link Rpcrt4Binding}, through
 * {@code RpcRuntime.rpcrt4Binding()}) on the runtime simulator: string bindings and their
 * escaping, every refusal of a malformed one, binding handles, authentication information,
 * options, and the oracle's view of handles and strings (a leak fails the test; a freed or
 * unknown handle is recorded).
 */
class ClientBindingTest {

    @Test
    void composeEscapesAndTheParseGivesItBack() {
        PointerByReference s = new PointerByReference();
        assertEquals(RpcErrors.RPC_S_OK, B.RpcStringBindingComposeW(null,
                RpcWstr.of("ncacn_np"), RpcWstr.of("host"), RpcWstr.of("\\pipe\\a[1]"),
                RpcWstr.of("security=x"), s));
        String composed = RpcWstr.read(s.getValue());
        assertEquals("ncacn_np:host[\\\\pipe\\\\a\\[1\\],security=x]", composed);
        Pointer h = bind(composed);
        assertEquals(RpcErrors.RPC_S_OK, B.RpcStringFreeW(s));
        assertNull(s.getValue());
        PointerByReference back = new PointerByReference();
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingToStringBindingW(h, back));
        assertEquals(composed, take(back));
        free(h);
    }

    @Test
    void everyMalformedStringBindingIsRefusedWithItsStatus() {
        assertEquals(RpcErrors.RPC_S_INVALID_STRING_BINDING, bindStatus(""));
        assertEquals(RpcErrors.RPC_S_INVALID_STRING_BINDING, bindStatus("ncalrpc"));
        assertEquals(RpcErrors.RPC_S_INVALID_STRING_BINDING, bindStatus("ncalrpc:[ep"));
        assertEquals(RpcErrors.RPC_S_INVALID_STRING_BINDING, bindStatus("ncalrpc:[ep]tail"));
        assertEquals(RpcErrors.RPC_S_INVALID_STRING_BINDING, bindStatus("ncalrpc:[ep,novalue]"));
        assertEquals(RpcErrors.RPC_S_INVALID_STRING_UUID, bindStatus("nope@ncalrpc:[ep]"));
        assertEquals(RpcErrors.RPC_S_PROTSEQ_NOT_SUPPORTED, bindStatus("ncadg_ip_udp:host[135]"));
        assertEquals(RpcErrors.RPC_S_PROTSEQ_NOT_SUPPORTED, bindStatus("carrier-pigeon:roof"));
        assertEquals(RpcErrors.RPC_S_INVALID_ENDPOINT_FORMAT, bindStatus("ncacn_ip_tcp:host[http]"));
        assertEquals(RpcErrors.RPC_S_INVALID_ENDPOINT_FORMAT, bindStatus("ncacn_np:host[nopipe]"));
        PointerByReference h = new PointerByReference();
        assertEquals(RpcErrors.RPC_S_INVALID_STRING_BINDING, B.RpcBindingFromStringBindingW(null, h));
        assertNull(h.getValue());
        // Refused in Java before native memory is touched.
        assertThrows(IllegalArgumentException.class, () -> RpcWstr.of("ncalrpc:\0[x]"));
    }

    @Test
    void authenticationInformationIsRecordedAndReadBack() {
        Pointer h = bind("ncacn_ip_tcp:localhost[4747]");
        IntByReference level = new IntByReference();
        IntByReference svc = new IntByReference();
        assertEquals(RpcErrors.RPC_S_BINDING_HAS_NO_AUTH,
                B.RpcBindingInqAuthInfoExW(h, null, level, svc, null, null, 0, null));
        assertEquals(RpcErrors.RPC_S_UNKNOWN_AUTHN_LEVEL, B.RpcBindingSetAuthInfoExW(h, null, 7,
                Rpcrt4Binding.RPC_C_AUTHN_WINNT, null, 0, null));
        assertEquals(RpcErrors.RPC_S_UNKNOWN_AUTHN_SERVICE, B.RpcBindingSetAuthInfoExW(h, null,
                Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_PRIVACY, 123, null, 0, null));

        Memory user = RpcWstr.of("alice");
        Memory domain = RpcWstr.of("CORP");
        Memory password = RpcWstr.of("secret");
        SEC_WINNT_AUTH_IDENTITY_W id = new SEC_WINNT_AUTH_IDENTITY_W();
        id.User = user;
        id.UserLength = 5;
        id.Domain = domain;
        id.DomainLength = 4;
        id.Password = password;
        id.PasswordLength = 6;
        RPC_SECURITY_QOS qos = new RPC_SECURITY_QOS();
        qos.Capabilities = Rpcrt4Binding.RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH;
        qos.ImpersonationType = Rpcrt4Binding.RPC_C_IMP_LEVEL_IDENTIFY;
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingSetAuthInfoExW(h, RpcWstr.of("host/server"),
                Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_PRIVACY, Rpcrt4Binding.RPC_C_AUTHN_WINNT, id,
                Rpcrt4Binding.RPC_C_AUTHZ_NONE, qos));

        PointerByReference spn = new PointerByReference();
        RPC_SECURITY_QOS got = new RPC_SECURITY_QOS();
        got.Version = 0;
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingInqAuthInfoExW(h, spn, level, svc, null,
                null, Rpcrt4Binding.RPC_C_SECURITY_QOS_VERSION, got));
        assertEquals("host/server", take(spn));
        assertEquals(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_PRIVACY, level.getValue());
        assertEquals(Rpcrt4Binding.RPC_C_AUTHN_WINNT, svc.getValue());
        assertEquals(1, got.Version);
        assertEquals(Rpcrt4Binding.RPC_C_IMP_LEVEL_IDENTIFY, got.ImpersonationType);
        assertEquals(Rpcrt4Binding.RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH, got.Capabilities);
        free(h);
    }

    @Test
    void optionsAndCopies() {
        Pointer h = bind("ncalrpc:[opts]");
        ULONG_PTRByReference v = new ULONG_PTRByReference();
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingInqOption(h, Rpcrt4Binding.RPC_C_OPT_CALL_TIMEOUT, v));
        assertEquals(0, v.getValue().longValue());
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingSetOption(h, Rpcrt4Binding.RPC_C_OPT_CALL_TIMEOUT,
                new ULONG_PTR(30_000)));
        assertEquals(RpcErrors.RPC_S_INVALID_ARG, B.RpcBindingSetOption(h, 1000, new ULONG_PTR(1)));
        PointerByReference copy = new PointerByReference();
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingCopy(h, copy));
        assertNotEquals(h, copy.getValue());
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingInqOption(copy.getValue(),
                Rpcrt4Binding.RPC_C_OPT_CALL_TIMEOUT, v));
        assertEquals(30_000, v.getValue().longValue());
        assertEquals(2, Simulator.control().sim_counter(SimControl.SIM_COUNT_BINDINGS));
        free(copy.getValue());
        free(h);
    }

    @Test
    void aFreedOrUnknownHandleIsRefusedAndRecorded() {
        Pointer h = bind("ncalrpc:[gone]");
        free(h);
        assertEquals(RpcErrors.RPC_S_INVALID_BINDING, B.RpcBindingFree(new PointerByReference(h)));
        Simulator.expectMisuses(SimControl.SIM_MISUSE_INVALID_HANDLE);
        Memory notAString = RpcWstr.of("mine");
        assertEquals(RpcErrors.RPC_S_INVALID_ARG, B.RpcStringFreeW(new PointerByReference(notAString)));
        Simulator.expectMisuses(SimControl.SIM_MISUSE_INVALID_HANDLE);
    }

    @Test
    void aLeakedBindingOrStringFailsTheOraclesCheck() {
        Pointer h = bind("ncalrpc:[leak]");
        PointerByReference s = new PointerByReference();
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingToStringBindingW(h, s));
        AssertionError e = assertThrows(AssertionError.class,
                () -> Simulator.assertCleanAndIdle("a test that leaks"));
        assertTrue(e.getMessage().contains("binding handles = 1"), e.getMessage());
        assertTrue(e.getMessage().contains("runtime strings and binding vectors = 1"), e.getMessage());
        take(s);
        free(h);
    }
}
