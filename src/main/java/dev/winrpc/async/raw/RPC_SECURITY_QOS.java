package dev.winrpc.async.raw;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code RPC_SECURITY_QOS} (version 1, rpcdce.h): the quality of service a client asks for in
 * {@link Rpcrt4Binding#RpcBindingSetAuthInfoExW}. Four {@code unsigned long}s: 16 bytes on
 * every Windows ABI. The {@code _V2} to {@code _V5} layouts extend it and are not bound.
 *
 * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/ns-rpcdce-rpc_security_qos">RPC_SECURITY_QOS</a>
 */
@FieldOrder({"Version", "Capabilities", "IdentityTracking", "ImpersonationType"})
public class RPC_SECURITY_QOS extends Structure {
    /** {@link Rpcrt4Binding#RPC_C_SECURITY_QOS_VERSION} (1). */
    public int Version = Rpcrt4Binding.RPC_C_SECURITY_QOS_VERSION;
    /** {@code RPC_C_QOS_CAPABILITIES_*} flags. */
    public int Capabilities;
    /** {@link Rpcrt4Binding#RPC_C_QOS_IDENTITY_STATIC} or {@link Rpcrt4Binding#RPC_C_QOS_IDENTITY_DYNAMIC}. */
    public int IdentityTracking;
    /** {@code RPC_C_IMP_LEVEL_*}: how far the server may impersonate the client. */
    public int ImpersonationType;

    /** A structure in its own memory, zeroed. */
    public RPC_SECURITY_QOS() {
        super();
    }
}
