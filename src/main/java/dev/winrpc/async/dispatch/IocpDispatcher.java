package dev.winrpc.async.dispatch;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * Delivers notifications through an I/O completion port (RpcNotificationTypeIoc), drained in
 * batches with GetQueuedCompletionStatusEx by the dispatcher's own thread.
 *
 * <p>Each registered call's completion key is the address of its RPC_ASYNC_STATE, so a
 * completion finds its call without allocating; key 0 is the dispatcher's own wake-up. The
 * event is read from the state's Event field, which the runtime writes before it posts: when
 * two notifications for one call follow each other closely the later value may be read for
 * both (a property of completion-port notification, not of this class), so a call's handler
 * treats an event as "something happened" and checks its call's status. That is enough for a
 * plain call, which is notified once; the safe layer refuses calls with async pipes here (they
 * need APC, see {@code dev.winrpc.async.call.ClientCall}). A server subscription's
 * notification ({@link #subscribe}) is told apart by its byte count, which is its event.
 */
public final class IocpDispatcher extends Dispatcher {

    /** Completions removed per GetQueuedCompletionStatusEx call. */
    public static final int DEFAULT_BATCH = 64;

    private static final int EVENT_OFFSET = RPC_ASYNC_STATE.EVENT_OFFSET;
    /** {@code offsetof(OVERLAPPED_ENTRY, dwNumberOfBytesTransferred)}. */
    private static final int BYTES_OFFSET = 3 * Native.POINTER_SIZE;

    private final Kernel32 kernel32;
    private final HANDLE port;
    private final Pointer portAddress;
    private final int batch;
    private final Memory entries;
    private final Memory removed = new Memory(4);
    /**
     * Views of {@link #entries} and {@link #removed}, made once: their reads are intrinsics
     * where {@code Memory.getLong} is a JNI call (docs/benchmarks.md, "Completion port").
     */
    private final ByteBuffer entryView;
    private final ByteBuffer removedView;
    /** The states' Event fields, read without JNI (the dispatcher thread's). */
    private final AddressWindows states = new AddressWindows();

    /** Starts a completion-port dispatcher on a daemon thread of its own. */
    public IocpDispatcher() {
        this(null, DEFAULT_BATCH);
    }

    /**
     * Starts a completion-port dispatcher on a thread {@code factory} makes.
     *
     * @param factory makes the dispatcher's thread, or null for a daemon thread of its own
     * @param batch completions removed per call, 1 to 4096
     */
    public IocpDispatcher(ThreadFactory factory, int batch) {
        super("iocp", factory, EnumSet.of(Capability.SERVER_SUBSCRIPTIONS));
        if (batch < 1 || batch > 4096) {
            throw new IllegalArgumentException("batch " + batch + " is not in 1..4096");
        }
        this.kernel32 = RpcRuntime.kernel32();
        this.batch = batch;
        this.entries = new Memory((long) batch * Kernel32Ex.OVERLAPPED_ENTRY.SIZE);
        this.entryView = entries.getByteBuffer(0, entries.size()).order(ByteOrder.nativeOrder());
        this.removedView = removed.getByteBuffer(0, 4).order(ByteOrder.nativeOrder());
        HANDLE p = kernel32.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
        if (p == null || Pointer.nativeValue(p.getPointer()) == 0) {
            throw new Win32CallException("CreateIoCompletionPort", kernel32.GetLastError(), null);
        }
        this.port = p;
        this.portAddress = p.getPointer();
        start();
    }

    /** {@return the completion port calls are registered with} */
    public HANDLE port() {
        return port;
    }

    @Override
    void openOnThread() {
    }

    @Override
    void configure(Registration r) {
        RPC_ASYNC_STATE s = r.state;
        s.NotificationType = Rpcrt4.RpcNotificationTypeIoc;
        RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO ioc = s.u.IOC; // the state's own, reused
        if (ioc == null) {
            ioc = new RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO();
            s.u.IOC = ioc;
        }
        ioc.hIOPort = port;
        ioc.dwNumberOfBytesTransferred = 0;
        if (ioc.dwCompletionKey == null || ioc.dwCompletionKey.longValue() != r.stateAddress) {
            ioc.dwCompletionKey = new ULONG_PTR(r.stateAddress);
        }
        ioc.lpOverlapped = null;
        s.u.setType("IOC");
    }

    @Override
    int subscriptionTarget(Registration r, int event, RPC_ASYNC_NOTIFICATION_INFO info) {
        // Same key as the call's own notifications; the byte count (0 for those) carries the
        // event, since the runtime need not write the state's Event field for a subscription.
        info.IOC.hIOPort = port;
        info.IOC.dwNumberOfBytesTransferred = event;
        info.IOC.dwCompletionKey = new ULONG_PTR(r.stateAddress);
        info.IOC.lpOverlapped = null;
        info.setType(RPC_ASYNC_NOTIFICATION_INFO.IOC_INFO.class);
        return Rpcrt4.RpcNotificationTypeIoc;
    }

    @Override
    void wakeThread() {
        if (!kernel32.PostQueuedCompletionStatus(port, 0, null, null)) {
            throw new Win32CallException("PostQueuedCompletionStatus", kernel32.GetLastError(), "to wake " + this);
        }
    }

    @Override
    void waitOnce(int timeoutMillis) {
        drain(timeoutMillis);
    }

    /** @return the number of completions removed */
    private int drain(int timeout) {
        if (!Kernel32Direct.GetQueuedCompletionStatusEx(portAddress, entries, batch, removed, timeout,
                false)) {
            return 0;
        }
        int n = removedView.getInt(0);
        boolean ptr32 = Native.POINTER_SIZE == 4;
        ByteBuffer view = entryView;
        for (int i = 0; i < n; i++) {
            int base = i * Kernel32Ex.OVERLAPPED_ENTRY.SIZE;
            long key = ptr32 ? view.getInt(base) & 0xFFFFFFFFL : view.getLong(base);
            if (key == 0) {
                continue; // a wake-up: the loop runs the tasks next
            }
            // A subscription's notification carries its event in the byte count (see
            // subscriptionTarget); the call's own carry 0 and the event is in the state.
            int bytes = view.getInt(base + BYTES_OFFSET);
            Registration r = registry.get(key);
            if (r == null) {
                deliver(key, bytes != 0 ? bytes : -1);
            } else {
                deliver(r, bytes != 0 ? bytes : states.getInt(r.stateAddress + EVENT_OFFSET));
            }
        }
        return n;
    }

    @Override
    void drainQueued() {
        while (drain(0) > 0) {
            runTasks();
        }
    }

    @Override
    void releaseResources() {
        kernel32.CloseHandle(port);
    }
}
