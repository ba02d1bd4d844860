package dev.winrpc.async.raw;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The kernel32 functions a dispatcher calls on every wake-up, bound with JNA's direct mapping:
 * a static native method per function, no proxy, no argument array, no boxing, so a
 * dispatcher's steady-state loop allocates nothing per call. Same functions as
 * {@link Kernel32Ex}, with handles and structures passed as their addresses. Bound by
 * {@link dev.winrpc.async.RpcRuntime} to the library that backs the runtime; calling a method
 * before that throws UnsatisfiedLinkError, which the runtime's gate prevents.
 */
public final class Kernel32Direct {

    private Kernel32Direct() {
    }

    /**
     * Binds the methods to a library. Called once, by the runtime's gate.
     *
     * @param lib the library with kernel32's functions
     */
    public static void bind(NativeLibrary lib) {
        Native.register(Kernel32Direct.class, lib);
    }

    /**
     * {@code SleepEx}.
     *
     * @param dwMilliseconds the time to sleep, or INFINITE
     * @param bAlertable TRUE to run queued APCs
     * @return 0, or WAIT_IO_COMPLETION after running APCs
     */
    public static native int SleepEx(int dwMilliseconds, boolean bAlertable);

    /**
     * {@code GetQueuedCompletionStatusEx}.
     *
     * @param CompletionPort the port's handle value
     * @param lpCompletionPortEntries memory for ulCount OVERLAPPED_ENTRY
     * @param ulCount the number of entries
     * @param ulNumEntriesRemoved a DWORD receiving the number removed
     * @param dwMilliseconds the timeout, or INFINITE
     * @param fAlertable TRUE to run queued APCs
     * @return TRUE if at least one entry was removed
     */
    public static native boolean GetQueuedCompletionStatusEx(Pointer CompletionPort,
            Pointer lpCompletionPortEntries, int ulCount, Pointer ulNumEntriesRemoved,
            int dwMilliseconds, boolean fAlertable);
}
