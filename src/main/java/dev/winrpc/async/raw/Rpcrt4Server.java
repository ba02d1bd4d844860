package dev.winrpc.async.raw;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import java.util.Map;

/**
 * The server side of rpcrt4.dll's hosting functions (rpcdce.h, rpcasync.h), named and typed as
 * the SDK declares them, {@code W} variants: endpoints, the endpoint map, interfaces with their
 * security callback, authentication, listening, and what a manager routine may ask about its
 * call (attributes, the client's identity, impersonation). All are {@code RPC_ENTRY} (see
 * {@link RpcEntry}). Declared in {@code native-headers/winrpc_rpcdce.h}.
 *
 * <p>This is the raw layer: nothing is checked and nothing is hidden. An ifspec is MIDL's
 * {@code RPC_IF_HANDLE} (a pointer to the stub's {@code RPC_SERVER_INTERFACE}); it, the manager
 * EPV and the security callback must stay valid while the interface is registered. Endpoints
 * and authentication information stay for the life of the process (rpcrt4 has no function to
 * give them back). Loaded by the runtime gate
 * ({@code dev.winrpc.async.RpcRuntime#rpcrt4Server()}).
 */
public interface Rpcrt4Server extends StdCallLibrary {

    /** The options to load this interface with: {@link RpcEntry#OPTIONS}. */
    Map<String, Object> OPTIONS = RpcEntry.OPTIONS;

    /**
     * {@code RPC_S_ACCESS_DENIED} (rpcnterr.h; ERROR_ACCESS_DENIED, 5): a security callback,
     * {@link #RPC_IF_ALLOW_SECURE_ONLY} or {@link #RPC_IF_ALLOW_LOCAL_ONLY} refused the call.
     */
    int RPC_S_ACCESS_DENIED = 5;

    /** The interface listens as soon as it is registered, apart from RpcServerListen. */
    int RPC_IF_AUTOLISTEN = 0x0001;
    /** For OLE only. */
    int RPC_IF_OLE = 0x0002;
    /** Schannel: accept clients whose certificate authority is unknown. */
    int RPC_IF_ALLOW_UNKNOWN_AUTHORITY = 0x0004;
    /** Refuse unauthenticated calls (RPC_S_ACCESS_DENIED). */
    int RPC_IF_ALLOW_SECURE_ONLY = 0x0008;
    /** Call the security callback for unauthenticated calls too (otherwise they are refused). */
    int RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH = 0x0010;
    /** Refuse remote calls, and local calls over ncacn_* and ncadg_* other than ncacn_np. */
    int RPC_IF_ALLOW_LOCAL_ONLY = 0x0020;
    /** Call the security callback for every call (no cache of its verdict). */
    int RPC_IF_SEC_NO_CACHE = 0x0040;

    /** RpcServerListen's and RpcServerUseProtseq*'s default maximum of calls. */
    int RPC_C_LISTEN_MAX_CALLS_DEFAULT = 1234;
    /** The default queue length of a protocol sequence. */
    int RPC_C_PROTSEQ_MAX_REQS_DEFAULT = 10;

    /** {@link RPC_CALL_ATTRIBUTES_V2_W}'s Version. */
    int RPC_CALL_ATTRIBUTES_VERSION_2 = 2;
    /** Ask for the server principal name. */
    int RPC_QUERY_SERVER_PRINCIPAL_NAME = 0x02;
    /** Ask for the client principal name. */
    int RPC_QUERY_CLIENT_PRINCIPAL_NAME = 0x04;
    /** Ask for the call's local address. */
    int RPC_QUERY_CALL_LOCAL_ADDRESS = 0x08;
    /** Ask for the client's process id (ncalrpc). */
    int RPC_QUERY_CLIENT_PID = 0x10;
    /** Ask whether the client is local. */
    int RPC_QUERY_IS_CLIENT_LOCAL = 0x20;
    /** Ask whether the call needs no authentication. */
    int RPC_QUERY_NO_AUTH_REQUIRED = 0x40;
    /** ProtocolSequence: ncacn_ip_tcp. */
    int RPC_PROTSEQ_TCP = 1;
    /** ProtocolSequence: ncacn_np. */
    int RPC_PROTSEQ_NMP = 2;
    /** ProtocolSequence: ncalrpc. */
    int RPC_PROTSEQ_LRPC = 3;
    /** RpcCallClientLocality: not known to be valid. */
    int rcclInvalid = 0;
    /** RpcCallClientLocality: the client is on this machine. */
    int rcclLocal = 1;
    /** RpcCallClientLocality: the client is on another machine. */
    int rcclRemote = 2;
    /** RpcCallClientLocality: unknown. */
    int rcclClientUnknownLocality = 3;
    /** RpcCallType: invalid. */
    int rctInvalid = 0;
    /** RpcCallType: a normal call. */
    int rctNormal = 1;

    /**
     * Listens on a protocol sequence at a given endpoint.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcserveruseprotseqepw">RpcServerUseProtseqEpW</a>
     * @param Protseq the protocol sequence
     * @param MaxCalls the queue length ({@link #RPC_C_PROTSEQ_MAX_REQS_DEFAULT})
     * @param Endpoint the endpoint
     * @param SecurityDescriptor a security descriptor for the endpoint, or NULL
     * @return RPC_S_OK, RPC_S_PROTSEQ_NOT_SUPPORTED, RPC_S_INVALID_ENDPOINT_FORMAT,
     *         RPC_S_DUPLICATE_ENDPOINT, ...
     */
    int RpcServerUseProtseqEpW(Pointer Protseq, int MaxCalls, Pointer Endpoint,
            Pointer SecurityDescriptor);

    /**
     * Listens on a protocol sequence at an endpoint the runtime chooses (see
     * {@link #RpcServerInqBindings}, {@link #RpcEpRegisterW}).
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcserveruseprotseqw">RpcServerUseProtseqW</a>
     * @param Protseq the protocol sequence
     * @param MaxCalls the queue length
     * @param SecurityDescriptor a security descriptor, or NULL
     * @return an RPC_STATUS
     */
    int RpcServerUseProtseqW(Pointer Protseq, int MaxCalls, Pointer SecurityDescriptor);

    /**
     * The server's bindings, one per endpoint.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcserverinqbindings">RpcServerInqBindings</a>
     * @param BindingVector receives an {@link RPC_BINDING_VECTOR}; free it with
     *        {@link #RpcBindingVectorFree}
     * @return RPC_S_OK or RPC_S_NO_BINDINGS
     */
    int RpcServerInqBindings(PointerByReference BindingVector);

    /**
     * Frees a binding vector and its handles, and sets the pointer to NULL.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindingvectorfree">RpcBindingVectorFree</a>
     * @param BindingVector the vector's address
     * @return an RPC_STATUS
     */
    int RpcBindingVectorFree(PointerByReference BindingVector);

    /**
     * Adds (or replaces) the interface's endpoints in the endpoint map.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcepregisterw">RpcEpRegisterW</a>
     * @param IfSpec the interface
     * @param BindingVector the server's bindings
     * @param UuidVector object UUIDs, or NULL
     * @param Annotation a comment, or NULL
     * @return an RPC_STATUS
     */
    int RpcEpRegisterW(Pointer IfSpec, Pointer BindingVector, Pointer UuidVector,
            Pointer Annotation);

    /**
     * Removes the interface's endpoints from the endpoint map.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcepunregister">RpcEpUnregister</a>
     * @param IfSpec the interface
     * @param BindingVector the server's bindings
     * @param UuidVector object UUIDs, or NULL
     * @return RPC_S_OK, EPT_S_NOT_REGISTERED, ...
     */
    int RpcEpUnregister(Pointer IfSpec, Pointer BindingVector, Pointer UuidVector);

    /**
     * Registers an interface with flags, a security callback and a security descriptor.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcserverregisterif3">RpcServerRegisterIf3</a>
     * @param IfSpec the interface
     * @param MgrTypeUuid a manager type UUID, or NULL
     * @param MgrEpv the manager routines' entry-point vector, or NULL for the stub's default
     * @param Flags {@code RPC_IF_*}
     * @param MaxCalls {@link #RPC_C_LISTEN_MAX_CALLS_DEFAULT}
     * @param MaxRpcSize the largest request in bytes (-1: no limit)
     * @param IfCallback the security callback, or null; held strongly by the caller while the
     *        interface is registered
     * @param SecurityDescriptor a security descriptor, or NULL
     * @return RPC_S_OK, RPC_S_ALREADY_REGISTERED, RPC_S_UNKNOWN_MGR_TYPE, ...
     */
    int RpcServerRegisterIf3(Pointer IfSpec, Pointer MgrTypeUuid, Pointer MgrEpv, int Flags,
            int MaxCalls, int MaxRpcSize, RPC_IF_CALLBACK_FN IfCallback, Pointer SecurityDescriptor);

    /**
     * Unregisters an interface (NULL: every interface).
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcserverunregisterifex">RpcServerUnregisterIfEx</a>
     * @param IfSpec the interface, or NULL
     * @param MgrTypeUuid a manager type UUID, or NULL
     * @param RundownContextHandles nonzero to run context handles down
     * @return RPC_S_OK, RPC_S_UNKNOWN_IF, ...
     */
    int RpcServerUnregisterIfEx(Pointer IfSpec, Pointer MgrTypeUuid, int RundownContextHandles);

    /**
     * Unregisters an interface's manager EPV (or all of them), optionally waiting until the
     * calls running in it have completed.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcserverunregisterif">RpcServerUnregisterIf</a>
     * @param IfSpec the interface, or NULL (every interface of the manager type)
     * @param MgrTypeUuid the manager type UUID, NULL (every type), or the nil UUID (the EPV
     *        registered without a type)
     * @param WaitForCallsToComplete nonzero to return only after the calls in progress complete
     * @return RPC_S_OK, RPC_S_UNKNOWN_MGR_TYPE, RPC_S_UNKNOWN_IF
     */
    int RpcServerUnregisterIf(Pointer IfSpec, Pointer MgrTypeUuid, int WaitForCallsToComplete);

    /**
     * Assigns a type UUID to an object UUID: calls whose binding carries the object UUID go to
     * the manager EPV registered with that type.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcobjectsettype">RpcObjectSetType</a>
     * @param ObjUuid the object UUID (not nil)
     * @param TypeUuid the type UUID; NULL or the nil UUID resets the object to the nil type
     * @return RPC_S_OK, RPC_S_INVALID_OBJECT, RPC_S_ALREADY_REGISTERED, RPC_S_OUT_OF_MEMORY
     */
    int RpcObjectSetType(Pointer ObjUuid, Pointer TypeUuid);

    /**
     * Registers an authentication service (and principal) the server accepts.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcserverregisterauthinfow">RpcServerRegisterAuthInfoW</a>
     * @param ServerPrincName the server's principal name, or NULL
     * @param AuthnSvc {@code RPC_C_AUTHN_*}
     * @param GetKeyFn NULL (the service's default)
     * @param Arg NULL
     * @return RPC_S_OK, RPC_S_UNKNOWN_AUTHN_SERVICE, ...
     */
    int RpcServerRegisterAuthInfoW(Pointer ServerPrincName, int AuthnSvc, Pointer GetKeyFn,
            Pointer Arg);

    /**
     * Starts listening; with DontWait zero, returns only when listening has stopped.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcserverlisten">RpcServerListen</a>
     * @param MinimumCallThreads the fewest threads kept
     * @param MaxCalls {@link #RPC_C_LISTEN_MAX_CALLS_DEFAULT}
     * @param DontWait nonzero to return at once
     * @return RPC_S_OK, RPC_S_ALREADY_LISTENING, RPC_S_NO_PROTSEQS_REGISTERED, ...
     */
    int RpcServerListen(int MinimumCallThreads, int MaxCalls, int DontWait);

    /**
     * Stops listening (NULL: this process's server); calls in flight run to their end.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcmgmtstopserverlistening">RpcMgmtStopServerListening</a>
     * @param Binding NULL, or another server's binding
     * @return RPC_S_OK, RPC_S_NOT_LISTENING, ...
     */
    int RpcMgmtStopServerListening(Pointer Binding);

    /**
     * Waits until listening has stopped and every call has ended.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcmgmtwaitserverlisten">RpcMgmtWaitServerListen</a>
     * @return RPC_S_OK, RPC_S_NOT_LISTENING, RPC_S_ALREADY_LISTENING (another thread waits)
     */
    int RpcMgmtWaitServerListen();

    /**
     * The attributes of a call in progress.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcserverinqcallattributesw">RpcServerInqCallAttributesW</a>
     * @param ClientBinding the call's binding handle, or NULL on its dispatch thread
     * @param RpcCallAttributes the attributes, Version and Flags set
     * @return RPC_S_OK, ERROR_MORE_DATA, RPC_S_NO_CALL_ACTIVE, RPC_S_INVALID_ARG, ...
     */
    int RpcServerInqCallAttributesW(Pointer ClientBinding, RPC_CALL_ATTRIBUTES_V2_W RpcCallAttributes);

    /**
     * Makes the calling thread act as the call's client, until {@link #RpcRevertToSelfEx}.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcimpersonateclient">RpcImpersonateClient</a>
     * @param BindingHandle the call's binding handle, or NULL on its dispatch thread
     * @return RPC_S_OK, RPC_S_NO_CONTEXT_AVAILABLE, RPC_S_NO_CALL_ACTIVE, ...
     */
    int RpcImpersonateClient(Pointer BindingHandle);

    /**
     * Ends the calling thread's impersonation of the call's client.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcreverttoselfex">RpcRevertToSelfEx</a>
     * @param BindingHandle the call's binding handle, or NULL on its dispatch thread
     * @return RPC_S_OK, RPC_S_NO_CALL_ACTIVE, ...
     */
    int RpcRevertToSelfEx(Pointer BindingHandle);

    /**
     * The authentication of the call's client.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcbindinginqauthclientw">RpcBindingInqAuthClientW</a>
     * @param ClientBinding the call's binding handle, or NULL on its dispatch thread
     * @param Privs receives the client's privileges (for RPC_C_AUTHZ_NAME services, its
     *        principal name; the runtime's, valid during the call)
     * @param ServerPrincName receives the server principal (free with RpcStringFreeW)
     * @param AuthnLevel receives the level
     * @param AuthnSvc receives the service
     * @param AuthzSvc receives the authorization service
     * @return RPC_S_OK, RPC_S_BINDING_HAS_NO_AUTH, ...
     */
    int RpcBindingInqAuthClientW(Pointer ClientBinding, PointerByReference Privs,
            PointerByReference ServerPrincName, IntByReference AuthnLevel,
            IntByReference AuthnSvc, IntByReference AuthzSvc);

    /**
     * {@code RPC_IF_CALLBACK_FN}: {@code RPC_STATUS RPC_ENTRY (RPC_IF_HANDLE InterfaceUuid,
     * void *Context)}, an interface's security callback. Context is the call's binding handle
     * (for {@link #RpcServerInqCallAttributesW}, {@link #RpcBindingInqAuthClientW}). RPC_S_OK
     * admits the call; anything else refuses it with RPC_S_ACCESS_DENIED.
     *
     * <p>An implementation must catch everything: a Java exception escaping it reaches JNA,
     * which reports it to its uncaught-exception handler and returns 0, which is RPC_S_OK and
     * <b>admits the call</b>. It runs on a thread of the runtime's, and must stay strongly
     * reachable while the interface is registered (JNA frees the native stub of a collected
     * callback). {@code RPC_ENTRY}, through this interface's {@link #OPTIONS}.
     */
    interface RPC_IF_CALLBACK_FN extends Callback {
        /**
         * {@return RPC_S_OK to admit the call}
         *
         * @param InterfaceUuid the interface's ifspec
         * @param Context the call's binding handle
         */
        int callback(Pointer InterfaceUuid, Pointer Context);
    }
}
