package dev.winrpc.async.rpc;

import dev.winrpc.async.raw.Rpcrt4Server;
import java.util.Set;

/** {@code RPC_IF_*}: how an interface registered with {@link RpcServer} takes its calls. */
public enum IfFlag {
    /** The interface takes calls as soon as it is registered, without {@link RpcServer#start()}. */
    AUTOLISTEN(Rpcrt4Server.RPC_IF_AUTOLISTEN),
    /** Schannel: accept clients whose certificate authority is unknown. */
    ALLOW_UNKNOWN_AUTHORITY(Rpcrt4Server.RPC_IF_ALLOW_UNKNOWN_AUTHORITY),
    /** Refuse unauthenticated calls (RPC_S_ACCESS_DENIED). */
    ALLOW_SECURE_ONLY(Rpcrt4Server.RPC_IF_ALLOW_SECURE_ONLY),
    /**
     * Call the security callback for unauthenticated calls too (without it, the runtime refuses
     * them before the callback).
     */
    ALLOW_CALLBACKS_WITH_NO_AUTH(Rpcrt4Server.RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH),
    /** Refuse remote calls, and local ones over ncacn_* and ncadg_* other than ncacn_np. */
    ALLOW_LOCAL_ONLY(Rpcrt4Server.RPC_IF_ALLOW_LOCAL_ONLY),
    /** Call the security callback for every call (no cache of its verdict). */
    SEC_NO_CACHE(Rpcrt4Server.RPC_IF_SEC_NO_CACHE);

    private final int value;

    IfFlag(int value) {
        this.value = value;
    }

    /** {@return the SDK's bit} */
    public int value() {
        return value;
    }

    /**
     * {@return their bits OR-ed}
     *
     * @param flags a set of flags
     */
    public static int bits(Set<IfFlag> flags) {
        int b = 0;
        for (IfFlag f : flags) {
            b |= f.value;
        }
        return b;
    }
}
