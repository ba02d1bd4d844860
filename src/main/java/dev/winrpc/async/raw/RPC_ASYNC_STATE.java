package dev.winrpc.async.raw;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.platform.win32.BaseTSD.LONG_PTR;

/**
 * {@code RPC_ASYNC_STATE} (rpcasync.h), field for field: 68 bytes with alignment 4 on 32-bit
 * Windows, 112 bytes with alignment 8 on 64-bit Windows.
 *
 * <p><b>Who owns which field.</b> {@link Rpcrt4#RpcAsyncInitializeHandle} writes Size,
 * Signature, Lock, Flags, StubInfo, RuntimeInfo and zeroes Reserved; afterwards the runtime
 * owns Size, Signature, Lock, StubInfo, RuntimeInfo, Event and Reserved and writes them from
 * its own threads. The caller owns UserInfo, Flags, NotificationType and {@code u}.
 *
 * <p>So that no stale Java value is ever written over a runtime-owned field, this structure
 * turns JNA's auto-write off: passing it to a native function does not write it. Use
 * {@link #writeCallerFields()} to publish the caller's fields, which writes only those. Never
 * call {@link #write()} after initialisation.
 *
 * <p>The native memory must stay at one address, allocated, from the call that starts an
 * asynchronous call until its final completion: keep a strong reference to this object for
 * that long (a {@code Structure} frees its own memory when it is garbage-collected).
 *
 * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/ns-rpcasync-rpc_async_state">RPC_ASYNC_STATE</a>
 */
@FieldOrder({"Size", "Signature", "Lock", "Flags", "StubInfo", "UserInfo", "RuntimeInfo", "Event",
        "NotificationType", "u", "Reserved"})
public class RPC_ASYNC_STATE extends Structure {

    /** {@code sizeof(RPC_ASYNC_STATE)} on this platform: 68 on 32-bit, 112 on 64-bit. */
    public static final int SIZE = Native.POINTER_SIZE == 4 ? 68 : 112;
    /** {@code offsetof(RPC_ASYNC_STATE, RuntimeInfo)}: 24 on 32-bit, 32 on 64-bit. */
    public static final int RUNTIME_INFO_OFFSET = Native.POINTER_SIZE == 4 ? 24 : 32;
    /** {@code offsetof(RPC_ASYNC_STATE, Event)}: 28 on 32-bit, 40 on 64-bit. */
    public static final int EVENT_OFFSET = Native.POINTER_SIZE == 4 ? 28 : 40;

    /** {@code offsetof(RPC_ASYNC_STATE, Flags)}: 12. */
    public static final int FLAGS_OFFSET = 12;
    /** {@code offsetof(RPC_ASYNC_STATE, UserInfo)}: 20 on 32-bit, 24 on 64-bit. */
    public static final int USER_INFO_OFFSET = Native.POINTER_SIZE == 4 ? 20 : 24;
    /** {@code offsetof(RPC_ASYNC_STATE, NotificationType)}: 32 on 32-bit, 44 on 64-bit. */
    public static final int NOTIFICATION_TYPE_OFFSET = Native.POINTER_SIZE == 4 ? 32 : 44;
    /** {@code offsetof(RPC_ASYNC_STATE, u)}: 36 on 32-bit, 48 on 64-bit. */
    public static final int U_OFFSET = Native.POINTER_SIZE == 4 ? 36 : 48;

    /** unsigned int: the structure's size; runtime-owned after initialisation. */
    public int Size;
    /** unsigned long: 0x43595341 ("ASYC") once initialised; runtime-owned. */
    public int Signature;
    /** long: runtime-owned. */
    public int Lock;
    /** unsigned long: {@link Rpcrt4#RPC_C_NOTIFY_ON_SEND_COMPLETE} or 0; the caller's. */
    public int Flags;
    /** void*: runtime-owned. */
    public Pointer StubInfo;
    /** void*: the caller's. */
    public Pointer UserInfo;
    /** void*: runtime-owned; {@code RpcAsyncGetCallHandle(pAsync)} reads it. */
    public Pointer RuntimeInfo;
    /** RPC_ASYNC_EVENT: written by the runtime when it notifies. */
    public int Event;
    /** RPC_NOTIFICATION_TYPES: the caller's. */
    public int NotificationType;
    /** RPC_ASYNC_NOTIFICATION_INFO: the caller's. */
    public RPC_ASYNC_NOTIFICATION_INFO u;
    /** LONG_PTR[4]: runtime-owned. */
    public LONG_PTR[] Reserved = new LONG_PTR[4];

    /** A zero-filled state in memory of its own. */
    public RPC_ASYNC_STATE() {
        super();
        setAutoWrite(false);
    }

    /**
     * A view of a state at an existing address (for example, the state the runtime hands a
     * server manager routine). Nothing is read or written by this constructor.
     *
     * @param p the state's address
     */
    public RPC_ASYNC_STATE(Pointer p) {
        super(p);
        setAutoWrite(false);
    }

    /**
     * Writes the fields the caller owns, and only those: {@code u}, UserInfo, Flags, and last
     * NotificationType (so that a runtime thread that reads NotificationType already finds
     * the matching {@code u}). Of {@code u}, only the member selected with
     * {@link RPC_ASYNC_NOTIFICATION_INFO#setType} is written
     * ({@link RPC_ASYNC_NOTIFICATION_INFO#writeSelected}). Written at their offsets, field by
     * field, so that publishing allocates nothing.
     */
    public void writeCallerFields() {
        Pointer m = getPointer();
        if (u != null) {
            u.writeSelected(m, U_OFFSET);
        }
        m.setPointer(USER_INFO_OFFSET, UserInfo);
        m.setInt(FLAGS_OFFSET, Flags);
        m.setInt(NOTIFICATION_TYPE_OFFSET, NotificationType);
    }
}
