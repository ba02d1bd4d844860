package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The return value of an {@code [async]} operation: how many bytes its buffer takes, how to read
 * it (client: from the buffer RpcAsyncCompleteCall filled) and how to write it (server: into the
 * buffer RpcAsyncCompleteCall sends).
 *
 * @param <R> the Java type of the reply
 */
public final class Reply<R> {

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
     * @param size its size in bytes (at least 1)
     * @param reader reads it from a buffer of {@code size} bytes
     * @param writer writes it into a buffer of {@code size} bytes
     * @param <R> its Java type
     * @return the reply type
     */
    public static <R> Reply<R> of(String name, int size, Function<Pointer, R> reader,
            BiConsumer<Pointer, R> writer) {
        if (size < 1) {
            throw new IllegalArgumentException("a reply takes at least one byte, not " + size);
        }
        return new Reply<>(Objects.requireNonNull(name), size, Objects.requireNonNull(reader),
                Objects.requireNonNull(writer));
    }

    /** @return its size in bytes */
    public int size() {
        return size;
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
