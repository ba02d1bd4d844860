package dev.winrpc.async.call;

import com.sun.jna.Memory;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of native blocks to stream an async pipe without a copy: the application takes
 * a {@link PipeBlock}, fills it in place and sends it through a writer made by
 * {@link PipeWriter#zeroCopy(PipeCodec)}; the library hands the block to the runtime as it is
 * and gives it back to this pool only when the runtime has sent it (its RpcSendComplete), or
 * when the call has ended without pushing it. The number of blocks bounds the memory a stream
 * uses and is its back-pressure: {@link #acquire()} waits for a block to come back.
 *
 * <pre>{@code
 * try (PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 16384, 4)) {
 *     PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
 *     ClientCall<Integer> call = ClientCall.builder(dispatcher, Reply.INT).send(in)
 *             .start(ctx -> stub.Sum(ctx.pAsync(), binding, ctx.inPipe()));
 *     for (int next = 0; next < total; ) {
 *         PipeBlock b = pool.acquire();           // waits while all four are in flight
 *         int n = Math.min(b.capacity(), total - next);
 *         for (int i = 0; i < n; i++) {
 *             b.setInt(4L * i, next++);
 *         }
 *         in.send(b.count(n));                    // b is the library's until it has been sent
 *     }
 *     in.finish();
 *     call.result().join();
 * }
 * }</pre>
 *
 * <p>All blocks share one native allocation, freed by {@link #close()} once every block is back
 * in the pool (at once if they all are, else when the last one comes back): memory the runtime
 * may still read is never freed. A block of a call that failed with the block pushed and not
 * yet sent, and that could not finish with the runtime (its dispatcher closed first), never
 * comes back: the runtime may still read it. Methods may be called from any thread.
 */
public final class PipeBlocks implements AutoCloseable {

    private final int elementSize;
    private final int blockElements;
    private final Memory memory;
    private final PipeBlock[] all;
    // Guarded by this.
    private final ArrayDeque<PipeBlock> free = new ArrayDeque<>();
    private boolean closed;
    private boolean freed;
    private volatile Runnable onReturn;

    private PipeBlocks(int elementSize, int blockElements, int blocks) {
        if (elementSize < 1) {
            throw new IllegalArgumentException("elementSize " + elementSize + ": at least 1 byte");
        }
        if (blockElements < 1 || blockElements > PipeWriter.MAX_CHUNK_ELEMENTS) {
            throw new IllegalArgumentException("blockElements " + blockElements + ": 1 to "
                    + PipeWriter.MAX_CHUNK_ELEMENTS + " (one push carries at most that many)");
        }
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks " + blocks + ": at least 1");
        }
        long blockBytes = (long) elementSize * blockElements;
        if (blockBytes > Integer.MAX_VALUE || blockBytes * blocks > (1L << 40)) {
            throw new IllegalArgumentException(blocks + " blocks of " + blockElements + " elements of "
                    + elementSize + " bytes: too large");
        }
        this.elementSize = elementSize;
        this.blockElements = blockElements;
        this.memory = new Memory(blockBytes * blocks);
        this.all = new PipeBlock[blocks];
        for (int i = 0; i < blocks; i++) {
            all[i] = new PipeBlock(this, memory.share(i * blockBytes, blockBytes));
            free.add(all[i]);
        }
    }

    /**
     * Allocates a pool.
     *
     * @param elementSize the size of one pipe element in bytes: the IDL's (see {@link PipeCodec})
     * @param blockElements the capacity of each block, in elements (1 to
     *        {@link PipeWriter#MAX_CHUNK_ELEMENTS})
     * @param blocks how many blocks (at least 1)
     * @return the pool, all blocks free
     * @throws IllegalArgumentException if a size is out of range
     */
    public static PipeBlocks allocate(int elementSize, int blockElements, int blocks) {
        return new PipeBlocks(elementSize, blockElements, blocks);
    }

    /**
     * Allocates a pool for the elements of a codec, e.g. {@link PipeCodec#INTS}.
     *
     * @param layout the pipe's element layout (only its element size is used)
     * @param blockElements the capacity of each block, in elements
     * @param blocks how many blocks
     * @return the pool, all blocks free
     * @throws IllegalArgumentException if a size is out of range
     */
    public static PipeBlocks allocate(PipeCodec<?> layout, int blockElements, int blocks) {
        return new PipeBlocks(Objects.requireNonNull(layout, "layout").elementSize(), blockElements, blocks);
    }

    /** {@return the size of one element in bytes} */
    public int elementSize() {
        return elementSize;
    }

    /** {@return the capacity of each block, in elements} */
    public int blockElements() {
        return blockElements;
    }

    /** {@return how many blocks the pool has} */
    public int blocks() {
        return all.length;
    }

    /** {@return how many blocks are in the pool now (neither held by the application nor sent)} */
    public synchronized int available() {
        return free.size();
    }

    /**
     * Takes a free block, if there is one.
     *
     * @return a block the caller now holds (fill it, then send it or close it), or null if every
     *         block is held or in flight
     * @throws IllegalStateException if the pool was closed
     */
    public synchronized PipeBlock tryAcquire() {
        checkOpen();
        PipeBlock b = free.poll();
        if (b != null) {
            b.take();
        }
        return b;
    }

    /**
     * Takes a free block, waiting for one to come back if none is. Never call it on the call's
     * dispatcher thread: blocks come back on that thread, which would then wait for itself.
     *
     * @return a block the caller now holds
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the pool was closed (before or while waiting)
     */
    public synchronized PipeBlock acquire() throws InterruptedException {
        while (free.isEmpty()) {
            checkOpen();
            wait();
        }
        return tryAcquire();
    }

    /**
     * Takes a free block, waiting at most {@code timeout} for one to come back.
     *
     * @param timeout the longest wait
     * @param unit its unit
     * @return a block the caller now holds, or null if none came back in time
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the pool was closed (before or while waiting)
     */
    public synchronized PipeBlock acquire(long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        while (free.isEmpty()) {
            checkOpen();
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return tryAcquire();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the block pool was closed");
        }
    }

    /**
     * Sets what runs each time a block comes back to the pool: after the block is free again,
     * on the thread that gave it back, which for a sent block is the call's dispatcher thread,
     * right after the runtime's RpcSendComplete and before the send's future completes. A
     * sender that fills the next block there needs no future per block. Keep it short and
     * never wait in it; an exception it throws on a dispatcher thread fails that call (a client
     * cancels it, a server aborts it).
     *
     * @param action what to run, or null for nothing
     */
    public void onReturn(Runnable action) {
        onReturn = action;
    }

    /** A block comes home: from the application (closed unsent) or from the library (sent, or never pushed). */
    void giveBack(PipeBlock b) {
        synchronized (this) {
            free.add(b);
            if (closed) {
                freeIfAllHome();
                return;
            }
            notifyAll();
        }
        Runnable r = onReturn;
        if (r != null) {
            r.run();
        }
    }

    /** {@return true once {@link #close()} was called} */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Closes the pool: no block can be taken any more, and waiting takers fail. Its native
     * memory is freed now if every block is back, else when the last one comes back.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        freeIfAllHome();
    }

    private void freeIfAllHome() {
        if (!freed && free.size() == all.length) {
            freed = true;
            memory.close();
        }
    }

    @Override
    public synchronized String toString() {
        return "PipeBlocks[" + all.length + " x " + blockElements + " elements of " + elementSize + " bytes, "
                + free.size() + " free" + (closed ? ", closed" : "") + "]";
    }
}
