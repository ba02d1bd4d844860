package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The return value of an {@code [async]} operation: how many bytes it takes, how to read it
 * (client: from the buffer RpcAsyncCompleteCall filled) and how to write it (server: into the
 * buffer RpcAsyncCompleteCall sends).
 *
 * <p>The buffer a call hands RpcAsyncCompleteCall is at least {@link #MIN_BUFFER} bytes, whatever
 * the reply's size: the runtime's NDR engine moves the return value as a {@code LONG_PTR}
 * ({@code CLIENT_CALL_RETURN}) on its way in and out (Wine's {@code NdrpCompleteAsyncServerCall}
 * reads {@code *(LONG_PTR *)Reply}), so a 4-byte buffer for an {@code int} would be read or
 * written past its end on 64-bit Windows.
 *
 * @param <R> the Java type of the reply
 */
public final class Reply<R> {

    /** The least size of the buffer a call hands RpcAsyncCompleteCall: a LONG_PTR, or a double. */
    public static final int MIN_BUFFER = 8;

    /** The largest reply the library accepts (an [async] routine returns a value, not a bulk of data). */
    public static final int MAX_SIZE = 64 * 1024;

    /** An {@code int} (or {@code long}, {@code RPC_STATUS}, ... any 4-byte) return value. */
    public static final Reply<Integer> INT = new Reply<>("int", 4, p -> p.getInt(0),
            (p, v) -> p.setInt(0, v));

    /**
     * A {@code void} operation. RpcAsyncCompleteCall still gets a buffer (some runtimes write
     * through a non-NULL Reply even for void), which is never read.
     */
    public static final Reply<Void> VOID = new Reply<>("void", 8, p -> null, (p, v) -> { });

    private final String name;
    private final int size;
    private final Function<Pointer, R> reader;
    private final BiConsumer<Pointer, R> writer;

    private Reply(String name, int size, Function<Pointer, R> reader, BiConsumer<Pointer, R> writer) {
        this.name = name;
        this.size = size;
        this.reader = reader;
        this.writer = writer;
    }

    /**
     * A reply of another type.
     *
     * @param name for messages
     * @param size its size in bytes, 1 to {@link #MAX_SIZE}
     * @param reader reads it from a buffer of {@code size} bytes
     * @param writer writes it into a buffer of {@code size} bytes
     * @param <R> its Java type
     * @return the reply type
     */
    public static <R> Reply<R> of(String name, int size, Function<Pointer, R> reader,
            BiConsumer<Pointer, R> writer) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("a reply takes 1 to " + MAX_SIZE + " bytes, not " + size
                    + (size > MAX_SIZE ? ": an [async] routine returns a value; bulk data goes through a pipe" : ""));
        }
        return new Reply<>(Objects.requireNonNull(name), size, Objects.requireNonNull(reader),
                Objects.requireNonNull(writer));
    }

    /** {@return its size in bytes} */
    public int size() {
        return size;
    }

    /** @return the size of the buffer a call hands RpcAsyncCompleteCall: at least {@link #MIN_BUFFER} */
    int bufferSize() {
        return Math.max(size, MIN_BUFFER);
    }

    R read(Pointer p) {
        return reader.apply(p);
    }

    void write(Pointer p, R value) {
        writer.accept(p, value);
    }

    @Override
    public String toString() {
        return name;
    }
}
