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
}
