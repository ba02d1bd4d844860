package dev.winrpc.async;

import dev.winrpc.async.raw.RpcErrors;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

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

    private static final Map<Integer, String> NAMES = names();

    private final int status;
    private final String function;
    private final Kind kind;

    /**
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

    /** @return the RPC_STATUS (or, for a server fault, the fault code) */
    public int status() {
        return status;
    }

    /** @return the symbolic name of {@link #status()}, or its hexadecimal value if unknown */
    public String statusName() {
        return nameOf(status);
    }

    /** @return the native function that returned the status */
    public String function() {
        return function;
    }

    /** @return which side failed */
    public Kind kind() {
        return kind;
    }

    /** @return true if the server failed the call with a fault code */
    public boolean isServerFault() {
        return kind == Kind.SERVER_FAULT;
    }

    /**
     * The SDK name of an RPC_STATUS or Win32 error code the library knows.
     *
     * @param status the code
     * @return e.g. "RPC_S_CALL_CANCELLED", or "0x%08X" for an unknown code
     */
    public static String nameOf(int status) {
        String name = NAMES.get(status);
        return name != null ? name : String.format("0x%08X", status);
    }

    /**
     * A short English description of a code the library knows.
     *
     * @param status the code
     * @return a description, or "unknown status" if the code is not known
     */
    public static String describe(int status) {
        switch (status) {
            case RpcErrors.RPC_S_OK: return "the operation completed successfully";
            case 5: return "access is denied";
            case RpcErrors.RPC_X_PIPE_APP_MEMORY: return "not enough memory (pipe application memory)";
            case RpcErrors.RPC_S_INVALID_ARG: return "an argument is invalid";
            case RpcErrors.RPC_S_ASYNC_CALL_PENDING: return "the call has not completed yet";
            case RpcErrors.RPC_S_INVALID_BINDING: return "the binding handle is invalid";
            case RpcErrors.RPC_S_SERVER_UNAVAILABLE: return "the RPC server is unavailable";
            case RpcErrors.RPC_S_NO_CALL_ACTIVE: return "no remote procedure call is active";
            case RpcErrors.RPC_S_CALL_FAILED: return "the remote procedure call failed";
            case RpcErrors.RPC_S_CALL_FAILED_DNE: return "the remote procedure call failed and did not execute";
            case RpcErrors.RPC_S_CANNOT_SUPPORT: return "the requested operation is not supported";
            case RpcErrors.RPC_S_CALL_IN_PROGRESS: return "a remote procedure call is already in progress";
            case RpcErrors.RPC_S_CALL_CANCELLED: return "the remote procedure call was cancelled";
            case RpcErrors.RPC_X_WRONG_PIPE_ORDER: return "pipe data was used in the wrong order";
            case RpcErrors.RPC_X_WRONG_PIPE_VERSION: return "the pipe version is not supported";
            case RpcErrors.RPC_S_SEND_INCOMPLETE: return "the asynchronous call has more data to send";
            case RpcErrors.RPC_S_INVALID_ASYNC_HANDLE: return "the asynchronous handle is invalid";
            case RpcErrors.RPC_S_INVALID_ASYNC_CALL: return "the asynchronous call handle is invalid for this operation";
            case RpcErrors.RPC_X_PIPE_CLOSED: return "the pipe has already been closed";
            case RpcErrors.RPC_X_PIPE_DISCIPLINE_ERROR: return "the call completed before all pipes were processed";
            case RpcErrors.RPC_X_PIPE_EMPTY: return "no more data is available from the pipe";
            default: return "unknown status";
        }
    }

    private static String message(Kind kind, String function, int status) {
        String code = nameOf(status) + " (" + status + ")";
        if (kind == Kind.SERVER_FAULT) {
            return function + ": the server failed the call with fault " + code + ": "
                    + describe(status);
        }
        return function + " failed with " + code + ": " + describe(status);
    }

    private static Map<Integer, String> names() {
        Map<Integer, String> names = new HashMap<>();
        names.put(5, "ERROR_ACCESS_DENIED");
        for (Field f : RpcErrors.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                try {
                    names.putIfAbsent(f.getInt(null), f.getName());
                } catch (IllegalAccessException e) {
                    throw new AssertionError("public interface constant " + f, e);
                }
            }
        }
        return Collections.unmodifiableMap(names);
    }
}
