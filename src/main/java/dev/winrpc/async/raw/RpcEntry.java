package dev.winrpc.async.raw;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Platform;
import java.util.Map;

/**
 * The calling conventions of the functions the library calls and of the callbacks native code
 * calls, as JNA needs them on this platform.
 *
 * <p>Windows uses {@code __stdcall} on 32-bit x86 for {@code RPC_ENTRY}, {@code WINAPI} and
 * {@code NTAPI} functions and callbacks (notification routines, APC routines, async pipe
 * functions), and one convention everywhere else. MIDL's manager routines are different: MIDL
 * declares them without a calling convention, so they are C ({@code __cdecl}) on x86 too.
 *
 * <p>JNA expresses stdcall as {@link Function#ALT_CONVENTION}, and refuses it outright on every
 * platform that is not Windows ("Unrecognized calling convention: 63"). So the raw interfaces
 * take their convention from library options ({@link #OPTIONS} or {@link #CDECL_OPTIONS})
 * rather than from JNA's {@code StdCallCallback} marker, and a callback interface gets the
 * convention of the library interface it is declared in: declare a callback inside a library
 * whose {@code OPTIONS} is the one its convention needs. Each options map also names its
 * {@link Kind} under {@link #OPTION_KIND}, so that a test can check, on any platform, which
 * convention a callback would get on 32-bit x86.
 */
public final class RpcEntry {

    /** A convention, as the SDK and MIDL name it. */
    public enum Kind {
        /** {@code RPC_ENTRY}, {@code WINAPI}, {@code NTAPI}: stdcall on 32-bit x86 Windows. */
        RPC_ENTRY,
        /** The C default: how MIDL's server stub calls manager routines, on every architecture. */
        CDECL;

        /**
         * The JNA convention of this kind on a platform.
         *
         * @param windows whether the platform is Windows
         * @param arch JNA's architecture name ({@code Platform.ARCH}): "x86", "x86-64", "aarch64"...
         * @return {@link Function#ALT_CONVENTION} or {@link Function#C_CONVENTION}
         */
        public int on(boolean windows, String arch) {
            return this == RPC_ENTRY && windows && "x86".equals(arch) ? Function.ALT_CONVENTION : Function.C_CONVENTION;
        }
    }

    /** The option key under which {@link #OPTIONS} and {@link #CDECL_OPTIONS} name their {@link Kind}. */
    public static final String OPTION_KIND = "dev.winrpc.async.callingConvention";

    /** {@link Function#ALT_CONVENTION} on 32-bit x86 Windows, {@link Function#C_CONVENTION} elsewhere. */
    public static final int CONVENTION = Kind.RPC_ENTRY.on(Platform.isWindows(), Platform.ARCH);

    /**
     * Library options that select {@code RPC_ENTRY} ({@link #CONVENTION}): used to load
     * {@link Rpcrt4} and {@link Kernel32Ex}, and read by JNA for the callback interfaces declared
     * inside them.
     */
    public static final Map<String, Object> OPTIONS =
            Map.of(Library.OPTION_CALLING_CONVENTION, CONVENTION, OPTION_KIND, Kind.RPC_ENTRY);

    /**
     * Library options that select the C convention on every platform: for a library interface
     * that declares MIDL manager-routine callbacks.
     */
    public static final Map<String, Object> CDECL_OPTIONS =
            Map.of(Library.OPTION_CALLING_CONVENTION, Function.C_CONVENTION, OPTION_KIND, Kind.CDECL);

    private RpcEntry() {
    }
}
