package dev.winrpc.async.raw;

import com.sun.jna.CallbackReference;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
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

    /** The member {@link #setType} selected last, or null. */
    private String selected;

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

    @Override
    public void setType(Class<?> type) {
        super.setType(type);
        selected = type == APC_INFO.class ? "APC" : type == IOC_INFO.class ? "IOC"
                : type == HWND_INFO.class ? "HWND" : type == HANDLE.class ? "hEvent" : "NotificationRoutine";
    }

    @Override
    public void setType(String fieldName) {
        super.setType(fieldName);
        selected = fieldName;
    }

    /**
     * Writes the selected member's Java values (see {@link #setType}) at {@code offset} of
     * {@code base}, field by field, and nothing else: what JNA's {@code writeField} of the union
     * writes, without its per-write objects (no reflection, no boxing, no shared-memory views).
     * A notification routine is written as its {@link Rpcrt4.EntryPoint#entryPoint()} if it has
     * one, else as the entry point JNA keeps for it. Writes nothing if no member is selected.
     *
     * @param base the memory the union is part of
     * @param offset the union's offset in it
     */
    public void writeSelected(Pointer base, long offset) {
        if (selected == null) {
            return;
        }
        int ptr = Native.POINTER_SIZE;
        switch (selected) {
            case "APC":
                base.setPointer(offset, APC == null ? null : entryPoint(APC.NotificationRoutine));
                base.setPointer(offset + ptr, APC == null ? null : address(APC.hThread));
                break;
            case "IOC":
                base.setPointer(offset, IOC == null ? null : address(IOC.hIOPort));
                base.setInt(offset + ptr, IOC == null ? 0 : IOC.dwNumberOfBytesTransferred);
                long key = IOC == null || IOC.dwCompletionKey == null ? 0 : IOC.dwCompletionKey.longValue();
                if (ptr == 8) {
                    base.setLong(offset + 2L * ptr, key);
                } else {
                    base.setInt(offset + 2L * ptr, (int) key);
                }
                base.setPointer(offset + 3L * ptr, IOC == null ? null : IOC.lpOverlapped);
                break;
            case "HWND":
                base.setPointer(offset, HWND == null ? null : address(HWND.hWnd));
                base.setInt(offset + ptr, HWND == null ? 0 : HWND.Msg);
                break;
            case "hEvent":
                base.setPointer(offset, address(hEvent));
                break;
            default:
                base.setPointer(offset, entryPoint(NotificationRoutine));
                break;
        }
    }

    private static Pointer address(PointerType handle) {
        return handle == null ? null : handle.getPointer();
    }

    private static Pointer entryPoint(Rpcrt4.RPCNOTIFICATION_ROUTINE routine) {
        if (routine == null) {
            return null;
        }
        if (routine instanceof Rpcrt4.EntryPoint e) {
            Pointer p = e.entryPoint();
            if (p != null) {
                return p;
            }
        }
        return CallbackReference.getFunctionPointer(routine);
    }
}
