package dev.winrpc.async.raw;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import java.util.Map;

/**
 * The client side of binding handles in rpcrt4.dll (rpcdce.h), named and typed as the SDK
 * declares them, {@code W} variants: string bindings, binding handles, their authentication
 * information and options, endpoint resolution. All are {@code RPC_ENTRY} (see
 * {@link RpcEntry}). Declared in {@code native-headers/winrpc_rpcdce.h}.
 *
 * <p>This is the raw layer: nothing is checked and nothing is hidden. {@code RPC_WSTR}
 * arguments are UTF-16 strings made with {@link RpcWstr#of(String)}; strings the runtime
 * returns are read with {@link RpcWstr#read(Pointer)} and must be given back with
 * {@link #RpcStringFreeW}. A binding handle is a {@link Pointer}; it must be freed with
 * {@link #RpcBindingFree}, and not before every call made on it has ended. Loaded by the
 * runtime gate ({@code dev.winrpc.async.RpcRuntime#rpcrt4Binding()}).
 *
 * <p>String binding syntax: {@code [ObjectUUID@]ProtocolSequence:[NetworkAddress][[Endpoint][,Option=Value]...]};
 * a backslash escapes the next character in every field.
 */
public interface Rpcrt4Binding extends StdCallLibrary {

    /** The options to load this interface with: {@link RpcEntry#OPTIONS}. */
    Map<String, Object> OPTIONS = RpcEntry.OPTIONS;

    /** Protocol sequence: local RPC. */
    String RPC_C_PROTSEQ_NCALRPC = "ncalrpc";
    /** Protocol sequence: connection-oriented TCP/IP. */
    String RPC_C_PROTSEQ_NCACN_IP_TCP = "ncacn_ip_tcp";
    /** Protocol sequence: connection-oriented named pipes. */
    String RPC_C_PROTSEQ_NCACN_NP = "ncacn_np";

    /** No authentication. */
    int RPC_C_AUTHN_NONE = 0;
    /** SPNEGO: Kerberos or NTLM. */
    int RPC_C_AUTHN_GSS_NEGOTIATE = 9;
    /** NTLM. */
    int RPC_C_AUTHN_WINNT = 10;
    /** Schannel (TLS). */
    int RPC_C_AUTHN_GSS_SCHANNEL = 14;
    /** Kerberos. */
    int RPC_C_AUTHN_GSS_KERBEROS = 16;
    /** The default authentication service (0xFFFFFFFF). */
    int RPC_C_AUTHN_DEFAULT = 0xFFFFFFFF;

    /** The service's default level. */
    int RPC_C_AUTHN_LEVEL_DEFAULT = 0;
    /** No authentication. */
    int RPC_C_AUTHN_LEVEL_NONE = 1;
    /** Authenticated at connection. */
    int RPC_C_AUTHN_LEVEL_CONNECT = 2;
    /** Authenticated at each call. */
    int RPC_C_AUTHN_LEVEL_CALL = 3;
    /** Every packet authenticated. */
    int RPC_C_AUTHN_LEVEL_PKT = 4;
    /** Every packet signed. */
    int RPC_C_AUTHN_LEVEL_PKT_INTEGRITY = 5;
    /** Every packet signed and encrypted. */
    int RPC_C_AUTHN_LEVEL_PKT_PRIVACY = 6;

    /** No authorization service. */
    int RPC_C_AUTHZ_NONE = 0;
    /** Authorization by principal name. */
    int RPC_C_AUTHZ_NAME = 1;

    /** The default impersonation level. */
    int RPC_C_IMP_LEVEL_DEFAULT = 0;
    /** The server cannot learn the client's identity. */
    int RPC_C_IMP_LEVEL_ANONYMOUS = 1;
    /** The server can learn, not use, the client's identity. */
    int RPC_C_IMP_LEVEL_IDENTIFY = 2;
    /** The server can act as the client on its own machine. */
    int RPC_C_IMP_LEVEL_IMPERSONATE = 3;
    /** The server can act as the client on other machines too. */
    int RPC_C_IMP_LEVEL_DELEGATE = 4;

    /** No special capabilities. */
    int RPC_C_QOS_CAPABILITIES_DEFAULT = 0;
    /** Mutual authentication (the server proves its identity). */
    int RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH = 1;
    /** The identity is read once, when the authentication information is set. */
    int RPC_C_QOS_IDENTITY_STATIC = 0;
    /** The identity is read again when it may have changed. */
    int RPC_C_QOS_IDENTITY_DYNAMIC = 1;
    /** {@link RPC_SECURITY_QOS}'s Version. */
    int RPC_C_SECURITY_QOS_VERSION = 1;
    /** {@link SEC_WINNT_AUTH_IDENTITY_W}'s Flags for UTF-16 strings. */
    int SEC_WINNT_AUTH_IDENTITY_UNICODE = 0x2;

    /** Option: calls on the binding need not be serialised. */
    int RPC_C_OPT_BINDING_NONCAUSAL = 9;
    /** Option: a security callback for the binding (Schannel). */
    int RPC_C_OPT_SECURITY_CALLBACK = 10;
    /** Option: the binding's connection is not shared. */
    int RPC_C_OPT_UNIQUE_BINDING = 11;
    /** Option: the call timeout in milliseconds (0: none). */
    int RPC_C_OPT_CALL_TIMEOUT = 12;
    /** Option: do not keep the connection after the binding is freed. */
    int RPC_C_OPT_DONT_LINGER = 13;

    /**
     * Joins the parts of a string binding, escaping separators in them.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcstringbindingcomposew">RpcStringBindingComposeW</a>
     * @param ObjUuid an object UUID string, or NULL
     * @param ProtSeq a protocol sequence
     * @param NetworkAddr a network address, or NULL
     * @param Endpoint an endpoint, or NULL
     * @param Options options ({@code name=value,...}), or NULL
     * @param StringBinding receives the string; free it with {@link #RpcStringFreeW}
     * @return an RPC_STATUS
     */
    int RpcStringBindingComposeW(Pointer ObjUuid, Pointer ProtSeq, Pointer NetworkAddr,
            Pointer Endpoint, Pointer Options, PointerByReference StringBinding);

    /**
     * Makes a binding handle from a string binding.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindingfromstringbindingw">RpcBindingFromStringBindingW</a>
     * @param StringBinding the string
     * @param Binding receives the handle; free it with {@link #RpcBindingFree}
     * @return RPC_S_OK, RPC_S_INVALID_STRING_BINDING, RPC_S_PROTSEQ_NOT_SUPPORTED,
     *         RPC_S_INVALID_ENDPOINT_FORMAT, RPC_S_INVALID_STRING_UUID, ...
     */
    int RpcBindingFromStringBindingW(Pointer StringBinding, PointerByReference Binding);

    /**
     * The string binding of a handle.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindingtostringbindingw">RpcBindingToStringBindingW</a>
     * @param Binding a binding handle
     * @param StringBinding receives the string; free it with {@link #RpcStringFreeW}
     * @return an RPC_STATUS
     */
    int RpcBindingToStringBindingW(Pointer Binding, PointerByReference StringBinding);

    /**
     * Frees a string the runtime allocated, and sets the pointer to NULL.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcstringfreew">RpcStringFreeW</a>
     * @param String the string's address
     * @return an RPC_STATUS
     */
    int RpcStringFreeW(PointerByReference String);

    /**
     * Frees a binding handle and sets it to NULL. Not while calls made on it are in flight.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindingfree">RpcBindingFree</a>
     * @param Binding the handle's address
     * @return an RPC_STATUS
     */
    int RpcBindingFree(PointerByReference Binding);

    /**
     * Copies a binding handle, with its authentication information and options.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindingcopy">RpcBindingCopy</a>
     * @param SourceBinding a binding handle
     * @param DestinationBinding receives the copy; free it with {@link #RpcBindingFree}
     * @return an RPC_STATUS
     */
    int RpcBindingCopy(Pointer SourceBinding, PointerByReference DestinationBinding);

    /**
     * Sets a binding's authentication and authorization information.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindingsetauthinfoexw">RpcBindingSetAuthInfoExW</a>
     * @param Binding a client binding handle
     * @param ServerPrincName the server's principal name, or NULL
     * @param AuthnLevel {@code RPC_C_AUTHN_LEVEL_*}
     * @param AuthnSvc {@code RPC_C_AUTHN_*}
     * @param AuthIdentity explicit credentials, or null for the current user's
     * @param AuthzSvc {@code RPC_C_AUTHZ_*}
     * @param SecurityQos the quality of service, or null
     * @return RPC_S_OK, RPC_S_UNKNOWN_AUTHN_LEVEL, RPC_S_UNKNOWN_AUTHN_SERVICE, ...
     */
    int RpcBindingSetAuthInfoExW(Pointer Binding, Pointer ServerPrincName, int AuthnLevel,
            int AuthnSvc, SEC_WINNT_AUTH_IDENTITY_W AuthIdentity, int AuthzSvc,
            RPC_SECURITY_QOS SecurityQos);

    /**
     * Reads a binding's authentication information. Every out-parameter may be null.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindinginqauthinfoexw">RpcBindingInqAuthInfoExW</a>
     * @param Binding a binding handle
     * @param ServerPrincName receives the principal (free with {@link #RpcStringFreeW})
     * @param AuthnLevel receives the level
     * @param AuthnSvc receives the service
     * @param AuthIdentity receives the identity handle
     * @param AuthzSvc receives the authorization service
     * @param RpcQosVersion the version of SecurityQOS
     * @param SecurityQOS receives the quality of service
     * @return RPC_S_OK, RPC_S_BINDING_HAS_NO_AUTH, RPC_S_INVALID_BINDING
     */
    int RpcBindingInqAuthInfoExW(Pointer Binding, PointerByReference ServerPrincName,
            IntByReference AuthnLevel, IntByReference AuthnSvc, PointerByReference AuthIdentity,
            IntByReference AuthzSvc, int RpcQosVersion, RPC_SECURITY_QOS SecurityQOS);

    /**
     * Sets an option of a binding ({@code RPC_C_OPT_*}).
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindingsetoption">RpcBindingSetOption</a>
     * @param hBinding a binding handle
     * @param option the option
     * @param optionValue its value
     * @return an RPC_STATUS
     */
    int RpcBindingSetOption(Pointer hBinding, int option, ULONG_PTR optionValue);

    /**
     * Reads an option of a binding.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindinginqoption">RpcBindingInqOption</a>
     * @param hBinding a binding handle
     * @param option the option
     * @param pOptionValue receives its value
     * @return an RPC_STATUS
     */
    int RpcBindingInqOption(Pointer hBinding, int option, ULONG_PTRByReference pOptionValue);

    /**
     * Completes a partially bound handle (no endpoint) from the endpoint mapper.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcepresolvebinding">RpcEpResolveBinding</a>
     * @param Binding a binding handle
     * @param IfSpec the interface (MIDL's ifspec)
     * @return RPC_S_OK, EPT_S_NOT_REGISTERED, RPC_S_INVALID_BINDING, ...
     */
    int RpcEpResolveBinding(Pointer Binding, Pointer IfSpec);

    /**
     * Whether the server a binding names is listening; NULL asks about this process's server.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcmgmtisserverlistening">RpcMgmtIsServerListening</a>
     * @param Binding a binding handle, or NULL
     * @return RPC_S_OK (listening), RPC_S_NOT_LISTENING, RPC_S_INVALID_BINDING, ...
     */
    int RpcMgmtIsServerListening(Pointer Binding);
}
