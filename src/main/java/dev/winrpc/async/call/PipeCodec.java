package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import java.util.Objects;

/**
 * How the elements of an async pipe ({@code pipe T} in IDL) are laid out, and the Java type of a
 * chunk of them. Pipe functions count in elements; buffers are raw memory.
 *
 * <p><b>The element size must be the IDL's.</b> The runtime knows the pipe's element type from
 * the MIDL stub, not from the codec, and counts in elements: a {@link PipeReader} whose codec's
 * {@link #elementSize()} is smaller than the pipe's (say {@link #BYTES} on a {@code pipe int})
 * hands the runtime a buffer too small for the elements it asks for, and the runtime writes past
 * its end, corrupting the process's memory; a larger one sends or reads garbage. Nothing in
 * the runtime's pipe structure lets the library check this. Choose the codec from the IDL's
 * {@code pipe} declaration (the IDL compiler the library will provide chooses it for you).
 *
 * @param <T> a chunk of elements in Java, e.g. {@code int[]}
 */
public abstract class PipeCodec<T> {

    /** {@code pipe int} (or any 4-byte element): chunks are {@code int[]}. */
    public static final PipeCodec<int[]> INTS = new PipeCodec<>("int", 4) {
        @Override
        public int count(int[] chunk) {
            return chunk.length;
        }

        @Override
        public void encode(int[] chunk, Pointer buf) {
            buf.write(0, chunk, 0, chunk.length);
        }

        @Override
        public int[] decode(Pointer buf, int count) {
            return buf.getIntArray(0, count);
        }
    };

    /** {@code pipe byte} (or {@code char}, {@code small}): chunks are {@code byte[]}. */
    public static final PipeCodec<byte[]> BYTES = new PipeCodec<>("byte", 1) {
        @Override
        public int count(byte[] chunk) {
            return chunk.length;
        }

        @Override
        public void encode(byte[] chunk, Pointer buf) {
            buf.write(0, chunk, 0, chunk.length);
        }

        @Override
        public byte[] decode(Pointer buf, int count) {
            return buf.getByteArray(0, count);
        }
    };

    private final String name;
    private final int elementSize;

    /**
     * Creates a codec for elements of one fixed size.
     *
     * @param name the element type, for messages
     * @param elementSize the size of one element in bytes
     */
    protected PipeCodec(String name, int elementSize) {
        if (elementSize < 1) {
            throw new IllegalArgumentException("elementSize " + elementSize);
        }
        this.name = Objects.requireNonNull(name);
        this.elementSize = elementSize;
    }

    /** {@return the size of one element in bytes} */
    public final int elementSize() {
        return elementSize;
    }

    /**
     * Counts the elements of a chunk.
     *
     * @param chunk a chunk
     * @return the number of elements in it
     */
    public abstract int count(T chunk);

    /**
     * Writes a chunk into native memory of at least {@code count(chunk) * elementSize()} bytes.
     *
     * @param chunk the chunk
     * @param buf the memory
     */
    public abstract void encode(T chunk, Pointer buf);

    /**
     * Reads {@code count} elements from native memory into a new chunk.
     *
     * @param buf the memory
     * @param count the number of elements
     * @return the chunk
     */
    public abstract T decode(Pointer buf, int count);

    @Override
    public String toString() {
        return "pipe " + name;
    }
}
