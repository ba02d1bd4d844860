package dev.winrpc.async;

import dev.winrpc.async.raw.RpcErrors;

/**
 * An RPC_STATUS that a native function returned, as a Java exception.
 *
 * <p>It carries the status, its symbolic name ({@code RPC_S_CALL_CANCELLED}, ...), the native
 * function that returned it, and a readable message; and it tells the two kinds of failure
 * apart (as Microsoft's WIL does):
 * <ul>
 *   <li>{@link Kind#RUNTIME_FAILURE}: the runtime could not do what was asked (the call was
 *       cancelled, the server is unavailable, a pipe failed, a handle was invalid);</li>
 *   <li>{@link Kind#SERVER_FAULT}: the call reached the server and the server failed it: the
 *       ExceptionCode of its RpcAsyncAbortCall (or of an exception in its manager routine)
 *       reached the client as a fault.</li>
 * </ul>
 *
 * <p>On a client the two can only be told apart by the code's value, which the library
 * classifies from one explicit list ({@link RpcStatus}); its Javadoc says what that can and
 * cannot tell.
 */
public class RpcException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Which side failed. */
    public enum Kind {
        /** The RPC runtime failed to make, carry or finish the call. */
        RUNTIME_FAILURE,
        /** The server failed the call with a fault code. */
        SERVER_FAULT
    }

    /** The RPC_STATUS or fault code. */
    private final int status;
    /** The native function that returned the status, e.g. "RpcAsyncCompleteCall". */
    private final String function;
    /** Which side failed. */
    private final Kind kind;

    /**
     * Creates the exception for a status a native function returned.
     *
     * @param kind which side failed
     * @param function the native function that returned the status, e.g. "RpcAsyncCompleteCall"
     * @param status the RPC_STATUS or fault code
     * @param cause an underlying cause, or null
     */
    public RpcException(Kind kind, String function, int status, Throwable cause) {
        super(message(kind, function, status), cause);
        if (kind == null || function == null) {
            throw new NullPointerException("kind and function are required");
        }
        this.kind = kind;
        this.function = function;
        this.status = status;
    }

    /**
     * A runtime failure returned by a native function.
     *
     * @param function the native function
     * @param status its RPC_STATUS
     * @return the exception
     */
    public static RpcException runtimeFailure(String function, int status) {
        return new RpcException(Kind.RUNTIME_FAILURE, function, status, null);
    }

    /**
     * A fault the server sent, observed through a native function (usually the client's
     * RpcAsyncCompleteCall).
     *
     * @param function the native function that reported it
     * @param code the fault code
     * @return the exception
     */
    public static RpcException serverFault(String function, int code) {
        return new RpcException(Kind.SERVER_FAULT, function, code, null);
    }

    /**
     * A failure status a call ended with, classified by the library's explicit list
     * ({@link RpcStatus}): one of the runtime's statuses is a {@link Kind#RUNTIME_FAILURE}, any
     * other code the server's fault. See {@link RpcStatus} for what this can and cannot tell.
     *
     * @param function the native function that returned the status
     * @param status a status other than RPC_S_OK
     * @return the exception
     */
    public static RpcException of(String function, int status) {
        return RpcStatus.isRuntimeStatus(status) ? runtimeFailure(function, status) : serverFault(function, status);
    }

    /**
     * Throws a {@link Kind#RUNTIME_FAILURE} unless status is RPC_S_OK.
     *
     * @param function the native function that returned status
     * @param status its RPC_STATUS
     */
    public static void check(String function, int status) {
        if (status != RpcErrors.RPC_S_OK) {
            throw runtimeFailure(function, status);
        }
    }

    /** {@return the RPC_STATUS (or, for a server fault, the fault code)} */
    public int status() {
        return status;
    }

    /** {@return the symbolic name of {@link #status()}, or its hexadecimal value if unknown} */
    public String statusName() {
        return nameOf(status);
    }

    /** {@return the native function that returned the status} */
    public String function() {
        return function;
    }

    /** {@return which side failed} */
    public Kind kind() {
        return kind;
    }

    /** {@return true if the server failed the call with a fault code} */
    public boolean isServerFault() {
        return kind == Kind.SERVER_FAULT;
    }

    /**
     * The SDK name of a status code ({@link RpcStatus#nameOf}).
     *
     * @param status the code
     * @return e.g. "RPC_S_CALL_CANCELLED", or "0x%08X" for a code the library does not know
     */
    public static String nameOf(int status) {
        return RpcStatus.nameOf(status);
    }

    /**
     * A short English description of a status code ({@link RpcStatus#describe}).
     *
     * @param status the code
     * @return a description, or "unknown status"
     */
    public static String describe(int status) {
        return RpcStatus.describe(status);
    }

    private static String message(Kind kind, String function, int status) {
        String code = nameOf(status) + " (" + status + ")";
        if (kind == Kind.SERVER_FAULT) {
            return function + ": the server failed the call with fault " + code + ": "
                    + describe(status);
        }
        return function + " failed with " + code + ": " + describe(status);
    }
}
