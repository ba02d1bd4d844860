package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reading, writing, checking and freeing values of an {@link NdrType} in native memory, in the
 * C forms of the stub library's header. Writing and reading are deep: a pointer's target, a
 * string's characters, a conformant array's elements are blocks of their own.
 *
 * <p>{@code siblings} are the values a top-level conformant array's size_is and length_is read:
 * the operation's parameter values in IDL order, the binding handle included as null (null
 * where the type has no conformant array at its top; inside a struct the struct's own field
 * values are used).
 */
public final class NdrCodec {

    private NdrCodec() {
    }

    /**
     * Checks a value before any native memory is touched.
     *
     * @param type its type
     * @param value the value
     * @param what the value's name in messages ({@code "record"} gives {@code "record.values"},
     *        {@code "blob.labels[1]"})
     * @param siblings the values size_is / length_is of a top-level conformant array read, or null
     * @param <T> the Java type
     * @throws NullPointerException for a null where a {@code [ref]} pointer or a value (not a
     *         pointer) needs one
     * @throws IllegalArgumentException for an array shorter than its size_is or length_is, bounds
     *         that are negative or a length_is above the size_is, a fixed array of the wrong length,
     *         a string with an embedded NUL or a char its type cannot carry, a value of the wrong
     *         Java class
     */
    public static <T> void check(NdrType<T> type, T value, String what, Object[] siblings) {
        Objects.requireNonNull(type, "type");
        type.checkValue(value, Objects.requireNonNull(what, "what"), siblings);
    }

    /**
     * Writes a value at p+offset: {@code type.size()} bytes there (a conformant array: its
     * size_is elements, which the block must have room for; a struct ending with one: with them),
     * and every block it points to allocated with alloc, deep. The value is checked first (as
     * {@link #check}, named {@code "value"}), so nothing is written or allocated for a value the
     * type refuses.
     *
     * @param type its type
     * @param value the value
     * @param p the memory
     * @param offset where in it
     * @param siblings the values size_is / length_is of a top-level conformant array read, or null
     * @param alloc allocates the blocks the value points to
     * @param <T> the Java type
     */
    public static <T> void write(NdrType<T> type, T value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc) {
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(alloc, "alloc");
        check(type, value, "value", siblings);
        type.writeValue(value, p, offset, siblings, alloc);
    }

    /**
     * Reads the value at p+offset, deep (null for a null {@code [unique]} pointer or string).
     *
     * @param type its type
     * @param p the memory
     * @param offset where in it
     * @param siblings the values size_is / length_is of a top-level conformant array read
     *        (already read, for an {@code [out]} array sized by an {@code [out]} value), or null
     * @param <T> the Java type
     * @return the value
     */
    @SuppressWarnings("unchecked")
    public static <T> T read(NdrType<T> type, Pointer p, long offset, Object[] siblings) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(p, "p");
        return (T) type.readValue(p, offset, siblings);
    }

    /**
     * Frees, with free, every block the value at p+offset points to (deep, children first), not
     * the memory at p itself: what a client gives back to {@code I_Free} after reading
     * {@code [out]} data. Pointers are read as they are; null ones are skipped. A conformant
     * array's elements are freed up to its size_is (those past length_is are zeroed by the stub).
     *
     * @param type its type
     * @param p the memory
     * @param offset where in it
     * @param siblings the values size_is of a top-level conformant array reads, or null
     * @param free frees one block
     */
    public static void freePointees(NdrType<?> type, Pointer p, long offset, Object[] siblings, Consumer<Pointer> free) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(free, "free");
        type.freeValue(p, offset, siblings, free);
    }

    /**
     * The bytes a block holding a checked value needs: {@code type.size()}, or for a conformant
     * array its size_is elements (a struct ending with one: up to them, and at least its size).
     * For a conformant array the value may be null: the size comes from the siblings alone, which
     * sizes the block of an {@code [out]} array before the call.
     *
     * @param type its type
     * @param value the value, or null
     * @param siblings the values size_is / length_is of a top-level conformant array read, or null
     * @param <T> the Java type
     * @return the size in bytes
     */
    public static <T> long blockSize(NdrType<T> type, T value, Object[] siblings) {
        Objects.requireNonNull(type, "type");
        return value == null && !(type instanceof NdrArray) ? type.size() : type.blockSize(value, siblings);
    }
}
