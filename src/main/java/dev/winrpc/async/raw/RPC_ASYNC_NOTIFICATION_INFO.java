package dev.winrpc.async.raw;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.Union;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.WinDef.HWND;
import com.sun.jna.platform.win32.WinNT.HANDLE;

/**
 * {@code RPC_ASYNC_NOTIFICATION_INFO}, the union {@code u} of {@link RPC_ASYNC_STATE}: how the
 * runtime notifies the caller. 16 bytes on 32-bit Windows, 32 on 64-bit (IOC is the largest
 * member).
 *
 * <p>Select the member that {@code NotificationType} names with {@link #setType(String)} (for
 * example {@code setType("APC")}) before writing: JNA writes only the selected member of a
 * union.
 */
@FieldOrder({"APC", "IOC", "HWND", "hEvent", "NotificationRoutine"})
public class RPC_ASYNC_NOTIFICATION_INFO extends Union {

    /** {@code u.APC}: for RpcNotificationTypeApc. */
    @FieldOrder({"NotificationRoutine", "hThread"})
    public static class APC_INFO extends Structure {
        /** An empty {@code u.APC}, every field zero. */
        public APC_INFO() {
        }

        /** The routine the runtime queues as an APC. */
        public Rpcrt4.RPCNOTIFICATION_ROUTINE NotificationRoutine;
        /** A real thread handle with THREAD_SET_CONTEXT (never GetCurrentThread()'s pseudo-handle). */
        public HANDLE hThread;
    }

    /** {@code u.IOC}: for RpcNotificationTypeIoc; the runtime posts these values to hIOPort. */
    @FieldOrder({"hIOPort", "dwNumberOfBytesTransferred", "dwCompletionKey", "lpOverlapped"})
    public static class IOC_INFO extends Structure {
        /** An empty {@code u.IOC}, every field zero. */
        public IOC_INFO() {
        }

        /** The I/O completion port. */
        public HANDLE hIOPort;
        /** DWORD passed through as the completion's byte count. */
        public int dwNumberOfBytesTransferred;
        /** DWORD_PTR passed through as the completion key. */
        public ULONG_PTR dwCompletionKey;
        /** LPOVERLAPPED passed through as the completion's overlapped pointer. */
        public Pointer lpOverlapped;
    }

    /** {@code u.HWND}: for RpcNotificationTypeHwnd, which Microsoft deprecates; unsupported here. */
    @FieldOrder({"hWnd", "Msg"})
    public static class HWND_INFO extends Structure {
        /** An empty {@code u.HWND}, every field zero. */
        public HWND_INFO() {
        }

        /** The window. */
        public HWND hWnd;
        /** UINT message posted to it. */
        public int Msg;
    }

    /** {@code u.APC}. */
    public APC_INFO APC;
    /** {@code u.IOC}. */
    public IOC_INFO IOC;
    /** {@code u.HWND}. */
    public HWND_INFO HWND;
    /** {@code u.hEvent}: for RpcNotificationTypeEvent. */
    public HANDLE hEvent;
    /** {@code u.NotificationRoutine}: for RpcNotificationTypeCallback (OLE only; unsupported). */
    public Rpcrt4.RPCNOTIFICATION_ROUTINE NotificationRoutine;

    /** A union in its own memory. */
    public RPC_ASYNC_NOTIFICATION_INFO() {
        super();
    }

    /**
     * A union over existing memory.
     *
     * @param p the union's address
     */
    public RPC_ASYNC_NOTIFICATION_INFO(Pointer p) {
        super(p);
    }
}
