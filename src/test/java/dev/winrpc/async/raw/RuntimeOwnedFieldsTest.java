package dev.winrpc.async.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.winrpc.async.dispatch.AsyncHandle;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.testing.Layout;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The runtime writes Lock, StubInfo, RuntimeInfo, Event and Reserved behind Java's back. Here
 * native code (the simulator, as rpcrt4 does) changes them between two library calls, and no
 * library call writes a stale Java value over them: JNA's auto-write is off for
 * RPC_ASYNC_STATE, and the library writes only the caller's fields. The simulator's oracle
 * compares Size, Signature, Lock and StubInfo with its own copy on every entry; the test also
 * compares every runtime-owned byte itself.
 */
class RuntimeOwnedFieldsTest {

    private final Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();
    private final SimControl sim = Simulator.control();

    @Test
    void nativeWritesBetweenLibraryCallsSurvive() {
        RPC_ASYNC_STATE s = new RPC_ASYNC_STATE();
        assertEquals(RpcErrors.RPC_S_OK, rpcrt4.RpcAsyncInitializeHandle(s, RPC_ASYNC_STATE.SIZE));
        assertEquals(Rpcrt4.RPC_ASYNC_SIGNATURE, s.Signature, "JNA read back what the runtime wrote");

        assertEquals(RpcErrors.RPC_S_OK, sim.sim_scribble_runtime_fields(s.getPointer(), 7));
        byte[] scribbled = Layout.runtimeOwnedBytes(s);
        assertFalse(Arrays.equals(scribbled, new byte[scribbled.length]), "the runtime wrote");

        // Library calls after the native write: a status query, registration of the caller's
        // notification fields, and the caller's fields written again.
        assertEquals(RpcErrors.RPC_S_INVALID_BINDING, Rpcrt4Direct.RpcAsyncGetCallStatus(s.getPointer()),
                "a state initialised but never used in a call");
        assertArrayEquals(scribbled, Layout.runtimeOwnedBytes(s));

        Kernel32 k32 = RpcRuntime.kernel32();
        HANDLE thread = k32.OpenThread(WinNT.THREAD_SET_CONTEXT, false, k32.GetCurrentThreadId());
        try {
            sim.sim_scribble_runtime_fields(s.getPointer(), 8);
            byte[] again = Layout.runtimeOwnedBytes(s);
            s.NotificationType = Rpcrt4.RpcNotificationTypeApc;
            s.u.APC = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
            s.u.APC.NotificationRoutine = (p, c, e) -> { };
            s.u.APC.hThread = thread;
            AsyncHandle.publish(s);
            s.writeCallerFields();
            assertEquals(RpcErrors.RPC_S_INVALID_BINDING, Rpcrt4Direct.RpcAsyncGetCallStatus(s.getPointer()));
            assertArrayEquals(again, Layout.runtimeOwnedBytes(s));
        } finally {
            k32.CloseHandle(thread);
        }
        assertEquals(0, sim.sim_misuse_count(), () -> Simulator.misuses().toString());
    }

    @Test
    void theOracleCatchesAStaleWriteSoTheTestAboveCouldFail() {
        RPC_ASYNC_STATE s = new RPC_ASYNC_STATE();
        assertEquals(RpcErrors.RPC_S_OK, rpcrt4.RpcAsyncInitializeHandle(s, RPC_ASYNC_STATE.SIZE));
        sim.sim_scribble_runtime_fields(s.getPointer(), 9);
        s.write(); // what JNA's auto-write would do: stale Java values over the runtime's
        Rpcrt4Direct.RpcAsyncGetCallStatus(s.getPointer());
        Simulator.expectMisuses(SimControl.SIM_MISUSE_RUNTIME_FIELD_WRITTEN,
                SimControl.SIM_MISUSE_RUNTIME_FIELD_WRITTEN);
    }
}
