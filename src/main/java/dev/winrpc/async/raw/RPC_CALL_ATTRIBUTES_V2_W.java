package dev.winrpc.async.raw;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.platform.win32.Guid.GUID;

/**
 * {@code RPC_CALL_ATTRIBUTES_V2_W} (rpcasync.h): what {@link Rpcrt4Server#RpcServerInqCallAttributesW}
 * tells a server about a call in progress. Set {@link #Version} to 2 and {@link #Flags} to the
 * {@code RPC_QUERY_*} wanted; for a principal name, point its buffer at memory of
 * {@code ...BufferLength} bytes (UTF-16, NUL included). A buffer too small (or NULL) makes the
 * function return {@link RpcErrors#ERROR_MORE_DATA} with the length needed. 84 bytes on
 * 32-bit Windows, 112 on 64-bit. Microsoft names the tenth field {@code KernelModeCaller}
 * (mingw-w64: {@code KernelMode}).
 *
 * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/ns-rpcasync-rpc_call_attributes_v2_w">RPC_CALL_ATTRIBUTES_V2_W</a>
 */
@FieldOrder({"Version", "Flags", "ServerPrincipalNameBufferLength", "ServerPrincipalName",
    "ClientPrincipalNameBufferLength", "ClientPrincipalName", "AuthenticationLevel",
    "AuthenticationService", "NullSession", "KernelModeCaller", "ProtocolSequence",
    "IsClientLocal", "ClientPID", "CallStatus", "CallType", "CallLocalAddress", "OpNum",
    "InterfaceUuid"})
public class RPC_CALL_ATTRIBUTES_V2_W extends Structure {
    /** {@link Rpcrt4Server#RPC_CALL_ATTRIBUTES_VERSION_2}. */
    public int Version = Rpcrt4Server.RPC_CALL_ATTRIBUTES_VERSION_2;
    /** {@code RPC_QUERY_*} flags. */
    public int Flags;
    /** In: the size of ServerPrincipalName's buffer in bytes; out: the bytes used or needed. */
    public int ServerPrincipalNameBufferLength;
    /** The caller's buffer for the server principal name (UTF-16), or NULL. */
    public Pointer ServerPrincipalName;
    /** In: the size of ClientPrincipalName's buffer in bytes; out: the bytes used or needed. */
    public int ClientPrincipalNameBufferLength;
    /** The caller's buffer for the client principal name (UTF-16), or NULL. */
    public Pointer ClientPrincipalName;
    /** {@code RPC_C_AUTHN_LEVEL_*} of the call. */
    public int AuthenticationLevel;
    /** {@code RPC_C_AUTHN_*} of the call. */
    public int AuthenticationService;
    /** BOOL: the client used a null session. */
    public int NullSession;
    /** BOOL: the client is in kernel mode. */
    public int KernelModeCaller;
    /** {@code RPC_PROTSEQ_*}: the call's protocol sequence. */
    public int ProtocolSequence;
    /** {@code RpcCallClientLocality} ({@code rccl*}), with {@link Rpcrt4Server#RPC_QUERY_IS_CLIENT_LOCAL}. */
    public int IsClientLocal;
    /** The client's process id (ncalrpc only), with {@link Rpcrt4Server#RPC_QUERY_CLIENT_PID}. */
    public Pointer ClientPID;
    /** The call's status. */
    public int CallStatus;
    /** {@code RpcCallType} ({@code rct*}). */
    public int CallType;
    /** {@code RPC_CALL_LOCAL_ADDRESS_V1 *}, with {@link Rpcrt4Server#RPC_QUERY_CALL_LOCAL_ADDRESS}. */
    public Pointer CallLocalAddress;
    /** The operation number. */
    public short OpNum;
    /** The interface's UUID. */
    public GUID InterfaceUuid;

    /** A structure in its own memory, zeroed. */
    public RPC_CALL_ATTRIBUTES_V2_W() {
        super();
    }
}
