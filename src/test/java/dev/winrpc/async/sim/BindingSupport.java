package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.RpcWstr;
import dev.winrpc.async.raw.Rpcrt4Binding;
import dev.winrpc.async.raw.Rpcrt4Server;

/** What the binding and hosting tests share: the raw bindings, a fake ifspec, handles. */
final class BindingSupport {

    static final Rpcrt4Binding B = RpcRuntime.rpcrt4Binding();
    static final Rpcrt4Server S = RpcRuntime.rpcrt4Server();

    private BindingSupport() {
    }

    /**
     * An RPC_SERVER_INTERFACE's first fields (Length, InterfaceId: GUID and version), as a
     * MIDL stub's ifspec begins; the rest is zero.
     */
    static Memory ifspec(int data1, int major) {
        Memory m = new Memory(96);
        m.clear();
        m.setInt(0, 68);
        m.setInt(4, data1);
        m.setShort(20, (short) major);
        return m;
    }

    /** A binding from a string, which must succeed. */
    static Pointer bind(String s) {
        PointerByReference h = new PointerByReference();
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingFromStringBindingW(RpcWstr.of(s), h), s);
        return h.getValue();
    }

    /** The status of making a binding from a string; frees it if one was made. */
    static int bindStatus(String s) {
        PointerByReference h = new PointerByReference();
        int st = B.RpcBindingFromStringBindingW(RpcWstr.of(s), h);
        if (st == RpcErrors.RPC_S_OK) {
            free(h.getValue());
        }
        return st;
    }

    static void free(Pointer h) {
        PointerByReference r = new PointerByReference(h);
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingFree(r));
        assertEquals(null, r.getValue());
    }

    /** Reads and frees a string the runtime handed out. */
    static String take(PointerByReference s) {
        String v = RpcWstr.read(s.getValue());
        assertEquals(RpcErrors.RPC_S_OK, B.RpcStringFreeW(s));
        return v;
    }

    static void useEp(String protseq, String ep) {
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerUseProtseqEpW(RpcWstr.of(protseq),
                Rpcrt4Server.RPC_C_PROTSEQ_MAX_REQS_DEFAULT, RpcWstr.of(ep), null));
    }

    static void register(Pointer ifspec, int flags, Rpcrt4Server.RPC_IF_CALLBACK_FN cb) {
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerRegisterIf3(ifspec, null, null, flags,
                Rpcrt4Server.RPC_C_LISTEN_MAX_CALLS_DEFAULT, -1, cb, null));
    }

    static void listen() {
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerListen(1, Rpcrt4Server.RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1));
    }

    /** Stops listening, waits, unregisters the interface. */
    static void stop(Pointer ifspec) {
        assertEquals(RpcErrors.RPC_S_OK, S.RpcMgmtStopServerListening(null));
        assertEquals(RpcErrors.RPC_S_OK, S.RpcMgmtWaitServerListen());
        assertEquals(RpcErrors.RPC_S_OK, S.RpcServerUnregisterIfEx(ifspec, null, 1));
    }

    static void auth(Pointer h, int level) {
        assertEquals(RpcErrors.RPC_S_OK, B.RpcBindingSetAuthInfoExW(h, null, level,
                Rpcrt4Binding.RPC_C_AUTHN_WINNT, null, Rpcrt4Binding.RPC_C_AUTHZ_NONE, null));
    }
}
