package dev.winrpc.async;

import com.sun.jna.platform.win32.W32Errors;
import com.sun.jna.platform.win32.Win32Exception;

/**
 * A Win32 function the library called failed: the function's name and the code
 * {@code GetLastError} gave. It is a jna-platform {@link Win32Exception} (so code that catches
 * those catches it, and {@link #getErrorCode()} is the code); its message is the library's own,
 * naming the function and the code's SDK name where the library knows it, without calling
 * {@code FormatMessage}.
 */
public class Win32CallException extends Win32Exception {

    private static final long serialVersionUID = 1L;

    /** The Win32 function that failed. */
    private final String function;

    /**
     * Creates the exception for a Win32 function that failed, with what GetLastError returned.
     *
     * @param function the Win32 function that failed, e.g. "OpenThread"
     * @param code what GetLastError returned right after it
     * @param what what the library was doing, for the message, or null
     */
    public Win32CallException(String function, int code, String what) {
        super(code, W32Errors.HRESULT_FROM_WIN32(code), message(function, code, what));
        this.function = function;
    }

    private static String message(String function, int code, String what) {
        String name = RpcStatus.isRuntimeStatus(code) ? RpcStatus.nameOf(code) + " " : "";
        return function + " failed with Windows error " + name + "(" + code + ")"
                + (what == null ? "" : " " + what);
    }

    /** {@return the Win32 function that failed} */
    public String function() {
        return function;
    }
}
