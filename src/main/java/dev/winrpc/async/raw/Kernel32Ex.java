package dev.winrpc.async.raw;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.platform.win32.BaseTSD.SIZE_T;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import java.util.Map;

/**
 * The kernel32 functions winrpc-async needs that jna-platform's
 * {@link com.sun.jna.platform.win32.Kernel32} does not map: the alertable waits and
 * QueueUserAPC, and VirtualProtect and FlushInstructionCache (for the page that holds the APC
 * dispatcher's recorder routine; jna-platform maps VirtualAllocEx and VirtualFreeEx). The two a dispatcher calls on every wake-up (SleepEx and
 * GetQueuedCompletionStatusEx) are bound once, with JNA's direct mapping, in
 * {@link Kernel32Direct}. Everything else (OpenThread, DuplicateHandle, CloseHandle, events,
 * completion ports) comes from jna-platform. Named and typed as the SDK declares them. The
 * library's runtime gate ({@code dev.winrpc.async.RpcRuntime}) loads it from whatever backs the
 * runtime.
 */
public interface Kernel32Ex extends StdCallLibrary {

    /** The options to load this interface with: {@link RpcEntry#OPTIONS} (WINAPI is stdcall on x86). */
    Map<String, Object> OPTIONS = RpcEntry.OPTIONS;

    /** The return value of an alertable wait that ran one or more APCs. */
    int WAIT_IO_COMPLETION = 0xC0;
    /** INFINITE. */
    int INFINITE = 0xFFFFFFFF;

    /**
     * Waits for an object; alertably (running queued APCs) if {@code bAlertable}.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-waitforsingleobjectex">WaitForSingleObjectEx</a>
     * @param hHandle the object
     * @param dwMilliseconds the timeout, or INFINITE
     * @param bAlertable TRUE to run queued APCs
     * @return WAIT_OBJECT_0, WAIT_TIMEOUT, WAIT_IO_COMPLETION or WAIT_FAILED
     */
    int WaitForSingleObjectEx(HANDLE hHandle, int dwMilliseconds, boolean bAlertable);

    /**
     * Waits for one or all of several objects; alertably (running queued APCs) if {@code bAlertable}.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-waitformultipleobjectsex">WaitForMultipleObjectsEx</a>
     * @param nCount the number of handles
     * @param lpHandles the handles
     * @param bWaitAll TRUE to wait for all
     * @param dwMilliseconds the timeout, or INFINITE
     * @param bAlertable TRUE to run queued APCs
     * @return WAIT_OBJECT_0 + i, WAIT_TIMEOUT, WAIT_IO_COMPLETION or WAIT_FAILED
     */
    int WaitForMultipleObjectsEx(int nCount, HANDLE[] lpHandles, boolean bWaitAll,
            int dwMilliseconds, boolean bAlertable);

    /**
     * Queues an APC to a thread. hThread needs THREAD_SET_CONTEXT; the routine runs on that
     * thread the next time it waits alertably.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/processthreadsapi/nf-processthreadsapi-queueuserapc">QueueUserAPC</a>
     * @param pfnAPC the routine; must stay reachable until it has run
     * @param hThread the target thread
     * @param dwData the routine's argument
     * @return nonzero on success; 0 on failure (GetLastError tells why)
     */
    int QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);

    /**
     * Changes the protection of committed pages of this process.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualprotect">VirtualProtect</a>
     * @param lpAddress the first page
     * @param dwSize the bytes, rounded out to whole pages
     * @param flNewProtect the new protection, e.g. {@code WinNT.PAGE_EXECUTE_READ}
     * @param lpflOldProtect receives the previous protection; required
     * @return true on success; false on failure (GetLastError tells why)
     */
    boolean VirtualProtect(Pointer lpAddress, SIZE_T dwSize, int flNewProtect, IntByReference lpflOldProtect);

    /**
     * Makes code written into memory visible to instruction fetch (a no-op on x86, required on ARM64).
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/processthreadsapi/nf-processthreadsapi-flushinstructioncache">FlushInstructionCache</a>
     * @param hProcess the process, GetCurrentProcess()
     * @param lpBaseAddress the code
     * @param dwSize its size in bytes
     * @return true on success
     */
    boolean FlushInstructionCache(HANDLE hProcess, Pointer lpBaseAddress, SIZE_T dwSize);

    /**
     * {@code PAPCFUNC}: {@code VOID NTAPI (ULONG_PTR Parameter)}. Must never throw into native
     * code. Stdcall on 32-bit x86 through {@link #OPTIONS} (see {@link RpcEntry}).
     */
    interface PAPCFUNC extends Callback {
        /**
         * Runs the APC.
         *
         * @param Parameter the dwData given to QueueUserAPC
         */
        void callback(ULONG_PTR Parameter);
    }

    /**
     * {@code PAPCFUNC} with a primitive argument: {@code VOID NTAPI (ULONG_PTR Parameter)}, the
     * parameter as a {@code long} (on 32-bit the low 32 bits carry it). Given to a direct-mapped
     * function ({@link Kernel32Direct#QueueUserAPC}), JNA calls it in direct mode: no argument
     * array, no boxing. Must never throw into native code.
     */
    interface PAPCFUNC_DIRECT extends Callback {
        /**
         * Runs the APC.
         *
         * @param Parameter the dwData given to QueueUserAPC
         */
        void callback(long Parameter);
    }

    /** {@code OVERLAPPED_ENTRY}: 16 bytes on 32-bit Windows, 32 on 64-bit. */
    @FieldOrder({"lpCompletionKey", "lpOverlapped", "Internal", "dwNumberOfBytesTransferred"})
    class OVERLAPPED_ENTRY extends Structure {
        /** {@code sizeof(OVERLAPPED_ENTRY)} on this platform. */
        public static final int SIZE = com.sun.jna.Native.POINTER_SIZE == 4 ? 16 : 32;

        /** ULONG_PTR: the completion key. */
        public ULONG_PTR lpCompletionKey;
        /** LPOVERLAPPED. */
        public Pointer lpOverlapped;
        /** ULONG_PTR: reserved. */
        public ULONG_PTR Internal;
        /** DWORD: the byte count. */
        public int dwNumberOfBytesTransferred;

        /** An entry in memory of its own. */
        public OVERLAPPED_ENTRY() {
            super();
        }

        /**
         * An entry at an existing address.
         *
         * @param p its address
         */
        public OVERLAPPED_ENTRY(Pointer p) {
            super(p);
        }
    }
}
