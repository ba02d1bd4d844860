package dev.winrpc.async;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.win32.W32APIOptions;
import dev.winrpc.async.raw.Kernel32Direct;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.Rpcrt4Direct;
import dev.winrpc.async.raw.RpcEntry;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Binding;
import dev.winrpc.async.raw.Rpcrt4Server;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that decides what backs the native bindings, and the availability gate that
 * says whether the Windows RPC runtime can be used here and, if not, why.
 *
 * <p>What backs the bindings, decided once, on first use:
 * <ul>
 *   <li>if the system property {@value #LIBRARY_PROPERTY} names a native library (a path or a
 *       name), that one library provides both the rpcrt4 and the kernel32 functions (this is
 *       how the test-scope runtime simulator is loaded on Linux and macOS);</li>
 *   <li>otherwise, on Windows, {@code rpcrt4.dll} and {@code kernel32.dll};</li>
 *   <li>otherwise nothing: the runtime is unavailable, and {@link #unavailabilityCause()}
 *       says so.</li>
 * </ul>
 *
 * <p>Loading this class, or any class of the library, never loads native code and never
 * throws. The first call that needs the runtime ({@link #rpcrt4()}, {@link #rpcrt4Binding()},
 * {@link #rpcrt4Server()}, {@link #kernel32()},
 * {@link #kernel32Ex()}, {@link #ensureAvailable()}) throws
 * {@link RpcRuntimeUnavailableException} with the cause, every time it is called.
 */
public final class RpcRuntime {

    /** System property naming a native library that provides every function the library binds. */
    public static final String LIBRARY_PROPERTY = "dev.winrpc.async.library";

    /**
     * System property: {@code auto} (the default) lets {@link dev.winrpc.async.dispatch.Dispatcher#registerServerCall}
     * call RpcAsyncRegisterInfo where it is exported and known to be safe; {@code never} stops it.
     */
    public static final String REGISTER_INFO_PROPERTY = "dev.winrpc.async.registerInfo";

    /** The rpcrt4 functions that must be exported for the runtime to count as available. */
    static final List<String> REQUIRED_RPC_FUNCTIONS = List.of("RpcAsyncInitializeHandle",
            "RpcAsyncGetCallStatus", "RpcAsyncCompleteCall", "RpcAsyncAbortCall",
            "RpcAsyncCancelCall");

    /** The kernel32 functions of {@link Kernel32Ex} that must be exported. */
    static final List<String> REQUIRED_KERNEL32_FUNCTIONS = List.of("SleepEx",
            "WaitForSingleObjectEx", "WaitForMultipleObjectsEx", "QueueUserAPC",
            "GetQueuedCompletionStatusEx", "OpenThread", "DuplicateHandle", "CloseHandle",
            "GetCurrentThreadId", "CreateIoCompletionPort", "PostQueuedCompletionStatus");

    private RpcRuntime() {
    }

    /** What was loaded, or why nothing could be. Computed once. */
    static final class Backing {
        final Rpcrt4 rpcrt4;
        final Rpcrt4Binding rpcrt4Binding;
        final Rpcrt4Server rpcrt4Server;
        final Kernel32 kernel32;
        final Kernel32Ex kernel32Ex;
        final String description;
        final boolean registerInfoSafe;
        final RpcRuntimeUnavailableException unavailable;

        private Backing(String lib, Kernel32 kernel32, Kernel32Ex kernel32Ex, String description,
                boolean registerInfoSafe) {
            this.rpcrt4 = Native.load(lib, Rpcrt4.class, Rpcrt4.OPTIONS);
            this.rpcrt4Binding = Native.load(lib, Rpcrt4Binding.class, Rpcrt4Binding.OPTIONS);
            this.rpcrt4Server = Native.load(lib, Rpcrt4Server.class, Rpcrt4Server.OPTIONS);
            this.kernel32 = kernel32;
            this.kernel32Ex = kernel32Ex;
            this.description = description;
            this.registerInfoSafe = registerInfoSafe;
            this.unavailable = null;
        }

        private Backing(String why, Throwable cause) {
            this.rpcrt4 = null;
            this.rpcrt4Binding = null;
            this.rpcrt4Server = null;
            this.kernel32 = null;
            this.kernel32Ex = null;
            this.description = "unavailable: " + why;
            this.registerInfoSafe = false;
            this.unavailable = new RpcRuntimeUnavailableException(why, cause);
        }

        RpcRuntimeUnavailableException failure() {
            // A fresh exception each time, so each caller's stack trace is its own.
            return new RpcRuntimeUnavailableException(unavailable.getMessage(),
                    unavailable.getCause());
        }
    }

    private static final class Holder {
        static final Backing BACKING = decide(System.getProperty(LIBRARY_PROPERTY),
                System.getProperty(REGISTER_INFO_PROPERTY, "auto"), Platform.isWindows(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    /**
     * Decides what backs the bindings. Never throws.
     *
     * @param libraryProperty the value of {@value #LIBRARY_PROPERTY}, or null
     * @param registerInfoPolicy the value of {@value #REGISTER_INFO_PROPERTY}
     * @param windows whether this is Windows
     * @param platform the platform's name, for messages
     * @return the decision
     */
    static Backing decide(String libraryProperty, String registerInfoPolicy, boolean windows,
            String platform) {
        try {
            boolean registerInfoAllowed = !"never".equalsIgnoreCase(registerInfoPolicy.trim());
            if (libraryProperty != null && !libraryProperty.isBlank()) {
                String lib = libraryProperty.trim();
                NativeLibrary nl = NativeLibrary.getInstance(lib);
                requireExports(nl, lib, REQUIRED_RPC_FUNCTIONS);
                requireExports(nl, lib, REQUIRED_KERNEL32_FUNCTIONS);
                requireKernel32Name(lib);
                NativeLibrary both = NativeLibrary.getInstance(lib, RpcEntry.OPTIONS);
                bindDirect(both, both);
                return new Backing(lib,
                        Native.load(lib, Kernel32.class, kernel32Options()),
                        Native.load(lib, Kernel32Ex.class, Kernel32Ex.OPTIONS),
                        lib + " (named by -D" + LIBRARY_PROPERTY + ")",
                        registerInfoAllowed && exports(nl, "RpcAsyncRegisterInfo"));
            }
            if (!windows) {
                return new Backing("winrpc-async needs the Windows RPC runtime (rpcrt4.dll), "
                        + "and this is " + platform + ". To run against a runtime simulator, "
                        + "set -D" + LIBRARY_PROPERTY + "=/path/to/libwinrpcsim.so", null);
            }
            NativeLibrary rpcrt4 = NativeLibrary.getInstance("rpcrt4");
            NativeLibrary kernel32 = NativeLibrary.getInstance("kernel32");
            requireExports(rpcrt4, "rpcrt4.dll", REQUIRED_RPC_FUNCTIONS);
            requireExports(kernel32, "kernel32.dll", REQUIRED_KERNEL32_FUNCTIONS);
            boolean wine = isWine();
            bindDirect(NativeLibrary.getInstance("kernel32", RpcEntry.OPTIONS),
                    NativeLibrary.getInstance("rpcrt4", RpcEntry.OPTIONS));
            return new Backing("rpcrt4",
                    Native.load("kernel32", Kernel32.class, kernel32Options()),
                    Native.load("kernel32", Kernel32Ex.class, Kernel32Ex.OPTIONS),
                    "rpcrt4.dll and kernel32.dll" + (wine ? " (Wine)" : ""),
                    // Wine's RpcAsyncRegisterInfo is a stub that aborts the process
                    // (docs/reference/abi.md).
                    registerInfoAllowed && !wine && exports(rpcrt4, "RpcAsyncRegisterInfo"));
        } catch (RpcRuntimeUnavailableException e) {
            return new Backing(e.getMessage(), e.getCause());
        } catch (Throwable t) { // UnsatisfiedLinkError, a JNA that cannot load its own stub, ...
            String where = libraryProperty != null && !libraryProperty.isBlank()
                    ? "the library named by -D" + LIBRARY_PROPERTY + " (" + libraryProperty.trim() + ")"
                    : "rpcrt4.dll and kernel32.dll";
            return new Backing("winrpc-async could not load " + where + ": " + t, t);
        }
    }

    private static boolean directBound;

    /** Binds the direct mappings of the hot paths, once per process. */
    private static synchronized void bindDirect(NativeLibrary kernel32, NativeLibrary rpcrt4) {
        if (!directBound) {
            Kernel32Direct.bind(kernel32);
            Rpcrt4Direct.bind(rpcrt4);
            directBound = true;
        }
    }

    /** jna-platform's own options for Kernel32 (W32 type and function mappers), with {@link RpcEntry#CONVENTION}. */
    private static Map<String, Object> kernel32Options() {
        Map<String, Object> options = new HashMap<>(W32APIOptions.DEFAULT_OPTIONS);
        options.putAll(RpcEntry.OPTIONS);
        return options;
    }

    /**
     * jna-platform's {@link Kernel32} interface loads a library named "kernel32" in its static
     * initialiser, which runs as soon as JNA makes a proxy of it. On Windows that is
     * kernel32.dll; elsewhere a library of that name must be on JNA's search path
     * ({@code jna.library.path}). Checked here so that its absence is a clear cause, not an
     * error from a static initialiser.
     */
    private static void requireKernel32Name(String lib) {
        if (Platform.isWindows()) {
            return;
        }
        try {
            NativeLibrary.getInstance("kernel32");
        } catch (UnsatisfiedLinkError e) {
            throw new RpcRuntimeUnavailableException("jna-platform's Kernel32 loads a library "
                    + "named \"kernel32\" when it is first used; off Windows, put a library of that "
                    + "name (" + System.mapLibraryName("kernel32") + ", a link to " + lib
                    + " will do) in a directory named by -Djna.library.path", e);
        }
    }

    private static void requireExports(NativeLibrary lib, String name, List<String> functions) {
        for (String f : functions) {
            if (!exports(lib, f)) {
                throw new RpcRuntimeUnavailableException(name + " does not export " + f
                        + ", which winrpc-async needs", null);
            }
        }
    }

    private static boolean exports(NativeLibrary lib, String function) {
        try {
            lib.getFunction(function);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static boolean isWine() {
        try {
            return exports(NativeLibrary.getInstance("ntdll"), "wine_get_version");
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static Backing backing() {
        return Holder.BACKING;
    }

    private static Backing available() {
        Backing b = backing();
        if (b.unavailable != null) {
            throw b.failure();
        }
        return b;
    }

    /** {@return true if the runtime can be used here} */
    public static boolean isAvailable() {
        return backing().unavailable == null;
    }

    /** {@return why the runtime cannot be used here, or null if it can} */
    public static RpcRuntimeUnavailableException unavailabilityCause() {
        Backing b = backing();
        return b.unavailable == null ? null : b.failure();
    }

    /**
     * Throws unless the runtime can be used here.
     *
     * @throws RpcRuntimeUnavailableException with the reason
     */
    public static void ensureAvailable() {
        available();
    }

    /** {@return what backs the bindings, for logs: e.g. "rpcrt4.dll and kernel32.dll"} */
    public static String description() {
        return backing().description;
    }

    /**
     * {@return the rpcrt4 functions}
     * @throws RpcRuntimeUnavailableException if the runtime cannot be used here
     */
    public static Rpcrt4 rpcrt4() {
        return available().rpcrt4;
    }

    /**
     * {@return the client side of binding handles: string bindings, authentication, options}
     * @throws RpcRuntimeUnavailableException if the runtime cannot be used here
     */
    public static Rpcrt4Binding rpcrt4Binding() {
        return available().rpcrt4Binding;
    }

    /**
     * {@return the server side: endpoints, interfaces, listening, call attributes, impersonation}
     * @throws RpcRuntimeUnavailableException if the runtime cannot be used here
     */
    public static Rpcrt4Server rpcrt4Server() {
        return available().rpcrt4Server;
    }

    /**
     * {@return jna-platform's kernel32 mapping, bound to the library that backs the runtime}
     * @throws RpcRuntimeUnavailableException if the runtime cannot be used here
     */
    public static Kernel32 kernel32() {
        return available().kernel32;
    }

    /**
     * {@return the kernel32 functions jna-platform lacks}
     * @throws RpcRuntimeUnavailableException if the runtime cannot be used here
     */
    public static Kernel32Ex kernel32Ex() {
        return available().kernel32Ex;
    }

    /**
     * Whether RpcAsyncRegisterInfo may be called: it is exported, it is known not to abort the
     * process (it does under Wine), and {@value #REGISTER_INFO_PROPERTY} is not {@code never}.
     *
     * @return true if it is safe to call
     * @throws RpcRuntimeUnavailableException if the runtime cannot be used here
     */
    public static boolean isRegisterInfoSafe() {
        return available().registerInfoSafe;
    }

}
