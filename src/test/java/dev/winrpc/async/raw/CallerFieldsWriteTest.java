package dev.winrpc.async.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link RPC_ASYNC_STATE#writeCallerFields()} writes the caller's fields at their offsets without
 * JNA's structure machinery (issue 12: no allocation per registration). It must write exactly
 * what JNA's own {@code writeField} of the same fields writes, and nothing else: for each union
 * member a dispatcher selects, the two are compared byte for byte over a state whose other bytes
 * are a pattern that must survive.
 */
class CallerFieldsWriteTest {

    private static final Rpcrt4.RPCNOTIFICATION_ROUTINE ROUTINE = (p, c, e) -> { };

    /** Two states with the same bytes (a pattern) and the same Java values; one written each way. */
    private static void assertSameBytes(Consumer<RPC_ASYNC_STATE> set) {
        RPC_ASYNC_STATE byJna = new RPC_ASYNC_STATE();
        RPC_ASYNC_STATE byOffsets = new RPC_ASYNC_STATE();
        for (int i = 0; i < RPC_ASYNC_STATE.SIZE; i++) {
            byJna.getPointer().setByte(i, (byte) (0xA0 + i));
            byOffsets.getPointer().setByte(i, (byte) (0xA0 + i));
        }
        set.accept(byJna);
        set.accept(byOffsets);
        byJna.writeField("u");
        byJna.writeField("UserInfo");
        byJna.writeField("Flags");
        byJna.writeField("NotificationType");
        byOffsets.writeCallerFields();
        assertArrayEquals(byJna.getPointer().getByteArray(0, RPC_ASYNC_STATE.SIZE),
                byOffsets.getPointer().getByteArray(0, RPC_ASYNC_STATE.SIZE));
    }

    @Test
    void apcMemberIsWrittenAsJnaWritesIt() {
        assertSameBytes(s -> {
            s.Flags = Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE;
            s.UserInfo = new Pointer(0x1234_5678L);
            s.NotificationType = Rpcrt4.RpcNotificationTypeApc;
            s.u.APC.NotificationRoutine = ROUTINE;
            s.u.APC.hThread = new HANDLE(new Pointer(0x4242L));
            s.u.setType("APC");
        });
    }

    @Test
    void iocMemberIsWrittenAsJnaWritesIt() {
        assertSameBytes(s -> {
            s.NotificationType = Rpcrt4.RpcNotificationTypeIoc;
            s.u.IOC.hIOPort = new HANDLE(new Pointer(0x77L));
            s.u.IOC.dwNumberOfBytesTransferred = 0x1F;
            s.u.IOC.dwCompletionKey = new ULONG_PTR(0x0102_0304_0506L & (com.sun.jna.Native.POINTER_SIZE == 4 ? 0xFFFF_FFFFL : -1L));
            s.u.IOC.lpOverlapped = new Pointer(0x99L);
            s.u.setType(RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO.class);
        });
    }

    @Test
    void eventMemberIsWrittenAsJnaWritesIt() {
        assertSameBytes(s -> {
            s.NotificationType = Rpcrt4.RpcNotificationTypeEvent;
            s.u.hEvent = new HANDLE(new Pointer(0x5150L));
            s.u.setType("hEvent");
        });
    }

    @Test
    void noMemberSelectedWritesNoneOfTheUnion() {
        assertSameBytes(s -> {
            s.NotificationType = Rpcrt4.RpcNotificationTypeNone;
            s.UserInfo = null;
        });
    }

    @Test
    void aRoutineWithAnEntryPointIsWrittenAsThatAddress() {
        Memory somewhere = new Memory(8);
        class AtAddress implements Rpcrt4.RPCNOTIFICATION_ROUTINE, Rpcrt4.EntryPoint {
            @Override
            public void callback(Pointer pAsync, Pointer context, int event) {
            }

            @Override
            public Pointer entryPoint() {
                return somewhere;
            }
        }
        RPC_ASYNC_STATE s = new RPC_ASYNC_STATE();
        s.NotificationType = Rpcrt4.RpcNotificationTypeApc;
        s.u.APC.NotificationRoutine = new AtAddress();
        s.u.setType("APC");
        s.writeCallerFields();
        assertEquals(somewhere, s.getPointer().getPointer(RPC_ASYNC_STATE.U_OFFSET));
        // Without one, the entry point JNA keeps for the callback.
        s.u.APC.NotificationRoutine = ROUTINE;
        s.writeCallerFields();
        assertEquals(CallbackReference.getFunctionPointer(ROUTINE), s.getPointer().getPointer(RPC_ASYNC_STATE.U_OFFSET));
    }
}
