package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A fixed array (n elements inline) or a conformant one (size_is elements, length_is of them
 * meaningful, inline: a struct's last field, or the block a pointer or a parameter points to).
 */
final class NdrArray extends NdrType<Object> {

    /** The most bytes a conformant array may take: a Java array's bound. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private final NdrType<?> element;
    private final int fixed;
    private final ToLongFunction<Object[]> size;
    private final ToLongFunction<Object[]> length;
    private final boolean unique;

    NdrArray(NdrType<?> element, int fixed, ToLongFunction<Object[]> size, ToLongFunction<Object[]> length, boolean unique) {
        super(element + (size == null ? "[" + fixed + "]" : "[]"));
        if (size == null && fixed < 1) {
            throw new IllegalArgumentException("a fixed array has at least one element: " + fixed);
        }
        if (size == null && (long) fixed * element.size() > MAX_BYTES) {
            throw new IllegalArgumentException("a fixed array of " + fixed + " " + element + " is too large");
        }
        this.element = element;
        this.fixed = fixed;
        this.size = size;
        this.length = length;
        this.unique = unique;
    }

    private boolean conformant() {
        return size != null;
    }

    private NdrPrim<?> primitive() {
        return element instanceof NdrPrim<?> p ? p : null;
    }

    @Override
    long layoutSize() {
        return conformant() ? element.size() : fixed * element.size();
    }

    @Override
    int layoutAlignment() {
        return element.alignment();
    }

    @Override
    boolean hasPointers() {
        return element.hasPointers();
    }

    @Override
    boolean needsSiblings() {
        return conformant();
    }

    /** size_is and length_is of a conformant array, checked: {size, length}. */
    long[] bounds(Object[] siblings, String what) {
        if (siblings == null) {
            throw new IllegalArgumentException(what + ": a conformant array needs the values its size_is names");
        }
        long n;
        long len;
        try {
            n = size.applyAsLong(siblings);
            len = length == null ? n : length.applyAsLong(siblings);
        } catch (NullPointerException | ClassCastException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(what + ": its size_is or length_is cannot be computed from the values given ("
                    + e + ")", e);
        }
        if (n < 0 || len < 0 || len > n) {
            throw new IllegalArgumentException(what + ": size_is " + n + ", length_is " + len
                    + " (negative, or a length_is above the size_is: RPC_X_INVALID_BOUND)");
        }
        if (n * element.size() > MAX_BYTES) {
            throw new IllegalArgumentException(what + ": size_is " + n + " elements of " + element + " is too large");
        }
        return new long[] {n, len};
    }

    /** size_is alone, checked (the block of an [out] array, whose length_is the server sets). */
    long sizeIs(Object[] siblings, String what) {
        if (siblings == null) {
            throw new IllegalArgumentException(what + ": a conformant array needs the values its size_is names");
        }
        long n;
        try {
            n = size.applyAsLong(siblings);
        } catch (NullPointerException | ClassCastException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(what + ": its size_is cannot be computed from the values given (" + e + ")", e);
        }
        if (n < 0 || n * element.size() > MAX_BYTES) {
            throw new IllegalArgumentException(what + ": size_is " + n + " elements of " + element
                    + (n < 0 ? " (negative: RPC_X_INVALID_BOUND)" : " is too large"));
        }
        return n;
    }

    /**
     * Checks that an [in, out] array returned by a server has exactly as many elements as the
     * IDL transmits: a fixed array's N, a conformant array's length_is (its size_is without one);
     * then that the stub's copy, of capacity elements, holds its size_is (an [in, out] size_is
     * the server raised cannot: the copies on both sides were sized when the call started); then
     * its elements, as {@link #checkValue} does.
     *
     * @throws NullPointerException for a null array
     * @throws IllegalArgumentException for another count or an element its type cannot carry
     * @throws IllegalStateException if type is not an array's descriptor
     */
    static void checkTransmitted(NdrType<?> type, Object value, String what, Object[] siblings, long capacity) {
        if (!(type instanceof NdrArray a)) {
            throw new IllegalStateException(type + " is not an array descriptor");
        }
        if (value == null) {
            throw new NullPointerException(what + " is null where the IDL needs an array");
        }
        long want = a.conformant() ? a.bounds(siblings, what)[1] : a.fixed;
        int have = a.javaLength(value, what);
        if (have != want) {
            throw new IllegalArgumentException(what + " has " + have + " elements; the IDL transmits " + want
                    + (a.conformant() ? " (its length_is, or size_is)" : " (a fixed array)")
                    + ": a wrong size is refused, never truncated");
        }
        long size = a.conformant() ? a.bounds(siblings, what)[0] : a.fixed;
        if (size > capacity) {
            throw new IllegalArgumentException(what + ": its size_is is now " + size + ", but the copies of the array hold "
                    + capacity + " elements (its size_is when the call started): an [in, out] array cannot grow");
        }
        if (a.primitive() == null) {
            List<?> l = (List<?>) value;
            for (int i = 0; i < have; i++) {
                a.element.checkValue(l.get(i), what + "[" + i + "]", siblings);
            }
        }
    }

    /** {@return the elements the copy of an array sized by siblings holds: N, or its size_is} */
    static long capacity(NdrType<?> type, Object[] siblings, String what) {
        if (!(type instanceof NdrArray a)) {
            throw new IllegalStateException(type + " is not an array descriptor");
        }
        return a.conformant() ? a.sizeIs(siblings, what) : a.fixed;
    }

    private int javaLength(Object value, String what) {
        NdrPrim<?> p = primitive();
        if (p != null) {
            if (!p.kind.array.isInstance(value)) {
                throw new IllegalArgumentException(what + ": a " + value.getClass().getName() + " where a "
                        + p.kind.array.getSimpleName() + " is needed");
            }
            return NdrPrim.arrayLength(value);
        }
        if (!(value instanceof List<?> l)) {
            throw new IllegalArgumentException(what + ": a " + value.getClass().getName() + " where a List is needed");
        }
        return l.size();
    }

    @Override
    void checkValue(Object value, String what, Object[] siblings) {
        if (value == null) {
            if (conformant() && unique) {
                return;
            }
            throw new NullPointerException(what + ": null where the IDL needs an array");
        }
        int have = javaLength(value, what);
        long count;
        if (conformant()) {
            long[] b = bounds(siblings, what);
            if (have < b[0]) {
                throw new IllegalArgumentException(what + " has " + have + " elements, fewer than its size_is (" + b[0] + ")");
            }
            count = b[1];
        } else {
            if (have != fixed) {
                throw new IllegalArgumentException(what + " has " + have + " elements, the IDL fixes " + fixed);
            }
            count = fixed;
        }
        if (primitive() == null) {
            List<?> l = (List<?>) value;
            for (int i = 0; i < count; i++) {
                element.checkValue(l.get(i), what + "[" + i + "]", siblings);
            }
        }
    }

    @Override
    long blockSize(Object value, Object[] siblings) {
        return conformant() ? sizeIs(siblings, toString()) * element.size() : layoutSize();
    }

    @Override
    void writeValue(Object value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc) {
        if (value == null) {
            return;
        }
        long n = fixed;
        long count = fixed;
        if (conformant()) {
            long[] b = bounds(siblings, toString());
            n = b[0];
            count = b[1];
        }
        long es = element.size();
        NdrPrim<?> prim = primitive();
        if (prim != null) {
            prim.writeArray(value, (int) count, p, offset);
        } else {
            List<?> l = (List<?>) value;
            for (int i = 0; i < count; i++) {
                element.writeValue(l.get(i), p, offset + i * es, siblings, alloc);
            }
        }
        if (n > count) {
            p.setMemory(offset + count * es, (n - count) * es, (byte) 0);
        }
    }

    @Override
    Object readValue(Pointer p, long offset, Object[] siblings) {
        int count = conformant() ? (int) bounds(siblings, toString())[1] : fixed;
        NdrPrim<?> prim = primitive();
        if (prim != null) {
            return prim.readArray(p, offset, count);
        }
        List<Object> out = new ArrayList<>(count);
        long es = element.size();
        for (int i = 0; i < count; i++) {
            out.add(element.readValue(p, offset + i * es, siblings));
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    void freeValue(Pointer p, long offset, Object[] siblings, Consumer<Pointer> free) {
        if (!element.hasPointers()) {
            return;
        }
        // all size_is elements, as the simulator frees them: those past length_is are zeroed
        long n = conformant() ? sizeIs(siblings, toString()) : fixed;
        long es = element.size();
        for (long i = 0; i < n; i++) {
            element.freeValue(p, offset + i * es, siblings, free);
        }
    }
}
