package dev.winrpc.async;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The status codes the library knows, from one explicit list: each code's SDK name, a short
 * description, and whether it is one of the RPC runtime's own statuses.
 *
 * <p>The list holds every {@code RPC_S_*}, {@code RPC_X_*} and {@code EPT_S_*} code of the
 * SDK's {@code winerror.h} (1700 to 1929), the aliases {@code rpcnterr.h} gives Win32 codes
 * ({@code RPC_S_INVALID_ARG}, {@code RPC_S_ASYNC_CALL_PENDING}, {@code RPC_X_PIPE_APP_MEMORY}),
 * and the Win32 codes the runtime returns as its own failures (access denied, invalid handle,
 * out of memory, cancelled, timed out, ...). It is checked against mingw-w64's
 * {@code winerror.h} by a test.
 *
 * <p><b>What can and cannot be known on Windows.</b> A server fails an asynchronous call with
 * {@code RpcAsyncAbortCall(pAsync, code)}, and the client's {@code RpcAsyncCompleteCall} then
 * returns that code as it is, through the same return value the runtime uses for its own
 * failures. Nothing marks where a code came from. The library therefore classifies by value:
 * a code of this list is reported as the runtime's failure
 * ({@link RpcException.Kind#RUNTIME_FAILURE}), any other as the server's fault
 * ({@link RpcException.Kind#SERVER_FAULT}). A server that aborts with a code of this list
 * (say, access denied) reads on the client as a runtime failure, which it may not be; a server
 * that wants its failures to read as its own should abort with codes outside it (application
 * codes, HRESULTs).
 */
public final class RpcStatus {

    private static final Map<Integer, RpcStatus> KNOWN = new HashMap<>();

    static {
        s(5, "ERROR_ACCESS_DENIED", "access is denied");
        s(6, "ERROR_INVALID_HANDLE", "the handle is invalid");
        s(8, "ERROR_NOT_ENOUGH_MEMORY", "not enough memory");
        s(14, "RPC_X_PIPE_APP_MEMORY", "not enough memory (pipe application memory)");
        s(87, "RPC_S_INVALID_ARG", "an argument is invalid");
        s(164, "ERROR_MAX_THRDS_REACHED", "no more threads can be created");
        s(234, "ERROR_MORE_DATA", "more data is available than the buffer holds");
        s(997, "RPC_S_ASYNC_CALL_PENDING", "the call has not completed yet");
        s(1130, "ERROR_NOT_ENOUGH_SERVER_MEMORY", "not enough server memory");
        s(1223, "ERROR_CANCELLED", "the operation was cancelled");
        s(1338, "ERROR_INVALID_SECURITY_DESCR", "the security descriptor is invalid");
        s(1460, "ERROR_TIMEOUT", "the operation timed out");
        s(1700, "RPC_S_INVALID_STRING_BINDING", "the string binding is invalid");
        s(1701, "RPC_S_WRONG_KIND_OF_BINDING", "the binding handle is not the right kind");
        s(1702, "RPC_S_INVALID_BINDING", "the binding handle is invalid");
        s(1703, "RPC_S_PROTSEQ_NOT_SUPPORTED", "the protocol sequence is not supported");
        s(1704, "RPC_S_INVALID_RPC_PROTSEQ", "the protocol sequence is invalid");
        s(1705, "RPC_S_INVALID_STRING_UUID", "the string UUID is invalid");
        s(1706, "RPC_S_INVALID_ENDPOINT_FORMAT", "the endpoint format is invalid");
        s(1707, "RPC_S_INVALID_NET_ADDR", "the network address is invalid");
        s(1708, "RPC_S_NO_ENDPOINT_FOUND", "no endpoint was found");
        s(1709, "RPC_S_INVALID_TIMEOUT", "the timeout value is invalid");
        s(1710, "RPC_S_OBJECT_NOT_FOUND", "the object UUID was not found");
        s(1711, "RPC_S_ALREADY_REGISTERED", "the object UUID has already been registered");
        s(1712, "RPC_S_TYPE_ALREADY_REGISTERED", "the type UUID has already been registered");
        s(1713, "RPC_S_ALREADY_LISTENING", "the RPC server is already listening");
        s(1714, "RPC_S_NO_PROTSEQS_REGISTERED", "no protocol sequences have been registered");
        s(1715, "RPC_S_NOT_LISTENING", "the RPC server is not listening");
        s(1716, "RPC_S_UNKNOWN_MGR_TYPE", "the manager type is unknown");
        s(1717, "RPC_S_UNKNOWN_IF", "the interface is unknown");
        s(1718, "RPC_S_NO_BINDINGS", "there are no bindings");
        s(1719, "RPC_S_NO_PROTSEQS", "there are no protocol sequences");
        s(1720, "RPC_S_CANT_CREATE_ENDPOINT", "the endpoint cannot be created");
        s(1721, "RPC_S_OUT_OF_RESOURCES", "not enough resources are available to complete this operation");
        s(1722, "RPC_S_SERVER_UNAVAILABLE", "the RPC server is unavailable");
        s(1723, "RPC_S_SERVER_TOO_BUSY", "the RPC server is too busy to complete this operation");
        s(1724, "RPC_S_INVALID_NETWORK_OPTIONS", "the network options are invalid");
        s(1725, "RPC_S_NO_CALL_ACTIVE", "no remote procedure call is active");
        s(1726, "RPC_S_CALL_FAILED", "the remote procedure call failed");
        s(1727, "RPC_S_CALL_FAILED_DNE", "the remote procedure call failed and did not execute");
        s(1728, "RPC_S_PROTOCOL_ERROR", "an RPC protocol error occurred");
        s(1729, "RPC_S_PROXY_ACCESS_DENIED", "access to the HTTP proxy is denied");
        s(1730, "RPC_S_UNSUPPORTED_TRANS_SYN", "the transfer syntax is not supported by the RPC server");
        s(1732, "RPC_S_UNSUPPORTED_TYPE", "the UUID type is not supported");
        s(1733, "RPC_S_INVALID_TAG", "the tag is invalid");
        s(1734, "RPC_S_INVALID_BOUND", "the array bounds are invalid");
        s(1735, "RPC_S_NO_ENTRY_NAME", "the binding does not contain an entry name");
        s(1736, "RPC_S_INVALID_NAME_SYNTAX", "the name syntax is invalid");
        s(1737, "RPC_S_UNSUPPORTED_NAME_SYNTAX", "the name syntax is not supported");
        s(1739, "RPC_S_UUID_NO_ADDRESS", "no network address is available to construct a UUID");
        s(1740, "RPC_S_DUPLICATE_ENDPOINT", "the endpoint is a duplicate");
        s(1741, "RPC_S_UNKNOWN_AUTHN_TYPE", "the authentication type is unknown");
        s(1742, "RPC_S_MAX_CALLS_TOO_SMALL", "the maximum number of calls is too small");
        s(1743, "RPC_S_STRING_TOO_LONG", "the string is too long");
        s(1744, "RPC_S_PROTSEQ_NOT_FOUND", "the RPC protocol sequence was not found");
        s(1745, "RPC_S_PROCNUM_OUT_OF_RANGE", "the procedure number is out of range");
        s(1746, "RPC_S_BINDING_HAS_NO_AUTH", "the binding does not contain any authentication information");
        s(1747, "RPC_S_UNKNOWN_AUTHN_SERVICE", "the authentication service is unknown");
        s(1748, "RPC_S_UNKNOWN_AUTHN_LEVEL", "the authentication level is unknown");
        s(1749, "RPC_S_INVALID_AUTH_IDENTITY", "the security context is invalid");
        s(1750, "RPC_S_UNKNOWN_AUTHZ_SERVICE", "the authorization service is unknown");
        s(1751, "EPT_S_INVALID_ENTRY", "the entry is invalid");
        s(1752, "EPT_S_CANT_PERFORM_OP", "the server endpoint cannot perform the operation");
        s(1753, "EPT_S_NOT_REGISTERED", "there are no more endpoints available from the endpoint mapper");
        s(1754, "RPC_S_NOTHING_TO_EXPORT", "no interfaces have been exported");
        s(1755, "RPC_S_INCOMPLETE_NAME", "the entry name is incomplete");
        s(1756, "RPC_S_INVALID_VERS_OPTION", "the version option is invalid");
        s(1757, "RPC_S_NO_MORE_MEMBERS", "there are no more members");
        s(1758, "RPC_S_NOT_ALL_OBJS_UNEXPORTED", "there is nothing to unexport");
        s(1759, "RPC_S_INTERFACE_NOT_FOUND", "the interface was not found");
        s(1760, "RPC_S_ENTRY_ALREADY_EXISTS", "the entry already exists");
        s(1761, "RPC_S_ENTRY_NOT_FOUND", "the entry is not found");
        s(1762, "RPC_S_NAME_SERVICE_UNAVAILABLE", "the name service is unavailable");
        s(1763, "RPC_S_INVALID_NAF_ID", "the network address family is invalid");
        s(1764, "RPC_S_CANNOT_SUPPORT", "the requested operation is not supported");
        s(1765, "RPC_S_NO_CONTEXT_AVAILABLE", "no security context is available to allow impersonation");
        s(1766, "RPC_S_INTERNAL_ERROR", "an internal error occurred in a remote procedure call");
        s(1767, "RPC_S_ZERO_DIVIDE", "the RPC server attempted an integer division by zero");
        s(1768, "RPC_S_ADDRESS_ERROR", "an addressing error occurred in the RPC server");
        s(1769, "RPC_S_FP_DIV_ZERO", "a floating-point operation at the RPC server caused a division by zero");
        s(1770, "RPC_S_FP_UNDERFLOW", "a floating-point underflow occurred at the RPC server");
        s(1771, "RPC_S_FP_OVERFLOW", "a floating-point overflow occurred at the RPC server");
        s(1772, "RPC_X_NO_MORE_ENTRIES", "the list of RPC servers available for the binding of auto handles has been exhausted");
        s(1773, "RPC_X_SS_CHAR_TRANS_OPEN_FAIL", "unable to open the character translation table file");
        s(1774, "RPC_X_SS_CHAR_TRANS_SHORT_FILE", "the file containing the character translation table has fewer than 512 bytes");
        s(1775, "RPC_X_SS_IN_NULL_CONTEXT", "a null context handle was passed from the client to the host during a remote procedure call");
        s(1777, "RPC_X_SS_CONTEXT_DAMAGED", "the context handle changed during a remote procedure call");
        s(1778, "RPC_X_SS_HANDLES_MISMATCH", "the binding handles passed to a remote procedure call do not match");
        s(1779, "RPC_X_SS_CANNOT_GET_CALL_HANDLE", "the stub is unable to get the remote procedure call handle");
        s(1780, "RPC_X_NULL_REF_POINTER", "a null reference pointer was passed to the stub");
        s(1781, "RPC_X_ENUM_VALUE_OUT_OF_RANGE", "the enumeration value is out of range");
        s(1782, "RPC_X_BYTE_COUNT_TOO_SMALL", "the byte count is too small");
        s(1783, "RPC_X_BAD_STUB_DATA", "the stub received bad data");
        s(1791, "RPC_S_CALL_IN_PROGRESS", "a remote procedure call is already in progress");
        s(1806, "RPC_S_NO_MORE_BINDINGS", "there are no more bindings");
        s(1817, "RPC_S_NO_INTERFACES", "no interfaces have been registered");
        s(1818, "RPC_S_CALL_CANCELLED", "the remote procedure call was cancelled");
        s(1819, "RPC_S_BINDING_INCOMPLETE", "the binding handle does not contain all required information");
        s(1820, "RPC_S_COMM_FAILURE", "a communications failure occurred during a remote procedure call");
        s(1821, "RPC_S_UNSUPPORTED_AUTHN_LEVEL", "the requested authentication level is not supported");
        s(1822, "RPC_S_NO_PRINC_NAME", "no principal name is registered");
        s(1823, "RPC_S_NOT_RPC_ERROR", "the error specified is not a valid Windows RPC error code");
        s(1824, "RPC_S_UUID_LOCAL_ONLY", "a UUID that is valid only on this computer has been allocated");
        s(1825, "RPC_S_SEC_PKG_ERROR", "a security package-specific error occurred");
        s(1826, "RPC_S_NOT_CANCELLED", "the thread is not cancelled");
        s(1827, "RPC_X_INVALID_ES_ACTION", "invalid operation on the encoding/decoding handle");
        s(1828, "RPC_X_WRONG_ES_VERSION", "incompatible version of the serializing package");
        s(1829, "RPC_X_WRONG_STUB_VERSION", "incompatible version of the RPC stub");
        s(1830, "RPC_X_INVALID_PIPE_OBJECT", "the RPC pipe object is invalid or corrupted");
        s(1831, "RPC_X_WRONG_PIPE_ORDER", "pipe data was used in the wrong order");
        s(1832, "RPC_X_WRONG_PIPE_VERSION", "the pipe version is not supported");
        s(1833, "RPC_S_COOKIE_AUTH_FAILED", "HTTP proxy server rejected the connection because the cookie authentication failed");
        s(1834, "RPC_S_DO_NOT_DISTURB", "the RPC server is suspended");
        s(1835, "RPC_S_SYSTEM_HANDLE_COUNT_EXCEEDED", "the RPC call contains too many handles to be transmitted in a single request");
        s(1836, "RPC_S_SYSTEM_HANDLE_TYPE_MISMATCH", "the RPC call contains a handle that differs from the declared handle type");
        s(1898, "RPC_S_GROUP_MEMBER_NOT_FOUND", "the group member was not found");
        s(1899, "EPT_S_CANT_CREATE", "the endpoint mapper database entry could not be created");
        s(1900, "RPC_S_INVALID_OBJECT", "the object UUID is the nil UUID");
        s(1913, "RPC_S_SEND_INCOMPLETE", "the asynchronous call has more data to send");
        s(1914, "RPC_S_INVALID_ASYNC_HANDLE", "the asynchronous handle is invalid");
        s(1915, "RPC_S_INVALID_ASYNC_CALL", "the asynchronous call handle is invalid for this operation");
        s(1916, "RPC_X_PIPE_CLOSED", "the pipe has already been closed");
        s(1917, "RPC_X_PIPE_DISCIPLINE_ERROR", "the call completed before all pipes were processed");
        s(1918, "RPC_X_PIPE_EMPTY", "no more data is available from the pipe");
        s(1922, "RPC_S_ENTRY_TYPE_MISMATCH", "the entry name does not match the entry type");
        s(1923, "RPC_S_NOT_ALL_OBJS_EXPORTED", "not all object UUIDs could be exported");
        s(1924, "RPC_S_INTERFACE_NOT_EXPORTED", "the interface could not be exported");
        s(1925, "RPC_S_PROFILE_NOT_ADDED", "the profile entry could not be added");
        s(1926, "RPC_S_PRF_ELT_NOT_ADDED", "the profile element could not be added");
        s(1927, "RPC_S_PRF_ELT_NOT_REMOVED", "the profile element could not be removed");
        s(1928, "RPC_S_GRP_ELT_NOT_ADDED", "the group element could not be added");
        s(1929, "RPC_S_GRP_ELT_NOT_REMOVED", "the group element could not be removed");
    }

    private static void s(int code, String name, String description) {
        if (KNOWN.putIfAbsent(code, new RpcStatus(code, name, description)) != null) {
            throw new AssertionError("status " + code + " listed twice");
        }
    }

    private final int code;
    private final String name;
    private final String description;

    private RpcStatus(int code, String name, String description) {
        this.code = code;
        this.name = name;
        this.description = description;
    }

    /**
     * Whether a code is one of the runtime's own statuses (see the class comment for what this
     * can and cannot tell). RPC_S_OK is not.
     *
     * @param status a status or fault code
     * @return true if the list holds it
     */
    public static boolean isRuntimeStatus(int status) {
        return KNOWN.containsKey(status);
    }

    /**
     * The SDK name of a code the library knows.
     *
     * @param status the code
     * @return e.g. "RPC_S_CALL_CANCELLED"; "RPC_S_OK" for 0; "0x%08X" for a code not in the list
     */
    public static String nameOf(int status) {
        if (status == 0) {
            return "RPC_S_OK";
        }
        RpcStatus s = KNOWN.get(status);
        return s != null ? s.name : String.format("0x%08X", status);
    }

    /**
     * A short English description of a code the library knows.
     *
     * @param status the code
     * @return a description, or "unknown status" if the code is not in the list
     */
    public static String describe(int status) {
        if (status == 0) {
            return "the operation completed successfully";
        }
        RpcStatus s = KNOWN.get(status);
        return s != null ? s.description : "unknown status";
    }

    /** @return every code of the list, with its name; for tests and documentation */
    static Map<Integer, String> names() {
        Map<Integer, String> out = new HashMap<>();
        KNOWN.forEach((c, s) -> out.put(c, s.name));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return name + " (" + code + ")";
    }
}
