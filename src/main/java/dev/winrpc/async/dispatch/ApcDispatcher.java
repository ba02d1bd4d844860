package dev.winrpc.async.dispatch;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.Win32CallException;
import dev.winrpc.async.raw.Kernel32Direct;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.Rpcrt4;
import java.util.EnumSet;
import java.util.concurrent.ThreadFactory;

/**
 * Delivers notifications as APCs (RpcNotificationTypeApc), the way Microsoft's pipe pages do: the
 * runtime queues the notification routine to the dispatcher's thread, which loops in
 * {@code SleepEx(INFINITE, TRUE)} so that APCs run there, and only there.
 *
 * <p>The thread handle given to the runtime is a real handle, opened with
 * {@code OpenThread(THREAD_SET_CONTEXT | SYNCHRONIZE)} by the thread itself, never
 * {@code GetCurrentThread()}'s pseudo-handle (which would mean the runtime's own thread). Work
 * handed over with {@link #execute} wakes the thread through the same mechanism: an APC.
 *
 * <p>One notification routine serves every call of the dispatcher; it is held strongly for the
 * dispatcher's life (and for ever if a call outlives the dispatcher), so native code never calls
 * a collected callback. It finds the call by the address of its RPC_ASYNC_STATE. Where the
 * platform allows it (and unless the system property {@code winrpc.apcRecorder} is
 * {@code false}) the routine is not an upcall at all but a few instructions that record the
 * notification in native memory, delivered in Java when the wait returns ({@code ApcRecorder}):
 * still on this thread, in the runtime's order, with nothing allocated.
 *
 * <p>HotSpot's own waits (Object.wait, LockSupport.park) are not alertable, which is why the
 * dispatcher's thread waits in SleepEx and nowhere else; for the same reason a virtual thread
 * can never be the APC target, and is refused.
 */
public final class ApcDispatcher extends Dispatcher {

    private final Kernel32 kernel32;
    private volatile HANDLE threadHandle;

    /** The notification routine of every call of this dispatcher, held for its life. */
    private final ApcRoutine routine = ApcRoutine.create(this::onApc);
    /** The APC that wakes the thread: running it is enough to end the SleepEx. Direct mode. */
    private final Kernel32Ex.PAPCFUNC_DIRECT wakeApc = parameter -> { };

    /** Starts an APC dispatcher on a daemon thread of its own. */
    public ApcDispatcher() {
        this(null);
    }

    /**
     * Starts an APC dispatcher on a thread made by the factory.
     *
     * @param factory makes the dispatcher's thread; must make a platform thread
     * @throws IllegalArgumentException if the factory makes a virtual thread
     * @throws dev.winrpc.async.RpcRuntimeUnavailableException if there is no runtime here
     */
    public ApcDispatcher(ThreadFactory factory) {
        super("apc", factory, EnumSet.of(Capability.DISTINCT_EVENTS, Capability.SERVER_SUBSCRIPTIONS));
        this.kernel32 = RpcRuntime.kernel32();
        start();
    }

    /** {@return the real handle of the dispatcher's thread that calls are registered with} */
    public HANDLE threadHandle() {
        return threadHandle;
    }

    /** {@return the notification routine every registered state gets} */
    ApcRoutine routine() {
        return routine;
    }

    @Override
    void openOnThread() {
        int tid = kernel32.GetCurrentThreadId();
        HANDLE h = kernel32.OpenThread(WinNT.THREAD_SET_CONTEXT | WinNT.SYNCHRONIZE, false, tid);
        if (h == null || Pointer.nativeValue(h.getPointer()) == 0) {
            throw new Win32CallException("OpenThread", kernel32.GetLastError(),
                    "for the APC dispatcher's own thread (THREAD_SET_CONTEXT)");
        }
        threadHandle = h;
        routine.bindDirect(h);
        routine.record();
    }

    @Override
    void configure(Registration r) {
        RPC_ASYNC_STATE s = r.state;
        s.NotificationType = Rpcrt4.RpcNotificationTypeApc;
        RPC_ASYNC_NOTIFICATION_INFO.APC_INFO apc = s.u.APC; // the state's own, reused
        if (apc == null) {
            apc = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
            s.u.APC = apc;
        }
        apc.NotificationRoutine = routine;
        apc.hThread = threadHandle;
        s.u.setType("APC");
    }

    @Override
    void unconfigure(Registration r) {
        if (inDispatcherThread()) {
            routine.ended(r.stateAddress); // its records still in the recorder's ring are stale
        }
    }

    @Override
    int subscriptionTarget(Registration r, int event, RPC_ASYNC_NOTIFICATION_INFO info) {
        // The routine receives the event as its argument: nothing to tell apart.
        info.APC.NotificationRoutine = routine;
        info.APC.hThread = threadHandle;
        info.setType(RPC_ASYNC_NOTIFICATION_INFO.APC_INFO.class);
        return Rpcrt4.RpcNotificationTypeApc;
    }

    @Override
    void wakeThread() {
        if (Kernel32Direct.QueueUserAPC(wakeApc, threadHandle.getPointer(), null) == 0) {
            throw new Win32CallException("QueueUserAPC", kernel32.GetLastError(), "to wake " + this);
        }
    }

    @Override
    void waitOnce(int timeoutMillis) {
        Kernel32Direct.SleepEx(timeoutMillis, true);
        routine.drain(); // what the recorder routine wrote while the wait ran the APCs
    }

    @Override
    void drainQueued() {
        // Runs every APC already queued (notifications and wake-ups) and returns 0 when none is.
        while (Kernel32Direct.SleepEx(0, true) == Kernel32Ex.WAIT_IO_COMPLETION) {
            routine.drain();
            runTasks();
        }
    }

    @Override
    void releaseResources() {
        // The routine and wake APC stay referenced by this object, which every stale
        // registration references, so they outlive every call that could still use them.
        if (threadHandle != null) { // null if the thread never got ready
            kernel32.CloseHandle(threadHandle);
        }
    }

    /** The notification routine: runs as an APC on the dispatcher thread. Never throws. */
    private void onApc(long pAsync, int event) {
        try {
            if (!inDispatcherThread()) {
                report(new IllegalStateException(this + ": notification " + event + " ran on "
                        + Thread.currentThread().getName() + ", not on the dispatcher thread"));
            }
            deliver(pAsync, event);
        } catch (Throwable t) {
            report(t);
        }
    }
}
