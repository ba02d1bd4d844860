package dev.winrpc.async.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Native;
import com.sun.jna.Structure;
import dev.winrpc.async.testing.AbiDump;
import dev.winrpc.async.testing.Layout;
import org.junit.jupiter.api.Test;

/**
 * Guards the foundation issue's central promise: JNA lays out every raw structure exactly as
 * native-headers/winrpc_async.h declares it (which native-headers/check proves equal to
 * mingw-w64's rpcasync.h), field by field, on this JVM.
 */
class LayoutTest {

    private static void assertOffsets(Structure s, String cName, String... fields) {
        for (String f : fields) {
            assertEquals(AbiDump.get("offset." + cName + "." + f), Layout.offset(s, f),
                    "offset of " + cName + "." + f);
        }
        assertEquals(AbiDump.get("size." + cName), s.size(), "sizeof " + cName);
    }

    @Test
    void pointerSizeMatchesTheHeaderBuild() {
        assertEquals(AbiDump.get("pointer.size"), Native.POINTER_SIZE);
    }

    @Test
    void rpcAsyncStateMatchesHeader() {
        RPC_ASYNC_STATE s = new RPC_ASYNC_STATE();
        assertOffsets(s, "RPC_ASYNC_STATE", "Size", "Signature", "Lock", "Flags", "StubInfo",
                "UserInfo", "RuntimeInfo", "Event", "NotificationType", "u", "Reserved");
        assertEquals(RPC_ASYNC_STATE.SIZE, s.size());
        assertEquals(Rpcrt4.RPC_ASYNC_VERSION_1_0, s.size());
        // The constants the hot paths read native memory with.
        assertEquals(AbiDump.get("offset.RPC_ASYNC_STATE.RuntimeInfo"), RPC_ASYNC_STATE.RUNTIME_INFO_OFFSET);
        assertEquals(AbiDump.get("offset.RPC_ASYNC_STATE.Event"), RPC_ASYNC_STATE.EVENT_OFFSET);
        // The constants writeCallerFields writes at.
        assertEquals(AbiDump.get("offset.RPC_ASYNC_STATE.Flags"), RPC_ASYNC_STATE.FLAGS_OFFSET);
        assertEquals(AbiDump.get("offset.RPC_ASYNC_STATE.UserInfo"), RPC_ASYNC_STATE.USER_INFO_OFFSET);
        assertEquals(AbiDump.get("offset.RPC_ASYNC_STATE.NotificationType"), RPC_ASYNC_STATE.NOTIFICATION_TYPE_OFFSET);
        assertEquals(AbiDump.get("offset.RPC_ASYNC_STATE.u"), RPC_ASYNC_STATE.U_OFFSET);
    }

    @Test
    void notificationUnionMatchesHeader() {
        RPC_ASYNC_NOTIFICATION_INFO u = new RPC_ASYNC_NOTIFICATION_INFO();
        assertEquals(AbiDump.get("size.RPC_ASYNC_NOTIFICATION_INFO"), u.size());
        for (String member : new String[] {"APC", "IOC", "HWND", "hEvent", "NotificationRoutine"}) {
            assertEquals(0, Layout.offset(u, member), "union member " + member + " starts the union");
        }
        RPC_ASYNC_NOTIFICATION_INFO.APC_INFO apc = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
        RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO ioc = new RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO();
        RPC_ASYNC_NOTIFICATION_INFO.HWND_INFO hwnd = new RPC_ASYNC_NOTIFICATION_INFO.HWND_INFO();
        String u0 = "offset.RPC_ASYNC_NOTIFICATION_INFO.";
        assertEquals(AbiDump.get(u0 + "APC.NotificationRoutine"), Layout.offset(apc, "NotificationRoutine"));
        assertEquals(AbiDump.get(u0 + "APC.hThread"), Layout.offset(apc, "hThread"));
        assertEquals(AbiDump.get(u0 + "IOC.hIOPort"), Layout.offset(ioc, "hIOPort"));
        assertEquals(AbiDump.get(u0 + "IOC.dwNumberOfBytesTransferred"),
                Layout.offset(ioc, "dwNumberOfBytesTransferred"));
        assertEquals(AbiDump.get(u0 + "IOC.dwCompletionKey"), Layout.offset(ioc, "dwCompletionKey"));
        assertEquals(AbiDump.get(u0 + "IOC.lpOverlapped"), Layout.offset(ioc, "lpOverlapped"));
        assertEquals(AbiDump.get(u0 + "HWND.hWnd"), Layout.offset(hwnd, "hWnd"));
        assertEquals(AbiDump.get(u0 + "HWND.Msg"), Layout.offset(hwnd, "Msg"));
        assertEquals(AbiDump.get("size.RPC_ASYNC_NOTIFICATION_INFO.APC"), apc.size());
        assertEquals(AbiDump.get("size.RPC_ASYNC_NOTIFICATION_INFO.IOC"), ioc.size());
        assertEquals(AbiDump.get("size.RPC_ASYNC_NOTIFICATION_INFO.HWND"), hwnd.size());
    }

    @Test
    void asyncPipeMatchesHeader() {
        ASYNC_PIPE p = new ASYNC_PIPE();
        assertOffsets(p, "ASYNC_PIPE", "pull", "push", "alloc", "state");
        assertEquals(ASYNC_PIPE.SIZE, p.size());
    }

    @Test
    void overlappedEntryMatchesHeader() {
        Kernel32Ex.OVERLAPPED_ENTRY e = new Kernel32Ex.OVERLAPPED_ENTRY();
        assertOffsets(e, "OVERLAPPED_ENTRY", "lpCompletionKey", "lpOverlapped", "Internal",
                "dwNumberOfBytesTransferred");
        assertEquals(Kernel32Ex.OVERLAPPED_ENTRY.SIZE, e.size());
    }

    @Test
    void jnaPlatformOverlappedMatchesHeader() {
        // The library passes jna-platform's OVERLAPPED through u.IOC.lpOverlapped and
        // PostQueuedCompletionStatus; its layout must be the SDK's.
        com.sun.jna.platform.win32.WinBase.OVERLAPPED o = new com.sun.jna.platform.win32.WinBase.OVERLAPPED();
        assertOffsets(o, "OVERLAPPED", "Internal", "InternalHigh", "Offset", "OffsetHigh", "hEvent");
    }

    @Test
    void newStateIsZeroFilled() {
        RPC_ASYNC_STATE s = new RPC_ASYNC_STATE();
        byte[] bytes = s.getPointer().getByteArray(0, s.size());
        for (int i = 0; i < bytes.length; i++) {
            assertEquals(0, bytes[i], "byte " + i + " of a new RPC_ASYNC_STATE");
        }
    }
}
