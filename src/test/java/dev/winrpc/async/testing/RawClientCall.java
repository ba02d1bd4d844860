package dev.winrpc.async.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.winrpc.async.dispatch.AsyncHandle;
import dev.winrpc.async.raw.Rpcrt4Direct;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * One client call's native memory and notification, driven with the raw bindings: an
 * {@link RPC_ASYNC_STATE} initialised with RpcAsyncInitializeHandle, a notification chosen with
 * one of {@link #apc}, {@link #event}, {@link #ioc}, {@link #none} and published with
 * {@link AsyncHandle#publish}, and the reply buffer of RpcAsyncCompleteCall.
 *
 * <p>This object holds everything the runtime may use (the state, the routine, the reply) until
 * it is closed, which must happen only after the final RpcAsyncCompleteCall; close releases the
 * event or port it created.
 */
public final class RawClientCall implements AutoCloseable {

    private final Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();
    private final Kernel32 k32 = RpcRuntime.kernel32();
    /** The call's state; it stays at this address until the final completion. */
    public final RPC_ASYNC_STATE state = new RPC_ASYNC_STATE();
    /** The APC routine (used when {@link #apc} chose APC notification). */
    public final NotificationLog log;
    private final Memory reply = new Memory(4);
    private HANDLE event;
    private HANDLE port;
    private int finalStatus = Integer.MIN_VALUE;
    private final List<Object> kept = new ArrayList<>();

    /** @param failures where failures in the notification routine go */
    public RawClientCall(Failures failures) {
        log = new NotificationLog(failures);
        reply.setInt(0, 0xDEADBEEF);
        assertEquals(RpcErrors.RPC_S_OK, rpcrt4.RpcAsyncInitializeHandle(state, RPC_ASYNC_STATE.SIZE));
    }

    /** @return the state's address, for the fixture's client stubs */
    public Pointer p() {
        return state.getPointer();
    }

    /**
     * APC notification to the target's thread.
     *
     * @param target the thread the routine must run on
     * @param flags 0 or RPC_C_NOTIFY_ON_SEND_COMPLETE
     * @return this
     */
    public RawClientCall apc(ApcTarget target, int flags) {
        return apc(target.handle(), flags);
    }

    /**
     * APC notification to the thread of hThread.
     *
     * @param hThread a real thread handle
     * @param flags 0 or RPC_C_NOTIFY_ON_SEND_COMPLETE
     * @return this
     */
    public RawClientCall apc(HANDLE hThread, int flags) {
        state.Flags = flags;
        state.NotificationType = Rpcrt4.RpcNotificationTypeApc;
        RPC_ASYNC_NOTIFICATION_INFO.APC_INFO apc = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
        apc.NotificationRoutine = log;
        apc.hThread = hThread;
        state.u.APC = apc;
        register();
        return this;
    }

    /**
     * Event notification: an auto-reset event this call creates (and closes on close).
     *
     * @param flags 0 or RPC_C_NOTIFY_ON_SEND_COMPLETE
     * @return this
     */
    public RawClientCall event(int flags) {
        event = k32.CreateEvent(null, false, false, null);
        if (event == null) {
            throw new AssertionError("CreateEvent failed: error " + k32.GetLastError());
        }
        state.Flags = flags;
        state.NotificationType = Rpcrt4.RpcNotificationTypeEvent;
        state.u.hEvent = event;
        register();
        return this;
    }

    /**
     * I/O completion port notification: a port this call creates (and closes on close).
     *
     * @param bytes passed through as the completion's byte count
     * @param key passed through as the completion key
     * @param overlapped passed through as the overlapped pointer
     * @return this
     */
    public RawClientCall ioc(int bytes, long key, Pointer overlapped) {
        port = k32.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
        if (port == null) {
            throw new AssertionError("CreateIoCompletionPort failed: error " + k32.GetLastError());
        }
        state.Flags = 0;
        state.NotificationType = Rpcrt4.RpcNotificationTypeIoc;
        RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO ioc = new RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO();
        ioc.hIOPort = port;
        ioc.dwNumberOfBytesTransferred = bytes;
        ioc.dwCompletionKey = new ULONG_PTR(key);
        ioc.lpOverlapped = overlapped;
        state.u.IOC = ioc;
        register();
        return this;
    }

    /**
     * No notification: the caller polls RpcAsyncGetCallStatus.
     *
     * @param flags 0 or RPC_C_NOTIFY_ON_SEND_COMPLETE
     * @return this
     */
    public RawClientCall none(int flags) {
        state.Flags = flags;
        state.NotificationType = Rpcrt4.RpcNotificationTypeNone;
        register();
        return this;
    }

    private void register() {
        // A client state: its fields are published, and RpcAsyncRegisterInfo (a server's step)
        // is not called for it.
        AsyncHandle.publish(state);
    }

    /** @return the event of {@link #event}, or null */
    public HANDLE eventHandle() {
        return event;
    }

    /** @return the port of {@link #ioc}, or null */
    public HANDLE port() {
        return port;
    }

    /** @return RpcAsyncGetCallStatus */
    public int status() {
        return Rpcrt4Direct.RpcAsyncGetCallStatus(state.getPointer());
    }

    /**
     * Polls RpcAsyncGetCallStatus (in 1 ms sleeps) until it is no longer pending.
     *
     * @param timeoutMs the bound
     * @return the status
     */
    public int pollUntilDone(long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        int st;
        while ((st = status()) == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the call was still pending after " + timeoutMs + " ms");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return st;
    }

    /**
     * RpcAsyncCompleteCall; a result other than RPC_S_ASYNC_CALL_PENDING is final and is kept.
     *
     * @return its status
     */
    public int complete() {
        int st = Rpcrt4Direct.RpcAsyncCompleteCall(state.getPointer(), reply);
        if (st != RpcErrors.RPC_S_ASYNC_CALL_PENDING && finalStatus == Integer.MIN_VALUE) {
            finalStatus = st;
        }
        return st;
    }

    /** @return the reply RpcAsyncCompleteCall wrote (valid after it returned RPC_S_OK) */
    public int reply() {
        return reply.getInt(0);
    }

    /** @return the status of the final completion, or Integer.MIN_VALUE before it */
    public int finalStatus() {
        return finalStatus;
    }

    /**
     * Keeps memory the runtime may use (pipe structures, [out] parameters) reachable for as long
     * as this call object: until after its final completion.
     *
     * @param o the memory
     * @param <T> its type
     * @return o
     */
    public <T> T keep(T o) {
        kept.add(o);
        return o;
    }

    /**
     * Closes the event or port, if any. Call only after the final completion: if a call was
     * started and not completed (a test that failed half-way), it is cancelled abortively and
     * completed first, so that the runtime never writes into memory that is gone, and then this
     * throws.
     */
    @Override
    public void close() {
        AssertionError unfinished = null;
        if (finalStatus == Integer.MIN_VALUE) {
            int st = status();
            if (st != RpcErrors.RPC_S_INVALID_BINDING) { // a call was started on this state
                if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
                    Rpcrt4Direct.RpcAsyncCancelCall(state.getPointer(), true);
                    st = pollUntilDone(10_000);
                }
                int fin = complete();
                unfinished = new AssertionError("the test did not complete its call (status " + st
                        + "); cancelled and completed it: " + fin);
            }
        }
        Reference.reachabilityFence(kept);
        Reference.reachabilityFence(log);
        if (event != null) {
            k32.CloseHandle(event);
            event = null;
        }
        if (port != null) {
            k32.CloseHandle(port);
            port = null;
        }
        if (unfinished != null) {
            throw unfinished;
        }
    }
}
