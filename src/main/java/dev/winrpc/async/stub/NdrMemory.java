package dev.winrpc.async.stub;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The native memory of one call's {@code [in]} data and {@code [out]} targets: every block
 * stays allocated, zeroed at first and unmoved until {@link #close()} (the generated client
 * closes it once the call has ended: the stub reads {@code [in]} data when the call starts and
 * writes {@code [out]} data during the client's final {@code RpcAsyncCompleteCall}, so nothing
 * may be freed before). Thread-safe.
 */
public final class NdrMemory implements NdrAllocator, AutoCloseable {

    private final List<Memory> blocks = new ArrayList<>();
    private boolean closed;

    /** Creates an empty set of blocks. */
    public NdrMemory() {
    }

    /**
     * Allocates a zeroed block that lives until {@link #close()}.
     *
     * @param size its size in bytes (0 gives a 1-byte block)
     * @return its address
     * @throws IllegalArgumentException for a negative size
     * @throws IllegalStateException once closed
     */
    @Override
    public synchronized Pointer allocate(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("a negative size: " + size);
        }
        if (closed) {
            throw new IllegalStateException("this NdrMemory is closed");
        }
        Memory m = new Memory(Math.max(size, 1));
        m.clear();
        blocks.add(m);
        return m;
    }

    /**
     * Checks a value, then allocates a block for it and writes it there ({@link NdrCodec#write}),
     * its pointees allocated here too. Nothing is allocated for a value the type refuses. The
     * block is {@link NdrCodec#blockSize} bytes: {@code type.size()}, or a conformant array's
     * size_is elements. What the block holds is the C form of the value: for a string or a pointer
     * type, the pointer ({@code write(...).getPointer(0)} is the {@code char *} a stub takes for
     * a {@code [string]} parameter); for a conformant array, its elements.
     *
     * @param type the value's type
     * @param value the value
     * @param siblings the values size_is / length_is of a top-level conformant array read, or null
     * @param <T> the Java type
     * @return the block's address; null for a null {@code [unique]} conformant array (the stub
     *         takes a null pointer for it)
     * @throws NullPointerException as {@link NdrCodec#check}
     * @throws IllegalArgumentException as {@link NdrCodec#check}
     * @throws IllegalStateException once closed
     */
    public <T> Pointer write(NdrType<T> type, T value, Object[] siblings) {
        Objects.requireNonNull(type, "type");
        NdrCodec.check(type, value, "value", siblings);
        if (value == null && type instanceof NdrArray) {
            return null;
        }
        Pointer p = allocate(NdrCodec.blockSize(type, value, siblings));
        type.writeValue(value, p, 0, siblings, this);
        return p;
    }

    /**
     * Allocates the zeroed block of an {@code [out]} target: {@code type.size()} bytes, or for a
     * conformant array its size_is elements, computed from the siblings (the stub writes
     * {@code [out]} data into it during the client's final {@code RpcAsyncCompleteCall}).
     *
     * @param type the target's type
     * @param siblings the values size_is of a conformant array reads, or null
     * @return the block's address
     * @throws IllegalArgumentException for bounds that cannot be computed, are negative, or too large
     * @throws IllegalStateException once closed
     */
    public Pointer target(NdrType<?> type, Object[] siblings) {
        Objects.requireNonNull(type, "type");
        return allocate(type instanceof NdrArray a ? a.blockSize(null, siblings) : type.size());
    }

    /** {@return the number of blocks allocated and not yet released} */
    public synchronized int blocks() {
        return blocks.size();
    }

    /** Frees every block; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Memory m : blocks) {
            m.close();
        }
        blocks.clear();
    }
}
