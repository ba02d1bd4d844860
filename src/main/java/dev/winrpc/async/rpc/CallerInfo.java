package dev.winrpc.async.rpc;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_CALL_ATTRIBUTES_V2_W;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.RpcWstr;
import dev.winrpc.async.raw.Rpcrt4Server;

/**
 * Who made a call in progress, and how: {@code RpcServerInqCallAttributesW}
 * ({@code RPC_CALL_ATTRIBUTES_V2_W}), read in a manager routine or a security callback.
 *
 * @param protocolSequence the call's protocol sequence ({@code ncacn_ip_tcp}, {@code ncacn_np},
 *        {@code ncalrpc}, or {@code unknown(n)})
 * @param authnLevel the call's authentication level
 * @param authnService the call's authentication service ({@code RPC_C_AUTHN_*}; see
 *        {@link RpcAuth.Service#ofOrNull})
 * @param clientPrincipal the client's principal name, or null for an unauthenticated call
 * @param local whether the client is on this machine
 * @param clientPid the client's process id on ncalrpc, 0 elsewhere
 * @param opNum the operation number
 */
public record CallerInfo(String protocolSequence, RpcAuth.Level authnLevel, int authnService,
        String clientPrincipal, boolean local, long clientPid, int opNum) {

    private static final int FIRST_BUFFER = 256;

    /**
     * {@return whether the call is authenticated (a level above {@link RpcAuth.Level#NONE})}
     */
    public boolean authenticated() {
        return authnLevel.value() > RpcAuth.Level.NONE.value();
    }

    /**
     * The attributes of a call in progress.
     *
     * @param callBinding the call's binding handle (a manager routine's {@code hBinding}, a
     *        security callback's context), or null for the call this thread is running
     * @return the attributes
     * @throws RpcException if there is no such call (RPC_S_NO_CALL_ACTIVE, RPC_S_INVALID_BINDING,
     *         RPC_S_WRONG_KIND_OF_BINDING for a client's binding) or the runtime fails
     */
    public static CallerInfo of(Pointer callBinding) {
        Rpcrt4Server s = RpcRuntime.rpcrt4Server();
        int size = FIRST_BUFFER;
        boolean principal = true;
        for (int attempt = 0; attempt < 4; attempt++) {
            Memory buf = new Memory(size);
            RPC_CALL_ATTRIBUTES_V2_W a = new RPC_CALL_ATTRIBUTES_V2_W();
            a.Flags = Rpcrt4Server.RPC_QUERY_IS_CLIENT_LOCAL | Rpcrt4Server.RPC_QUERY_CLIENT_PID
                    | (principal ? Rpcrt4Server.RPC_QUERY_CLIENT_PRINCIPAL_NAME : 0);
            if (principal) {
                a.ClientPrincipalName = buf;
                a.ClientPrincipalNameBufferLength = size;
            }
            int st = s.RpcServerInqCallAttributesW(callBinding, a);
            if (st == RpcErrors.ERROR_MORE_DATA && principal && a.ClientPrincipalNameBufferLength > size) {
                size = a.ClientPrincipalNameBufferLength;
                continue;
            }
            if (st == RpcErrors.RPC_S_BINDING_HAS_NO_AUTH && principal) {
                principal = false; // an unauthenticated call has no principal to ask for
                continue;
            }
            RpcException.check("RpcServerInqCallAttributesW", st);
            String client = principal && a.ClientPrincipalNameBufferLength > 0
                    ? RpcWstr.read(buf, a.ClientPrincipalNameBufferLength) : null;
            long pid = a.ClientPID == null ? 0 : Pointer.nativeValue(a.ClientPID);
            return new CallerInfo(protseqName(a.ProtocolSequence), level(a.AuthenticationLevel),
                    a.AuthenticationService, client, a.IsClientLocal == Rpcrt4Server.rcclLocal, pid,
                    a.OpNum & 0xFFFF);
        }
        throw RpcException.of("RpcServerInqCallAttributesW", RpcErrors.ERROR_MORE_DATA);
    }

    /**
     * Whether this thread is running a call of a server in this process (so a wait for every
     * call to end, made here, would wait for itself): the call attributes of "the call on this
     * thread" (a NULL handle) can be read. Microsoft does not list what the function returns
     * outside a call (the simulator: RPC_S_NO_CALL_ACTIVE), so only RPC_S_OK counts.
     *
     * @return whether a call runs on this thread
     */
    static boolean onACallThread() {
        RPC_CALL_ATTRIBUTES_V2_W a = new RPC_CALL_ATTRIBUTES_V2_W();
        return RpcRuntime.rpcrt4Server().RpcServerInqCallAttributesW(null, a) == RpcErrors.RPC_S_OK;
    }

    private static RpcAuth.Level level(int v) {
        try {
            return RpcAuth.Level.of(v);
        } catch (IllegalArgumentException e) {
            return RpcAuth.Level.DEFAULT;
        }
    }

    private static String protseqName(int p) {
        return switch (p) {
            case Rpcrt4Server.RPC_PROTSEQ_TCP -> "ncacn_ip_tcp";
            case Rpcrt4Server.RPC_PROTSEQ_NMP -> "ncacn_np";
            case Rpcrt4Server.RPC_PROTSEQ_LRPC -> "ncalrpc";
            default -> "unknown(" + p + ")";
        };
    }
}
