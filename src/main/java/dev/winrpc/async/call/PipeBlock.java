package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A block of native memory from a {@link PipeBlocks} pool, filled in place by the application
 * and sent through a writer made by {@link PipeWriter#zeroCopy(PipeCodec)} without a copy.
 *
 * <p>A block is in one of three hands. <b>Free</b>: in its pool. <b>Held</b>: taken by
 * {@link PipeBlocks#acquire()} or {@link PipeBlocks#tryAcquire()}; only then may it be written
 * ({@code set*}, {@code write}) and given a {@link #count(int)}. <b>Sent</b>: given to
 * {@link PipeWriter#send}; the runtime reads it, so it may not be written, sent again or
 * closed, until the library gives it back to the pool (once its push has been sent, or when the
 * call ended without pushing it). Anything else throws {@link IllegalStateException}. A held
 * block the application decides not to send goes back with {@link #close()}, so that
 * try-with-resources never loses one: {@code close} after a send does nothing.
 *
 * <p>Offsets are in bytes from the start of the block, and bounded by its
 * {@linkplain #byteSize() size}; for a {@code pipe int}, element {@code i} is at {@code 4L * i};
 * for a pipe of structures of N bytes, field f of element i is at {@code N * i + offsetof(f)}.
 * Values are in the platform's byte order, as the runtime marshals them. A block is meant to be
 * filled by one thread at a time.
 */
public final class PipeBlock implements AutoCloseable {

    private static final int FREE = 0;
    private static final int HELD = 1;
    private static final int SENT = 2;

    private final PipeBlocks pool;
    final Pointer memory;
    private final long byteSize;
    /** The same memory for the single-value accessors: no native call per element. Never lent out. */
    private final ByteBuffer bytes;
    /** What the writer queues for this block: one, reused by each send. */
    final PipeWriter.Chunk chunk;
    private volatile int hand = FREE;
    private int count;

    PipeBlock(PipeBlocks pool, Pointer memory) {
        this.pool = pool;
        this.memory = memory;
        this.byteSize = (long) pool.elementSize() * pool.blockElements();
        this.bytes = memory.getByteBuffer(0, byteSize).order(ByteOrder.nativeOrder());
        this.chunk = new PipeWriter.Chunk(this);
    }

    /** {@return the size of one element in bytes} */
    public int elementSize() {
        return pool.elementSize();
    }

    /** {@return the most elements the block holds} */
    public int capacity() {
        return pool.blockElements();
    }

    /** {@return the block's size in bytes: capacity times element size} */
    public long byteSize() {
        return byteSize;
    }

    /** {@return the number of elements a send pushes: 0 until {@link #count(int)} is called} */
    public int count() {
        return count;
    }

    /**
     * Sets how many elements, from the start of the block, a send pushes.
     *
     * @param elements 1 to {@link #capacity()}
     * @return this block
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if the caller does not hold the block
     */
    public PipeBlock count(int elements) {
        checkHeld();
        if (elements < 1 || elements > capacity()) {
            throw new IllegalArgumentException("count " + elements + ": 1 to " + capacity()
                    + " elements (the end of the pipe is PipeWriter.finish())");
        }
        count = elements;
        return this;
    }

    /** {@return true while the application holds the block (taken, and not yet sent or closed)} */
    public boolean isHeld() {
        return hand == HELD;
    }

    /**
     * Writes a byte.
     *
     * @param offset the byte offset
     * @param value the value
     * @throws IllegalStateException if the caller does not hold the block
     * @throws IndexOutOfBoundsException if outside the block
     */
    public void setByte(long offset, byte value) {
        check(offset, 1);
        bytes.put((int) offset, value);
    }

    /**
     * Writes a 2-byte value.
     *
     * @param offset the byte offset
     * @param value the value
     * @throws IllegalStateException if the caller does not hold the block
     * @throws IndexOutOfBoundsException if outside the block
     */
    public void setShort(long offset, short value) {
        check(offset, 2);
        bytes.putShort((int) offset, value);
    }

    /**
     * Writes a 4-byte value.
     *
     * @param offset the byte offset
     * @param value the value
     * @throws IllegalStateException if the caller does not hold the block
     * @throws IndexOutOfBoundsException if outside the block
     */
    public void setInt(long offset, int value) {
        check(offset, 4);
        bytes.putInt((int) offset, value);
    }

    /**
     * Writes an 8-byte value.
     *
     * @param offset the byte offset
     * @param value the value
     * @throws IllegalStateException if the caller does not hold the block
     * @throws IndexOutOfBoundsException if outside the block
     */
    public void setLong(long offset, long value) {
        check(offset, 8);
        bytes.putLong((int) offset, value);
    }

    /**
     * Writes a {@code double}.
     *
     * @param offset the byte offset
     * @param value the value
     * @throws IllegalStateException if the caller does not hold the block
     * @throws IndexOutOfBoundsException if outside the block
     */
    public void setDouble(long offset, double value) {
        check(offset, 8);
        bytes.putDouble((int) offset, value);
    }

    /**
     * Copies bytes into the block.
     *
     * @param offset the byte offset in the block
     * @param src the bytes
     * @param from the first index in src
     * @param length how many
     * @throws IllegalStateException if the caller does not hold the block
     * @throws IndexOutOfBoundsException if outside the block or src
     */
    public void write(long offset, byte[] src, int from, int length) {
        Objects.checkFromIndexSize(from, length, src.length);
        check(offset, length);
        memory.write(offset, src, from, length);
    }

    /**
     * Copies ints into the block.
     *
     * @param offset the byte offset in the block
     * @param src the ints
     * @param from the first index in src
     * @param length how many ints
     * @throws IllegalStateException if the caller does not hold the block
     * @throws IndexOutOfBoundsException if outside the block or src
     */
    public void write(long offset, int[] src, int from, int length) {
        Objects.checkFromIndexSize(from, length, src.length);
        check(offset, 4L * length);
        memory.write(offset, src, from, length);
    }

    /**
     * Reads back a 4-byte value the application wrote.
     *
     * @param offset the byte offset
     * @return the value
     * @throws IllegalStateException if the caller does not hold the block
     * @throws IndexOutOfBoundsException if outside the block
     */
    public int getInt(long offset) {
        check(offset, 4);
        return bytes.getInt((int) offset);
    }

    /**
     * Reads back a byte the application wrote.
     *
     * @param offset the byte offset
     * @return the value
     * @throws IllegalStateException if the caller does not hold the block
     * @throws IndexOutOfBoundsException if outside the block
     */
    public byte getByte(long offset) {
        check(offset, 1);
        return bytes.get((int) offset);
    }

    /**
     * Gives a held block back to its pool unsent. Does nothing if the block was sent (the
     * library gives it back) or is already back.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (hand != HELD) {
                return;
            }
            hand = FREE;
            count = 0;
        }
        pool.giveBack(this);
    }

    private void check(long offset, long length) {
        checkHeld();
        if (offset < 0 || length < 0 || offset > byteSize - length) {
            throw new IndexOutOfBoundsException("bytes " + offset + " to " + (offset + length)
                    + " of a block of " + byteSize);
        }
    }

    private void checkHeld() {
        int h = hand;
        if (h != HELD) {
            throw new IllegalStateException(h == SENT
                    ? "the block was sent: the runtime reads it until its pool has it back"
                    : "the block is not held: take it from its pool first");
        }
    }

    // ---- the pool and the library ----------------------------------------------------------------

    /** Free to held (the pool's lock is held). */
    synchronized void take() {
        hand = HELD;
        count = 0;
    }

    /**
     * Held to sent, by a writer.
     *
     * @param elementSize the writer's element size
     * @return the number of elements to push
     */
    synchronized int markSent(int elementSize) {
        if (hand == SENT) {
            throw new IllegalStateException("the block was already sent: send it again only after "
                    + "it came back to its pool and was taken again");
        }
        checkHeld();
        if (elementSize != elementSize()) {
            throw new IllegalArgumentException("a block of " + elementSize() + "-byte elements on a pipe of "
                    + elementSize + "-byte elements");
        }
        if (count == 0) {
            throw new IllegalArgumentException("an empty block: set count(n) first (the end of the "
                    + "pipe is finish())");
        }
        hand = SENT;
        return count;
    }

    /** Sent to held: a send refused before anything native happened; the caller still holds it. */
    synchronized void unsend() {
        hand = HELD;
    }

    /** Sent to free: the runtime is done with the block (or never had it). */
    void sent() {
        synchronized (this) {
            if (hand != SENT) {
                return;
            }
            hand = FREE;
            count = 0;
        }
        pool.giveBack(this);
    }

    @Override
    public String toString() {
        int h = hand;
        return "PipeBlock[" + count + "/" + capacity() + " elements of " + elementSize() + " bytes, "
                + (h == FREE ? "free" : h == HELD ? "held" : "sent") + "]";
    }
}
