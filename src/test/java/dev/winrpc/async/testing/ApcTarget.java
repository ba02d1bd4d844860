package dev.winrpc.async.testing;

import dev.winrpc.async.raw.Kernel32Direct;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.Kernel32Ex;
import java.util.function.BooleanSupplier;

/**
 * The calling thread as an APC target: a real handle to it, opened by the thread itself with
 * {@code OpenThread(THREAD_SET_CONTEXT | SYNCHRONIZE, FALSE, GetCurrentThreadId())} (never
 * GetCurrentThread()'s pseudo-handle), and the alertable waits that let APCs run on it.
 *
 * <p>Waits, drains and {@link #close()} must run on the owning thread: APCs run only on the
 * thread they were queued to, and only while it waits alertably. {@link #close()} runs the APCs
 * still queued (so that the simulator's queued-APC counter is back to zero) and closes the handle.
 */
public final class ApcTarget implements AutoCloseable {

    /** THREAD_SET_CONTEXT: needed to queue an APC to a thread. */
    public static final int THREAD_SET_CONTEXT = 0x0010;
    /** SYNCHRONIZE: needed to wait on a thread. */
    public static final int SYNCHRONIZE = 0x00100000;
    /** The slice of an alertable wait between two checks of a condition set by another thread. */
    private static final int SLICE_MS = 5;

    private final Kernel32 k32 = RpcRuntime.kernel32();
    private final Kernel32Ex k32x = RpcRuntime.kernel32Ex();
    private final Thread owner = Thread.currentThread();
    private final int threadId;
    private final HANDLE handle;
    private boolean closed;

    private ApcTarget(int access) {
        threadId = k32.GetCurrentThreadId();
        handle = k32.OpenThread(access, false, threadId);
        if (handle == null || Pointer.nativeValue(handle.getPointer()) == 0) {
            throw new AssertionError("OpenThread(0x" + Integer.toHexString(access) + ", "
                    + threadId + ") failed: error " + k32.GetLastError());
        }
    }

    /** @return the calling thread as an APC target (THREAD_SET_CONTEXT | SYNCHRONIZE) */
    public static ApcTarget forCurrentThread() {
        return new ApcTarget(THREAD_SET_CONTEXT | SYNCHRONIZE);
    }

    /** @return the real handle (THREAD_SET_CONTEXT | SYNCHRONIZE) to the owning thread */
    public HANDLE handle() {
        return handle;
    }

    /** @return the owning Java thread */
    public Thread thread() {
        return owner;
    }

    /** @return the owning thread's id, as GetCurrentThreadId() returned it there */
    public int threadId() {
        return threadId;
    }

    /**
     * Waits alertably ({@code SleepEx(slice, TRUE)}) until the condition holds: the APCs queued
     * to this thread run inside the wait. Returns false if it still does not hold after
     * timeoutMs.
     *
     * @param condition checked before each slice
     * @param timeoutMs the bound
     * @return whether the condition holds
     */
    public boolean awaitAlertably(BooleanSupplier condition, long timeoutMs) {
        requireOwner();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return condition.getAsBoolean();
            }
            Kernel32Direct.SleepEx((int) Math.min(left, SLICE_MS), true);
        }
        return true;
    }

    /**
     * Runs every APC already queued to this thread.
     *
     * @return how many alertable waits returned WAIT_IO_COMPLETION
     */
    public int drain() {
        requireOwner();
        int n = 0;
        while (Kernel32Direct.SleepEx(0, true) == Kernel32Ex.WAIT_IO_COMPLETION) {
            n++;
        }
        return n;
    }

    /**
     * Runs the APCs still queued to this thread and closes the handle. On another thread than
     * the owner it only closes the handle (the owner's exit discards what is still queued).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() == owner) {
            drain();
        }
        if (!k32.CloseHandle(handle)) {
            throw new AssertionError("CloseHandle(" + handle + ") failed: error " + k32.GetLastError());
        }
    }

    private void requireOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("an alertable wait for " + owner.getName()
                    + "'s APCs called on " + Thread.currentThread().getName());
        }
    }
}
