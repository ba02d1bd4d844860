package dev.winrpc.async.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Util;
import dev.winrpc.async.testing.Layout;
import org.junit.jupiter.api.Test;

/**
 * RpcAsyncRegisterHandle, with a fake rpcrt4: it refuses what it must before touching native
 * memory, writes only the caller's fields, and calls RpcAsyncRegisterInfo only when allowed.
 */
class AsyncHandleTest {

    private static final Rpcrt4.RPCNOTIFICATION_ROUTINE ROUTINE = (p, c, e) -> { };

    private static RPC_ASYNC_STATE apcState() {
        RPC_ASYNC_STATE s = Layout.initialisedState();
        s.NotificationType = Rpcrt4.RpcNotificationTypeApc;
        s.u.APC = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
        s.u.APC.NotificationRoutine = ROUTINE;
        s.u.APC.hThread = new HANDLE(Pointer.createConstant(0x1004));
        s.Flags = Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE;
        s.UserInfo = Pointer.createConstant(0xABC);
        return s;
    }

    @Test
    void writesOnlyTheCallersFieldsAndLeavesTheRuntimesAlone() {
        Rpcrt4 rpcrt4 = mock(Rpcrt4.class);
        RPC_ASYNC_STATE s = apcState();
        // Stale Java values in runtime-owned fields must not reach native memory.
        s.Lock = 999;
        s.StubInfo = Pointer.createConstant(0xDEAD);
        s.Event = 4;
        byte[] before = Layout.runtimeOwnedBytes(s);

        assertEquals(AsyncHandle.Result.PUBLISHED, AsyncHandle.RpcAsyncRegisterHandle(rpcrt4, false, s));

        assertArrayEquals(before, Layout.runtimeOwnedBytes(s), "runtime-owned bytes changed");
        Pointer p = s.getPointer();
        assertEquals(Rpcrt4.RpcNotificationTypeApc, p.getInt(Layout.offset(s, "NotificationType")));
        assertEquals(Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE, p.getInt(Layout.offset(s, "Flags")));
        assertEquals(0xABC, Pointer.nativeValue(p.getPointer(Layout.offset(s, "UserInfo"))));
        int u = Layout.offset(s, "u");
        assertEquals(0x1004, Pointer.nativeValue(p.getPointer(u + com.sun.jna.Native.POINTER_SIZE)));
        assertTrue(p.getPointer(u) != null, "the routine's address was written");
        verify(rpcrt4, never()).RpcAsyncRegisterInfo(any());
    }

    @Test
    void callsRegisterInfoWhereAllowedAndReportsItsFailure() {
        Rpcrt4 rpcrt4 = mock(Rpcrt4.class);
        RPC_ASYNC_STATE s = apcState();
        when(rpcrt4.RpcAsyncRegisterInfo(s)).thenReturn(RpcErrors.RPC_S_OK);
        assertEquals(AsyncHandle.Result.REGISTERED_WITH_RUNTIME,
                AsyncHandle.RpcAsyncRegisterHandle(rpcrt4, true, s));
        verify(rpcrt4).RpcAsyncRegisterInfo(s);

        when(rpcrt4.RpcAsyncRegisterInfo(s)).thenReturn(RpcErrors.RPC_S_INVALID_ASYNC_HANDLE);
        RpcException e = assertThrows(RpcException.class,
                () -> AsyncHandle.RpcAsyncRegisterHandle(rpcrt4, true, s));
        assertEquals("RpcAsyncRegisterInfo", e.function());
        assertEquals("RPC_S_INVALID_ASYNC_HANDLE", e.statusName());
    }

    @Test
    void aRuntimeWriteBetweenTwoLibraryCallsSurvives() {
        // The runtime changes every runtime-owned field between two library calls, as rpcrt4
        // does from its own threads; the library's next call must not write them back.
        Rpcrt4 rpcrt4 = mock(Rpcrt4.class);
        RPC_ASYNC_STATE s = apcState();
        AsyncHandle.RpcAsyncRegisterHandle(rpcrt4, false, s);
        Layout.scribbleRuntimeFields(s, 7);
        byte[] afterRuntime = Layout.runtimeOwnedBytes(s);
        AsyncHandle.RpcAsyncRegisterHandle(rpcrt4, false, s);
        s.writeCallerFields();
        assertArrayEquals(afterRuntime, Layout.runtimeOwnedBytes(s));
    }

    @Test
    void refusesBeforeTouchingNativeMemory() {
        Rpcrt4 rpcrt4 = mock(Rpcrt4.class);

        RPC_ASYNC_STATE pseudo = apcState();
        pseudo.u.APC.hThread = new HANDLE(Rpcrt4Util.CURRENT_THREAD_PSEUDO_HANDLE);
        assertRefused(rpcrt4, pseudo, "pseudo-handle");

        RPC_ASYNC_STATE noRoutine = apcState();
        noRoutine.u.APC.NotificationRoutine = null;
        assertRefused(rpcrt4, noRoutine, "NotificationRoutine");

        RPC_ASYNC_STATE hwnd = apcState();
        hwnd.NotificationType = Rpcrt4.RpcNotificationTypeHwnd;
        assertRefused(rpcrt4, hwnd, "deprecated");

        RPC_ASYNC_STATE callback = apcState();
        callback.NotificationType = Rpcrt4.RpcNotificationTypeCallback;
        assertRefused(rpcrt4, callback, "OLE");

        RPC_ASYNC_STATE event = apcState();
        event.NotificationType = Rpcrt4.RpcNotificationTypeEvent;
        assertRefused(rpcrt4, event, "u.hEvent");

        RPC_ASYNC_STATE flags = apcState();
        flags.Flags = 0x8;
        assertRefused(rpcrt4, flags, "Flags");

        RPC_ASYNC_STATE uninitialised = apcState();
        uninitialised.getPointer().setInt(4, 0);
        assertRefused(rpcrt4, uninitialised, "RpcAsyncInitializeHandle");

        verify(rpcrt4, never()).RpcAsyncRegisterInfo(any());
    }

    private static void assertRefused(Rpcrt4 rpcrt4, RPC_ASYNC_STATE s, String messagePart) {
        byte[] before = s.getPointer().getByteArray(0, s.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AsyncHandle.RpcAsyncRegisterHandle(rpcrt4, true, s));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertArrayEquals(before, s.getPointer().getByteArray(0, s.size()), "native memory was touched");
    }
}
