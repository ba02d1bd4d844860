package dev.winrpc.async.raw;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Platform;
import java.util.Map;

/**
 * The calling convention of {@code RPC_ENTRY}, {@code WINAPI} and {@code NTAPI} functions and of
 * the callbacks the runtime calls (notification routines, APC routines, async pipe functions),
 * as JNA needs it on this platform.
 *
 * <p>Windows uses {@code __stdcall} on 32-bit x86 and one convention everywhere else. JNA
 * expresses stdcall as {@link Function#ALT_CONVENTION}, and refuses it outright on every
 * platform that is not Windows ("Unrecognized calling convention: 63"), even though the
 * simulator there has only one convention. So the raw interfaces get their convention from
 * {@link #OPTIONS} instead of from JNA's {@code StdCallCallback} marker: stdcall on 32-bit x86
 * Windows, the platform's default everywhere else.
 */
public final class RpcEntry {

    /** {@link Function#ALT_CONVENTION} on 32-bit x86 Windows, {@link Function#C_CONVENTION} elsewhere. */
    public static final int CONVENTION = Platform.isWindows() && "x86".equals(Platform.ARCH)
            ? Function.ALT_CONVENTION : Function.C_CONVENTION;

    /**
     * Library options that select {@link #CONVENTION}: used to load {@link Rpcrt4} and
     * {@link Kernel32Ex}, and read by JNA for the callback interfaces declared inside them.
     */
    public static final Map<String, Object> OPTIONS =
            Map.of(Library.OPTION_CALLING_CONVENTION, CONVENTION);

    private RpcEntry() {
    }
}
