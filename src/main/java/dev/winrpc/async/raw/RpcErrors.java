package dev.winrpc.async.raw;

/**
 * The RPC_STATUS values winrpc-async uses, with the SDK's names (winerror.h, rpcnterr.h).
 *
 * <p>Values are checked against {@code native-headers/winrpc_async.h}, which is itself checked
 * against mingw-w64's headers.
 */
public interface RpcErrors {
    /** The call succeeded. */
    int RPC_S_OK = 0;
    /** ERROR_OUTOFMEMORY: the application could not allocate pipe memory. */
    int RPC_X_PIPE_APP_MEMORY = 14;
    /** ERROR_INVALID_PARAMETER, e.g. a wrong Size for RpcAsyncInitializeHandle. */
    int RPC_S_INVALID_ARG = 87;
    /** ERROR_IO_PENDING: the call or the pipe operation has not finished yet. */
    int RPC_S_ASYNC_CALL_PENDING = 997;
    /** The binding handle is invalid; also GetCallStatus of a state never used in a call. */
    int RPC_S_INVALID_BINDING = 1702;
    /** The RPC server is unavailable. */
    int RPC_S_SERVER_UNAVAILABLE = 1722;
    /** There is no remote procedure call active in this thread. */
    int RPC_S_NO_CALL_ACTIVE = 1725;
    /** The remote procedure call failed. */
    int RPC_S_CALL_FAILED = 1726;
    /** The remote procedure call failed and did not execute. */
    int RPC_S_CALL_FAILED_DNE = 1727;
    /** The requested operation is not supported. */
    int RPC_S_CANNOT_SUPPORT = 1764;
    /** A remote procedure call is already in progress for this thread. */
    int RPC_S_CALL_IN_PROGRESS = 1791;
    /** The remote procedure call was cancelled. */
    int RPC_S_CALL_CANCELLED = 1818;
    /** Pipe data was pulled or pushed in the wrong order. */
    int RPC_X_WRONG_PIPE_ORDER = 1831;
    /** The pipe's version is not supported. */
    int RPC_X_WRONG_PIPE_VERSION = 1832;
    /** The asynchronous call has more data to send. */
    int RPC_S_SEND_INCOMPLETE = 1913;
    /** The asynchronous handle is invalid (for example, after its final completion). */
    int RPC_S_INVALID_ASYNC_HANDLE = 1914;
    /** The asynchronous call handle is invalid for this operation. */
    int RPC_S_INVALID_ASYNC_CALL = 1915;
    /** The RPC pipe object has already been closed. */
    int RPC_X_PIPE_CLOSED = 1916;
    /** The RPC call completed before all pipes were processed. */
    int RPC_X_PIPE_DISCIPLINE_ERROR = 1917;
    /** No more data is available from the RPC pipe. */
    int RPC_X_PIPE_EMPTY = 1918;

    // Binding, authentication and hosting (rpcdce.h; native-headers/winrpc_rpcdce.h)
    // RPC_S_ACCESS_DENIED (5, ERROR_ACCESS_DENIED) is Rpcrt4Server's: RpcStatus lists 5 under
    // its Win32 name. RPC_S_OUT_OF_MEMORY is 14, RPC_X_PIPE_APP_MEMORY above.
    /** ERROR_MORE_DATA: a buffer (a principal name of RPC_CALL_ATTRIBUTES) is too small. */
    int ERROR_MORE_DATA = 234;
    /** The string binding is invalid. */
    int RPC_S_INVALID_STRING_BINDING = 1700;
    /** The binding handle is not the correct type (a client's where a call's is needed). */
    int RPC_S_WRONG_KIND_OF_BINDING = 1701;
    /** The protocol sequence is not supported. */
    int RPC_S_PROTSEQ_NOT_SUPPORTED = 1703;
    /** The protocol sequence is invalid. */
    int RPC_S_INVALID_RPC_PROTSEQ = 1704;
    /** The string universal unique identifier (UUID) is invalid. */
    int RPC_S_INVALID_STRING_UUID = 1705;
    /** The endpoint format is invalid. */
    int RPC_S_INVALID_ENDPOINT_FORMAT = 1706;
    /** No endpoint was found. */
    int RPC_S_NO_ENDPOINT_FOUND = 1708;
    /** The object universal unique identifier (UUID) has already been registered. */
    int RPC_S_ALREADY_REGISTERED = 1711;
    /** The RPC server is already listening. */
    int RPC_S_ALREADY_LISTENING = 1713;
    /** No protocol sequences have been registered. */
    int RPC_S_NO_PROTSEQS_REGISTERED = 1714;
    /** The RPC server is not listening. */
    int RPC_S_NOT_LISTENING = 1715;
    /** The manager type is unknown. */
    int RPC_S_UNKNOWN_MGR_TYPE = 1716;
    /** The object UUID is the nil UUID (RpcObjectSetType). */
    int RPC_S_INVALID_OBJECT = 1900;
    /** The interface is unknown. */
    int RPC_S_UNKNOWN_IF = 1717;
    /** There are no bindings. */
    int RPC_S_NO_BINDINGS = 1718;
    /** Not enough resources are available to complete this operation. */
    int RPC_S_OUT_OF_RESOURCES = 1721;
    /** The endpoint is a duplicate. */
    int RPC_S_DUPLICATE_ENDPOINT = 1740;
    /** The binding does not contain any authentication information. */
    int RPC_S_BINDING_HAS_NO_AUTH = 1746;
    /** The authentication service is unknown. */
    int RPC_S_UNKNOWN_AUTHN_SERVICE = 1747;
    /** The authentication level is unknown. */
    int RPC_S_UNKNOWN_AUTHN_LEVEL = 1748;
    /** There are no more endpoints available from the endpoint mapper (not registered). */
    int EPT_S_NOT_REGISTERED = 1753;
    /** The array bounds are invalid. */
    int RPC_S_INVALID_BOUND = 1734;
    /** No security context is available to allow impersonation. */
    int RPC_S_NO_CONTEXT_AVAILABLE = 1765;
    /** An internal error occurred in a remote procedure call. */
    int RPC_S_INTERNAL_ERROR = 1766;
}
