package dev.winrpc.async.raw;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import com.sun.jna.win32.StdCallLibrary;
import java.util.Map;

/**
 * The asynchronous RPC functions of rpcrt4.dll, named and typed exactly as the Windows SDK
 * declares them in {@code rpcasync.h}. All are {@code RPC_ENTRY}: {@code __stdcall} on 32-bit
 * x86, the platform's single convention on x64 and ARM64; {@link #OPTIONS} says so to JNA
 * (see {@link RpcEntry}).
 *
 * <p>This is the raw layer: nothing is checked and nothing is hidden. The library's runtime
 * gate ({@code dev.winrpc.async.RpcRuntime}) loads it from whatever backs the runtime
 * (rpcrt4.dll on Windows, or the library named by the {@code dev.winrpc.async.library} system
 * property). The four functions a call makes on its hot path (RpcAsyncGetCallStatus,
 * RpcAsyncCompleteCall, RpcAsyncAbortCall, RpcAsyncCancelCall) are bound once, with JNA's direct
 * mapping, in {@link Rpcrt4Direct}.
 *
 * <p><b>Runtime-owned fields.</b> Passing an {@link RPC_ASYNC_STATE} never writes its Java
 * field values to native memory: the structure disables JNA's auto-write, because the runtime
 * owns Size, Signature, Lock, StubInfo, RuntimeInfo, Event and Reserved after
 * {@link #RpcAsyncInitializeHandle}. JNA still reads the structure back after each call.
 *
 * <p><b>Lifetime.</b> An {@code RPC_ASYNC_STATE} must stay at one address, and stay allocated,
 * from the call that starts an asynchronous call until its final
 * {@link Rpcrt4Direct#RpcAsyncCompleteCall} (also after a cancel) or
 * {@link Rpcrt4Direct#RpcAsyncAbortCall}; the runtime writes into it from its own threads until
 * then.
 */
public interface Rpcrt4 extends StdCallLibrary {

    /** The options to load this interface with: {@link RpcEntry#OPTIONS}. */
    Map<String, Object> OPTIONS = RpcEntry.OPTIONS;

    /** {@code RPC_ASYNC_VERSION_1_0} is {@code sizeof(RPC_ASYNC_STATE)}. */
    int RPC_ASYNC_VERSION_1_0 = RPC_ASYNC_STATE.SIZE;

    /** Flags: ask for an {@link #RpcSendComplete} notification after each async pipe push. */
    int RPC_C_NOTIFY_ON_SEND_COMPLETE = 0x1;
    /** {@code RPC_C_INFINITE_TIMEOUT} (INFINITE). */
    int RPC_C_INFINITE_TIMEOUT = 0xFFFFFFFF;
    /** The Signature RpcAsyncInitializeHandle writes: the bytes "ASYC". */
    int RPC_ASYNC_SIGNATURE = 0x43595341;

    // RPC_NOTIFICATION_TYPES
    /** No notification: the caller polls {@link Rpcrt4Direct#RpcAsyncGetCallStatus}. */
    int RpcNotificationTypeNone = 0;
    /** The runtime signals {@code u.hEvent}. */
    int RpcNotificationTypeEvent = 1;
    /** The runtime queues {@code u.APC.NotificationRoutine} to the thread {@code u.APC.hThread}. */
    int RpcNotificationTypeApc = 2;
    /** The runtime posts to the I/O completion port {@code u.IOC.hIOPort}. */
    int RpcNotificationTypeIoc = 3;
    /** Deprecated by Microsoft: a window message. Not supported by winrpc-async. */
    int RpcNotificationTypeHwnd = 4;
    /** For OLE only. Not supported by winrpc-async. */
    int RpcNotificationTypeCallback = 5;

    // RPC_ASYNC_EVENT (mingw-w64 10 declares only the first three)
    /** The call has completed: call {@link Rpcrt4Direct#RpcAsyncCompleteCall}. */
    int RpcCallComplete = 0;
    /** An async pipe push has been sent (with {@link #RPC_C_NOTIFY_ON_SEND_COMPLETE}). */
    int RpcSendComplete = 1;
    /** Async pipe data (or its end) has arrived after a pull returned pending. */
    int RpcReceiveComplete = 2;
    /** Server side: the client has disconnected. */
    int RpcClientDisconnect = 3;
    /** Server side: the client has cancelled the call. */
    int RpcClientCancel = 4;

    // RPC_NOTIFICATIONS (for RpcServerSubscribeForNotification)
    /** No notification. */
    int RpcNotificationCallNone = 0;
    /** The client has disconnected: notified as {@link #RpcClientDisconnect}. */
    int RpcNotificationClientDisconnect = 1;
    /** The client has cancelled the call: notified as {@link #RpcClientCancel}. */
    int RpcNotificationCallCancel = 2;

    /**
     * Initialises an asynchronous handle.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcasyncinitializehandle">RpcAsyncInitializeHandle</a>
     * @param pAsync the state, of {@link RPC_ASYNC_STATE#SIZE} bytes
     * @param Size {@code sizeof(RPC_ASYNC_STATE)}; anything else returns RPC_S_INVALID_ARG
     * @return an RPC_STATUS
     */
    int RpcAsyncInitializeHandle(RPC_ASYNC_STATE pAsync, int Size);

    /**
     * Obsolete in the SDK: registers the notification information of a state with the runtime.
     * Wine's implementation is a stub that aborts the process; the safe layer's
     * {@code dev.winrpc.async.dispatch.AsyncHandle} decides whether calling it is safe.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcasyncregisterinfo">RpcAsyncRegisterInfo</a>
     * @param pAsync an initialised state
     * @return an RPC_STATUS
     */
    int RpcAsyncRegisterInfo(RPC_ASYNC_STATE pAsync);

    /**
     * Server only: asks the runtime to tell the server when the client of the call cancels it
     * or disconnects. Without it, a server call is never notified of either. The runtime copies
     * the notification information; it is delivered apart from the call's own notification
     * settings (for an APC, the routine is called with the call's state and the
     * {@link #RpcClientCancel} or {@link #RpcClientDisconnect} event). With
     * {@link #RpcNotificationTypeEvent} each kind needs its own call; with the other types one
     * call may ask for both. Every subscription must be ended with
     * {@link #RpcServerUnsubscribeForNotification} before the call is completed or aborted.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcserversubscribefornotification">RpcServerSubscribeForNotification</a>
     * @param Binding the call's binding handle ({@code RpcAsyncGetCallHandle(pAsync)}, see
     *        {@link Rpcrt4Util#RpcAsyncGetCallHandle}); NULL only on the thread the runtime
     *        dispatched the call on
     * @param Notification a bitwise OR of {@link #RpcNotificationClientDisconnect} and
     *        {@link #RpcNotificationCallCancel} (others: RPC_S_CANNOT_SUPPORT)
     * @param NotificationType how to notify; not {@link #RpcNotificationTypeNone}
     *        (RPC_S_INVALID_ARG)
     * @param NotificationInfo where to notify, for that type
     * @return an RPC_STATUS
     */
    int RpcServerSubscribeForNotification(Pointer Binding, int Notification, int NotificationType,
            RPC_ASYNC_NOTIFICATION_INFO NotificationInfo);

    /**
     * Server only: ends one kind of subscription made with
     * {@link #RpcServerSubscribeForNotification}, before the call is completed. Notifications
     * already queued may still be delivered after it returns: compare NotificationsQueued with
     * the number received, and keep the notification target alive until they match.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcserverunsubscribefornotification">RpcServerUnsubscribeForNotification</a>
     * @param Binding as for the subscription
     * @param Notification one RPC_NOTIFICATIONS value (several at once: RPC_S_CANNOT_SUPPORT)
     * @param NotificationsQueued receives how many notifications of that kind the runtime
     *        queued for the call; required
     * @return an RPC_STATUS
     */
    int RpcServerUnsubscribeForNotification(Pointer Binding, int Notification,
            com.sun.jna.ptr.IntByReference NotificationsQueued);

    /**
     * Server: whether the client has cancelled the call (the server must still complete or
     * abort it). Declared in rpcdce.h.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/nf-rpcdce-rpcservertestcancel">RpcServerTestCancel</a>
     * @param BindingHandle the call's handle ({@link Rpcrt4Util#RpcAsyncGetCallHandle}), or NULL
     *        for the call on the current thread
     * @return RPC_S_OK if cancelled, RPC_S_CALL_IN_PROGRESS if not, or an error
     */
    int RpcServerTestCancel(Pointer BindingHandle);

    /**
     * {@code RPCNOTIFICATION_ROUTINE}: {@code void RPC_ENTRY (PRPC_ASYNC_STATE pAsync,
     * void *Context, RPC_ASYNC_EVENT Event)}. Context is reserved and NULL. pAsync is passed as
     * its address so that a dispatcher can find the call without allocating.
     *
     * <p>An implementation must never let an exception escape: it is called from native code.
     * It is {@code RPC_ENTRY} (stdcall on 32-bit x86), through this interface's
     * {@link Rpcrt4#OPTIONS}; it deliberately does not extend JNA's {@code StdCallCallback},
     * which JNA refuses off Windows.
     */
    interface RPCNOTIFICATION_ROUTINE extends Callback {
        /**
         * Called by the runtime with a notification for the call.
         *
         * @param pAsync the address of the call's RPC_ASYNC_STATE
         * @param Context reserved, NULL
         * @param Event an RPC_ASYNC_EVENT value
         */
        void callback(Pointer pAsync, Pointer Context, int Event);
    }

    /**
     * {@code RPCNOTIFICATION_ROUTINE} with primitive arguments, for 64-bit processes: the
     * addresses as {@code long}. When it reaches native code as an argument of a function bound
     * with JNA's direct mapping, JNA gives it a direct-mode entry point, which calls it with the
     * native values as they are (no argument array, no {@code Pointer} or {@code Integer} per
     * call, no reflection). Same contract as {@link RPCNOTIFICATION_ROUTINE}; never on 32-bit,
     * where an address is not a {@code long}.
     */
    interface RPCNOTIFICATION_ROUTINE_DIRECT extends Callback {
        /**
         * Called by the runtime with a notification for the call.
         *
         * @param pAsync the address of the call's RPC_ASYNC_STATE
         * @param Context reserved, 0
         * @param Event an RPC_ASYNC_EVENT value
         */
        void callback(long pAsync, long Context, int Event);
    }

    /**
     * A notification routine that already has a native entry point of its own (for example the
     * direct-mode entry point of an {@link RPCNOTIFICATION_ROUTINE_DIRECT}):
     * {@link RPC_ASYNC_STATE#writeCallerFields()} writes that address into
     * {@code u.APC.NotificationRoutine} instead of asking JNA for one. Implemented by an
     * {@link RPCNOTIFICATION_ROUTINE}, whose own method is what JNA calls where a structure
     * holding it is written by JNA itself.
     */
    interface EntryPoint {
        /** {@return the routine's native entry point, or null to let JNA make one} */
        Pointer entryPoint();
    }
}
