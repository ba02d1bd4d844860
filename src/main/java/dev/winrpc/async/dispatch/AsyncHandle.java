package dev.winrpc.async.dispatch;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Util;

/**
 * The "register the asynchronous handle with the run-time library" step of Microsoft's
 * server-side pipe example ({@code docs/reference/server-side-asynchronous-pipe-handling.md}),
 * done safely: the checks first, then the fields the caller owns, then, for a server's state,
 * RpcAsyncRegisterInfo only where it is safe. {@link Dispatcher#register} publishes every state
 * it registers; {@link Dispatcher#registerServerCall} also registers a server call's state with
 * the runtime.
 */
public final class AsyncHandle {

    private AsyncHandle() {
    }

    /** What {@link #RpcAsyncRegisterHandle} did. */
    public enum Result {
        /** The notification fields were written, and RpcAsyncRegisterInfo accepted the state. */
        REGISTERED_WITH_RUNTIME,
        /**
         * The notification fields were written; RpcAsyncRegisterInfo was not called because it
         * is missing, or unsafe on this runtime (Wine), or turned off. The runtime reads the
         * fields when it notifies.
         */
        PUBLISHED
    }

    /**
     * Publishes a state's notification fields: the checks of {@link #checkRegistrable}, then
     * the fields the caller owns and no other ({@link RPC_ASYNC_STATE#writeCallerFields()}):
     * {@code u}, UserInfo, Flags, then NotificationType. What a client state needs before its
     * stub starts the call; RpcAsyncRegisterInfo is never called for a client state (the
     * runtime refuses a state with no call behind it).
     *
     * @param pAsync an initialised state whose Java fields UserInfo, Flags, NotificationType
     *        and {@code u} hold the wanted notification
     * @throws IllegalArgumentException if the state or its notification fields are not usable;
     *         nothing was written then
     */
    public static void publish(RPC_ASYNC_STATE pAsync) {
        checkRegistrable(pAsync);
        pAsync.writeCallerFields();
    }

    /**
     * {@code RpcAsyncRegisterHandle}, the step Microsoft's server-side pipe example calls
     * "register the asynchronous handle with the run-time library", given an honest meaning: no
     * Windows version exports a function of that name (its released form is the now obsolete
     * RpcAsyncRegisterInfo). For a server's state only: the example makes it in the manager
     * routine's worker, once the notification fields are set, for the call the runtime
     * dispatched.
     *
     * <p>It {@linkplain #publish publishes} the fields (the checks first: native memory is
     * touched only after every one has passed), then calls RpcAsyncRegisterInfo only where
     * {@link RpcRuntime#isRegisterInfoSafe()} says it is exported and safe (never under Wine,
     * whose stub aborts the process).
     *
     * @param pAsync a server call's state, its Java notification fields set
     * @return what was done
     * @throws IllegalArgumentException if the state or its notification fields are not usable
     * @throws RpcException if RpcAsyncRegisterInfo fails
     */
    public static Result RpcAsyncRegisterHandle(RPC_ASYNC_STATE pAsync) {
        return RpcAsyncRegisterHandle(RpcRuntime.rpcrt4(), RpcRuntime.isRegisterInfoSafe(), pAsync);
    }

    /**
     * {@link #RpcAsyncRegisterHandle(RPC_ASYNC_STATE)} with the bindings and the policy given.
     *
     * @param rpcrt4 the bindings
     * @param callRegisterInfo whether RpcAsyncRegisterInfo may be called
     * @param pAsync a server call's state
     * @return what was done
     */
    public static Result RpcAsyncRegisterHandle(Rpcrt4 rpcrt4, boolean callRegisterInfo,
            RPC_ASYNC_STATE pAsync) {
        publish(pAsync);
        if (!callRegisterInfo) {
            return Result.PUBLISHED;
        }
        RpcException.check("RpcAsyncRegisterInfo", rpcrt4.RpcAsyncRegisterInfo(pAsync));
        return Result.REGISTERED_WITH_RUNTIME;
    }

    /**
     * The checks of {@link #publish}, which also select the union member that
     * NotificationType names. Reads native memory (Size, Signature), writes none.
     *
     * @param pAsync the state
     * @throws IllegalArgumentException if it cannot be registered
     */
    public static void checkRegistrable(RPC_ASYNC_STATE pAsync) {
        if (pAsync == null) {
            throw new IllegalArgumentException("pAsync is null");
        }
        Pointer p = pAsync.getPointer();
        int size = p.getInt(0);
        int signature = p.getInt(4);
        if (size != RPC_ASYNC_STATE.SIZE || signature != Rpcrt4.RPC_ASYNC_SIGNATURE) {
            throw new IllegalArgumentException(String.format(
                    "the RPC_ASYNC_STATE at %s is not initialised (Size %d, Signature 0x%08X): "
                            + "call RpcAsyncInitializeHandle first", p, size, signature));
        }
        if (pAsync.Flags != 0 && pAsync.Flags != Rpcrt4.RPC_C_NOTIFY_ON_SEND_COMPLETE) {
            throw new IllegalArgumentException(String.format(
                    "Flags 0x%X: only 0 and RPC_C_NOTIFY_ON_SEND_COMPLETE are defined", pAsync.Flags));
        }
        RPC_ASYNC_NOTIFICATION_INFO u = pAsync.u;
        switch (pAsync.NotificationType) {
            case Rpcrt4.RpcNotificationTypeNone:
                break;
            case Rpcrt4.RpcNotificationTypeEvent:
                requireHandle(u.hEvent, "u.hEvent", "RpcNotificationTypeEvent");
                u.setType("hEvent");
                break;
            case Rpcrt4.RpcNotificationTypeApc:
                if (u.APC == null || u.APC.NotificationRoutine == null) {
                    throw new IllegalArgumentException(
                            "RpcNotificationTypeApc needs u.APC.NotificationRoutine");
                }
                requireHandle(u.APC.hThread, "u.APC.hThread", "RpcNotificationTypeApc");
                if (Rpcrt4Util.CURRENT_THREAD_PSEUDO_HANDLE.equals(u.APC.hThread.getPointer())) {
                    throw new IllegalArgumentException("u.APC.hThread is GetCurrentThread()'s "
                            + "pseudo-handle, which would mean the runtime's own thread: open a "
                            + "real handle with THREAD_SET_CONTEXT (OpenThread or DuplicateHandle)");
                }
                u.setType("APC");
                break;
            case Rpcrt4.RpcNotificationTypeIoc:
                if (u.IOC == null) {
                    throw new IllegalArgumentException("RpcNotificationTypeIoc needs u.IOC");
                }
                requireHandle(u.IOC.hIOPort, "u.IOC.hIOPort", "RpcNotificationTypeIoc");
                u.setType("IOC");
                break;
            case Rpcrt4.RpcNotificationTypeHwnd:
                throw new IllegalArgumentException("RpcNotificationTypeHwnd is deprecated by "
                        + "Microsoft and not supported: use Apc, Event or Ioc");
            case Rpcrt4.RpcNotificationTypeCallback:
                throw new IllegalArgumentException("RpcNotificationTypeCallback is for OLE only "
                        + "and not supported: use Apc, Event or Ioc");
            default:
                throw new IllegalArgumentException(
                        "unknown NotificationType " + pAsync.NotificationType);
        }
    }

    private static void requireHandle(HANDLE h, String field, String type) {
        if (h == null || h.getPointer() == null || Rpcrt4Util.INVALID_HANDLE_VALUE.equals(h.getPointer())) {
            throw new IllegalArgumentException(type + " needs a valid " + field + ", not " + h);
        }
    }

}
