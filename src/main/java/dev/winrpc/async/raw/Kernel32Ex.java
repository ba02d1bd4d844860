package dev.winrpc.async.raw;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import java.util.Map;

/**
 * The kernel32 functions winrpc-async needs that jna-platform's
 * {@link com.sun.jna.platform.win32.Kernel32} does not map: the alertable waits, QueueUserAPC,
 * and GetQueuedCompletionStatusEx. Everything else (OpenThread, DuplicateHandle, CloseHandle,
 * events, completion ports) comes from jna-platform. Named and typed as the SDK declares them.
 * Obtain an instance from {@link dev.winrpc.async.RpcRuntime#kernel32Ex()}.
 */
public interface Kernel32Ex extends StdCallLibrary {

    /** The options to load this interface with: {@link RpcEntry#OPTIONS} (WINAPI is stdcall on x86). */
    Map<String, Object> OPTIONS = RpcEntry.OPTIONS;

    /** The return value of an alertable wait that ran one or more APCs. */
    int WAIT_IO_COMPLETION = 0xC0;
    /** INFINITE. */
    int INFINITE = 0xFFFFFFFF;

    /**
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-sleepex">SleepEx</a>
     * @param dwMilliseconds the time to sleep, or INFINITE
     * @param bAlertable TRUE to run queued APCs and return WAIT_IO_COMPLETION
     * @return 0 when the time elapsed, WAIT_IO_COMPLETION after running APCs
     */
    int SleepEx(int dwMilliseconds, boolean bAlertable);

    /**
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-waitforsingleobjectex">WaitForSingleObjectEx</a>
     * @param hHandle the object
     * @param dwMilliseconds the timeout, or INFINITE
     * @param bAlertable TRUE to run queued APCs
     * @return WAIT_OBJECT_0, WAIT_TIMEOUT, WAIT_IO_COMPLETION or WAIT_FAILED
     */
    int WaitForSingleObjectEx(HANDLE hHandle, int dwMilliseconds, boolean bAlertable);

    /**
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
     * Removes up to ulCount completions in one call.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatusex">GetQueuedCompletionStatusEx</a>
     * @param CompletionPort the port
     * @param lpCompletionPortEntries the first element of a contiguous array of OVERLAPPED_ENTRY
     *        ({@link Structure#toArray(int)})
     * @param ulCount the number of entries
     * @param ulNumEntriesRemoved receives the number removed
     * @param dwMilliseconds the timeout, or INFINITE
     * @param fAlertable TRUE to run queued APCs (the call then fails with WAIT_IO_COMPLETION)
     * @return TRUE if at least one entry was removed
     */
    boolean GetQueuedCompletionStatusEx(HANDLE CompletionPort, OVERLAPPED_ENTRY lpCompletionPortEntries,
            int ulCount, IntByReference ulNumEntriesRemoved, int dwMilliseconds, boolean fAlertable);

    /**
     * The same function with the entries passed as raw memory of
     * {@code ulCount * OVERLAPPED_ENTRY.SIZE} bytes, for a loop that reuses one buffer and
     * reads the entries without allocating.
     *
     * @param CompletionPort the port
     * @param lpCompletionPortEntries memory for ulCount entries
     * @param ulCount the number of entries
     * @param ulNumEntriesRemoved receives the number removed (a pointer to a DWORD)
     * @param dwMilliseconds the timeout, or INFINITE
     * @param fAlertable TRUE to run queued APCs
     * @return TRUE if at least one entry was removed
     */
    boolean GetQueuedCompletionStatusEx(HANDLE CompletionPort, Pointer lpCompletionPortEntries,
            int ulCount, Pointer ulNumEntriesRemoved, int dwMilliseconds, boolean fAlertable);

    /**
     * {@code PAPCFUNC}: {@code VOID NTAPI (ULONG_PTR Parameter)}. Must never throw into native
     * code. Stdcall on 32-bit x86 through {@link #OPTIONS} (see {@link RpcEntry}).
     */
    interface PAPCFUNC extends Callback {
        /** @param Parameter the dwData given to QueueUserAPC */
        void callback(ULONG_PTR Parameter);
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
