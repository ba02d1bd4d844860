package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A chunk of a received async pipe, lent in place: the buffer the runtime pulled into, read
 * without a copy, for the length of one callback of a reader made by
 * {@link PipeReader#lending(PipeCodec, int)}. When the callback returns the view dies: every
 * accessor then throws {@link IllegalStateException}, since the next pull overwrites the buffer.
 * Copy out what must outlive the callback ({@link #read(long, byte[], int, int)},
 * {@link #read(long, int[], int, int)}).
 *
 * <p>Offsets are in bytes from the start of the chunk and bounded by its
 * {@linkplain #byteSize() size}: for a {@code pipe int}, element {@code i} is at {@code 4L * i};
 * for a pipe of structures of N bytes, field f of element i is at {@code N * i + offsetof(f)}.
 * Values are in the platform's byte order.
 */
public final class PipeView {

    private final Pointer memory;
    /** The same memory, for the single-value accessors (no native call per element); never lent out. */
    private final ByteBuffer bytes;
    private final int elementSize;
    private final int count;
    private final long byteSize;
    private volatile boolean live = true;

    PipeView(Pointer memory, ByteBuffer bytes, int elementSize, int count) {
        this.memory = memory;
        this.bytes = bytes;
        this.elementSize = elementSize;
        this.count = count;
        this.byteSize = (long) elementSize * count;
    }

    /** {@return the size of one element in bytes} */
    public int elementSize() {
        return elementSize;
    }

    /** {@return the number of elements in the chunk (at least 1)} */
    public int count() {
        return count;
    }

    /** {@return the chunk's size in bytes: count times element size} */
    public long byteSize() {
        return byteSize;
    }

    /** {@return true during the callback the view was lent to, false after it} */
    public boolean isLive() {
        return live;
    }

    /**
     * Reads a byte.
     *
     * @param offset the byte offset
     * @return the value
     * @throws IllegalStateException after the callback returned
     * @throws IndexOutOfBoundsException if outside the chunk
     */
    public byte getByte(long offset) {
        check(offset, 1);
        return bytes.get((int) offset);
    }

    /**
     * Reads a 2-byte value.
     *
     * @param offset the byte offset
     * @return the value
     * @throws IllegalStateException after the callback returned
     * @throws IndexOutOfBoundsException if outside the chunk
     */
    public short getShort(long offset) {
        check(offset, 2);
        return bytes.getShort((int) offset);
    }

    /**
     * Reads a 4-byte value.
     *
     * @param offset the byte offset
     * @return the value
     * @throws IllegalStateException after the callback returned
     * @throws IndexOutOfBoundsException if outside the chunk
     */
    public int getInt(long offset) {
        check(offset, 4);
        return bytes.getInt((int) offset);
    }

    /**
     * Reads an 8-byte value.
     *
     * @param offset the byte offset
     * @return the value
     * @throws IllegalStateException after the callback returned
     * @throws IndexOutOfBoundsException if outside the chunk
     */
    public long getLong(long offset) {
        check(offset, 8);
        return bytes.getLong((int) offset);
    }

    /**
     * Reads a {@code double}.
     *
     * @param offset the byte offset
     * @return the value
     * @throws IllegalStateException after the callback returned
     * @throws IndexOutOfBoundsException if outside the chunk
     */
    public double getDouble(long offset) {
        check(offset, 8);
        return bytes.getDouble((int) offset);
    }

    /**
     * Copies bytes out of the chunk.
     *
     * @param offset the byte offset in the chunk
     * @param dst where to
     * @param from the first index in dst
     * @param length how many bytes
     * @throws IllegalStateException after the callback returned
     * @throws IndexOutOfBoundsException if outside the chunk or dst
     */
    public void read(long offset, byte[] dst, int from, int length) {
        Objects.checkFromIndexSize(from, length, dst.length);
        check(offset, length);
        memory.read(offset, dst, from, length);
    }

    /**
     * Copies ints out of the chunk.
     *
     * @param offset the byte offset in the chunk
     * @param dst where to
     * @param from the first index in dst
     * @param length how many ints
     * @throws IllegalStateException after the callback returned
     * @throws IndexOutOfBoundsException if outside the chunk or dst
     */
    public void read(long offset, int[] dst, int from, int length) {
        Objects.checkFromIndexSize(from, length, dst.length);
        check(offset, 4L * length);
        memory.read(offset, dst, from, length);
    }

    /** The callback returned: the buffer is the runtime's again. */
    void revoke() {
        live = false;
    }

    private void check(long offset, long length) {
        if (!live) {
            throw new IllegalStateException("a lent pipe view read after its callback returned: "
                    + "the buffer belongs to the next pull; copy what must outlive the callback");
        }
        if (offset < 0 || offset > byteSize - length) {
            throw new IndexOutOfBoundsException("bytes " + offset + " to " + (offset + length)
                    + " of a chunk of " + byteSize);
        }
    }

    @Override
    public String toString() {
        return "PipeView[" + count + " elements of " + elementSize + " bytes" + (live ? "" : ", revoked") + "]";
    }
}
