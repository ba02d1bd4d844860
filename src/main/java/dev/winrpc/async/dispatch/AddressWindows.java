package dev.winrpc.async.dispatch;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads 4-byte values at native addresses (an RPC_ASYNC_STATE's Event, per completion-port
 * notification) through {@link ByteBuffer} views of 1 GiB windows of the address space, made
 * once per window, so that a read is an intrinsic and allocates nothing: {@code Pointer.getInt}
 * is a JNI call, most of what a completion cost the dispatcher (docs/benchmarks.md), and a view
 * per call would cost every call an allocation for one read.
 *
 * <p>A view spans memory that is not all mapped; nothing reads it but {@link #getInt}, at the
 * address of a field the runtime may write, of a state pinned by its registration. Used by one
 * thread (the dispatcher's); a few windows are kept, the most recent first.
 */
final class AddressWindows {

    /** 1 GiB windows. */
    static final int SHIFT = 30;
    /** A view reaches this far past its window, so that a field that straddles the end is covered. */
    private static final int SLACK = 4096;
    /** The lowest base: a window is never anchored at NULL. */
    private static final long LOWEST = 1L << 16;
    private static final int KEPT = 4;

    private final long window;
    private final long[] bases = new long[KEPT];
    private final ByteBuffer[] views = new ByteBuffer[KEPT];

    AddressWindows() {
        this(SHIFT);
    }

    /** @param shift log2 of the window's size (small ones for tests) */
    AddressWindows(int shift) {
        this.window = 1L << shift;
        java.util.Arrays.fill(bases, -1);
    }

    /**
     * @param address a readable native address (not below 64 KiB)
     * @return the 4-byte value there, in the platform's order
     */
    int getInt(long address) {
        long base = Math.max(address & -window, LOWEST);
        if (bases[0] != base) {
            promote(base);
        }
        return views[0].getInt((int) (address - base));
    }

    private void promote(long base) {
        int i = 1;
        while (i < KEPT && bases[i] != base) {
            i++;
        }
        ByteBuffer v;
        if (i < KEPT) {
            v = views[i];
        } else {
            i = KEPT - 1; // the least recent makes room
            v = new Pointer(base).getByteBuffer(0, window + SLACK).order(ByteOrder.nativeOrder());
        }
        System.arraycopy(bases, 0, bases, 1, i);
        System.arraycopy(views, 0, views, 1, i);
        bases[0] = base;
        views[0] = v;
    }
}
