package dev.winrpc.async.raw;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The kernel32 functions a dispatcher calls on every wake-up, bound with JNA's direct mapping:
 * a static native method per function, no proxy, no argument array, no boxing, so a
 * dispatcher's steady-state loop allocates nothing per call. Handles and structures are passed
 * as their addresses. The only binding of these functions but QueueUserAPC, which
 * {@link Kernel32Ex} also binds with JNA's ordinary types. Bound by the library's runtime gate
 * ({@code dev.winrpc.async.RpcRuntime}) to the library that backs the runtime; calling a method
 * before that throws UnsatisfiedLinkError, which the gate prevents.
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
     * {@code SleepEx}: sleeps, running queued APCs if alertable.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-sleepex">SleepEx</a>
     * @param dwMilliseconds the time to sleep, or INFINITE
     * @param bAlertable TRUE to run queued APCs and return WAIT_IO_COMPLETION
     * @return 0 when the time elapsed, WAIT_IO_COMPLETION after running APCs
     */
    public static native int SleepEx(int dwMilliseconds, boolean bAlertable);

    /**
     * {@code GetQueuedCompletionStatusEx}: removes up to ulCount completions in one call.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatusex">GetQueuedCompletionStatusEx</a>
     * @param CompletionPort the port's handle value
     * @param lpCompletionPortEntries memory for ulCount {@link Kernel32Ex.OVERLAPPED_ENTRY}
     * @param ulCount the number of entries
     * @param ulNumEntriesRemoved a DWORD receiving the number removed
     * @param dwMilliseconds the timeout, or INFINITE
     * @param fAlertable TRUE to run queued APCs
     * @return TRUE if at least one entry was removed
     */
    public static native boolean GetQueuedCompletionStatusEx(Pointer CompletionPort,
            Pointer lpCompletionPortEntries, int ulCount, Pointer ulNumEntriesRemoved,
            int dwMilliseconds, boolean fAlertable);

    /**
     * {@code QueueUserAPC}, direct-mapped: both the routine and its argument are callbacks, and
     * JNA passes each as its direct-mode entry point (see {@link Kernel32Ex.PAPCFUNC_DIRECT}).
     * Besides queueing an APC without allocating, this is how a caller learns the direct-mode
     * entry point of a callback (for example an {@link Rpcrt4.RPCNOTIFICATION_ROUTINE_DIRECT}):
     * passed as {@code dwData}, it reaches the APC as its parameter.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/processthreadsapi/nf-processthreadsapi-queueuserapc">QueueUserAPC</a>
     * @param pfnAPC the routine; must stay reachable until it has run
     * @param hThread the target thread's handle value (a real handle with THREAD_SET_CONTEXT)
     * @param dwData the routine's argument: a callback's direct-mode entry point, or 0 for null
     * @return nonzero on success; 0 on failure (GetLastError tells why)
     */
    public static native int QueueUserAPC(Kernel32Ex.PAPCFUNC_DIRECT pfnAPC, Pointer hThread, Callback dwData);
}
