package dev.winrpc.async.dispatch;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.Win32CallException;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.Rpcrt4;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

/**
 * Delivers notifications through event handles (RpcNotificationTypeEvent): each registered
 * call gets an auto-reset event of its own, which the runtime signals; the dispatcher's thread
 * waits on all of them with WaitForMultipleObjectsEx.
 *
 * <p>Windows waits on at most 64 handles at once, one of which is the dispatcher's own
 * wake-up event, so an event dispatcher serves at most {@value #MAX_CALLS} calls at a time
 * (registering more throws). An event carries no event type and signals collapse: the event
 * passed to {@link NotificationTarget#onNotification} is the state's Event field as read when
 * the wait returns, and two notifications in quick succession may arrive as one. Use it for
 * plain calls, or when a call's handler re-checks its status; the APC and completion-port
 * dispatchers deliver every notification.
 */
public final class EventDispatcher extends Dispatcher {

    /** The most calls one event dispatcher serves at a time (MAXIMUM_WAIT_OBJECTS - 1). */
    public static final int MAX_CALLS = 63;

    private static final int EVENT_OFFSET = RPC_ASYNC_STATE.EVENT_OFFSET;

    private final Kernel32 kernel32;
    private final Kernel32Ex kernel32Ex;
    private final HANDLE wakeEvent;
    /** The calls and their events, in wait order after the wake event; changed under its own lock. */
    private final Map<Registration, HANDLE> calls = new LinkedHashMap<>();
    private volatile boolean callsChanged = true;
    /** Events of unregistered calls, closed by the dispatcher thread once it is out of its wait. */
    private final List<HANDLE> toClose = new ArrayList<>();
    private HANDLE[] waitHandles;
    private Registration[] waitCalls;

    /** Starts an event dispatcher on a daemon thread of its own. */
    public EventDispatcher() {
        this(null);
    }

    /**
     * Starts an event dispatcher on a thread {@code factory} makes.
     *
     * @param factory makes the dispatcher's thread, or null for a daemon thread of its own
     */
    public EventDispatcher(ThreadFactory factory) {
        super("event", factory, EnumSet.noneOf(Capability.class));
        this.kernel32 = RpcRuntime.kernel32();
        this.kernel32Ex = RpcRuntime.kernel32Ex();
        this.wakeEvent = createEvent();
        start();
    }

    private HANDLE createEvent() {
        HANDLE h = kernel32.CreateEvent(null, false, false, null);
        if (h == null || Pointer.nativeValue(h.getPointer()) == 0) {
            throw new Win32CallException("CreateEvent", kernel32.GetLastError(), null);
        }
        return h;
    }

    @Override
    void openOnThread() {
    }

    @Override
    void configure(Registration r) {
        synchronized (calls) {
            if (calls.size() >= MAX_CALLS) {
                throw new IllegalStateException(this + " already serves " + MAX_CALLS
                        + " calls, the most one WaitForMultipleObjects can wait for");
            }
            HANDLE event = createEvent();
            RPC_ASYNC_STATE s = r.state;
            s.NotificationType = Rpcrt4.RpcNotificationTypeEvent;
            s.u.hEvent = event;
            s.u.setType("hEvent");
            calls.put(r, event);
            callsChanged = true;
        }
    }

    @Override
    void registered(Registration r) {
        wakeup(); // wait on the new event from now on
    }

    @Override
    void unconfigure(Registration r) {
        HANDLE event;
        synchronized (calls) {
            event = calls.remove(r);
            callsChanged = true;
        }
        if (event != null) {
            // The runtime is done with the state (the registration is closed only then), so
            // nothing signals the event any more; but the dispatcher thread may be waiting on
            // it, and closing a handle under a wait is undefined: the thread closes it.
            if (inDispatcherThread()) {
                kernel32.CloseHandle(event);
            } else {
                synchronized (calls) {
                    toClose.add(event); // callsChanged is already set: see waitAndDeliver
                }
                wakeup();
            }
        }
    }

    /** Closes the events of unregistered calls; call under no lock, after {@link #takeClosable}. */
    private void close(List<HANDLE> events) {
        for (HANDLE h : events) {
            kernel32.CloseHandle(h);
        }
    }

    /** Under the lock: the events to close now. */
    private List<HANDLE> takeClosable() {
        if (toClose.isEmpty()) {
            return List.of();
        }
        List<HANDLE> events = new ArrayList<>(toClose);
        toClose.clear();
        return events;
    }

    @Override
    void wakeThread() {
        if (!kernel32.SetEvent(wakeEvent)) {
            throw new Win32CallException("SetEvent", kernel32.GetLastError(), "to wake " + this);
        }
    }

    private void snapshot() {
        callsChanged = false;
        waitCalls = calls.keySet().toArray(new Registration[0]);
        waitHandles = new HANDLE[waitCalls.length + 1];
        waitHandles[0] = wakeEvent;
        for (int i = 0; i < waitCalls.length; i++) {
            waitHandles[i + 1] = calls.get(waitCalls[i]);
        }
    }

    @Override
    void waitOnce(int timeoutMillis) {
        waitAndDeliver(timeoutMillis);
    }

    private boolean waitAndDeliver(int timeout) {
        List<HANDLE> closable;
        synchronized (calls) {
            if (callsChanged || waitHandles == null) {
                snapshot();
            }
            // Every event queued for closing was removed from the calls before it was queued,
            // with callsChanged set, so the snapshot just taken no longer holds it.
            closable = takeClosable();
        }
        close(closable);
        int r = kernel32Ex.WaitForMultipleObjectsEx(waitHandles.length, waitHandles, false, timeout, false);
        if (r == WinBase.WAIT_FAILED) {
            throw new Win32CallException("WaitForMultipleObjectsEx", kernel32.GetLastError(), "in " + this);
        }
        int i = r - WinBase.WAIT_OBJECT_0;
        if (i <= 0 || i >= waitHandles.length) {
            return false; // the wake-up event, or a timeout
        }
        Registration call = waitCalls[i - 1];
        if (!call.isClosed()) {
            deliver(call, call.statePointer.getInt(EVENT_OFFSET));
        }
        return true;
    }

    @Override
    void drainQueued() {
        while (waitAndDeliver(0)) {
            runTasks();
        }
    }

    @Override
    void releaseResources() {
        List<HANDLE> closable;
        synchronized (calls) {
            closable = takeClosable();
        }
        close(closable);
        kernel32.CloseHandle(wakeEvent);
    }
}
