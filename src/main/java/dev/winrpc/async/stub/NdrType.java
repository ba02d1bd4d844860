package dev.winrpc.async.stub;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * A C type of the stub library's contract (docs/idl.md, "The stub library") and its Java value
 * type. The layout (size, alignment, field offsets) is computed once, for this process: 4- or
 * 8-byte pointers ({@link Native#POINTER_SIZE}), natural alignment capped at 8 (MIDL's
 * {@code /Zp8}: an 8-byte member is 8-aligned on 32-bit x86 too), as the generated header
 * {@code I_winrpc.h} declares the types.
 *
 * <p>The Java value types are the ones the IDL compiler's generated types use: integers in the
 * Java type of their width (unsigned ones in the signed type), {@code wchar_t} as
 * {@link Character}, {@code boolean} as {@link Boolean}, {@code GUID} as {@link UUID}, strings
 * as {@link String}, arrays of primitives as Java primitive arrays ({@code byte[]},
 * {@code short[]}, {@code char[]}, {@code int[]}, {@code long[]}, {@code float[]},
 * {@code double[]}, {@code boolean[]}), other arrays as {@link List}, a pointer as its
 * target's value (null for a null {@code [unique]} pointer), a struct as its record. Values are
 * read, written, checked and freed with {@link NdrCodec}.
 *
 * <p>Instances are immutable and thread-safe; this class cannot be extended outside its package.
 *
 * @param <T> the Java type of a value
 */
public abstract class NdrType<T> {

    /** {@code int8_t}: IDL {@code small}. */
    public static final NdrType<Byte> INT8 = new NdrPrim<>("int8_t", NdrPrim.Kind.BYTE);
    /** {@code uint8_t}: IDL {@code unsigned small}, {@code char}, {@code byte} (a Java byte, read unsigned). */
    public static final NdrType<Byte> UINT8 = new NdrPrim<>("uint8_t", NdrPrim.Kind.BYTE);
    /** {@code int16_t}: IDL {@code short}. */
    public static final NdrType<Short> INT16 = new NdrPrim<>("int16_t", NdrPrim.Kind.SHORT);
    /** {@code uint16_t}: IDL {@code unsigned short} (a Java short, read unsigned). */
    public static final NdrType<Short> UINT16 = new NdrPrim<>("uint16_t", NdrPrim.Kind.SHORT);
    /** {@code int32_t}: IDL {@code long}, {@code int}. */
    public static final NdrType<Integer> INT32 = new NdrPrim<>("int32_t", NdrPrim.Kind.INT);
    /** {@code uint32_t}: IDL {@code unsigned long}, {@code error_status_t} (a Java int, read unsigned). */
    public static final NdrType<Integer> UINT32 = new NdrPrim<>("uint32_t", NdrPrim.Kind.INT);
    /** {@code int64_t}: IDL {@code hyper}, {@code __int64}. */
    public static final NdrType<Long> INT64 = new NdrPrim<>("int64_t", NdrPrim.Kind.LONG);
    /** {@code uint64_t}: IDL {@code unsigned hyper} (a Java long, read unsigned). */
    public static final NdrType<Long> UINT64 = new NdrPrim<>("uint64_t", NdrPrim.Kind.LONG);
    /** {@code float}. */
    public static final NdrType<Float> FLOAT = new NdrPrim<>("float", NdrPrim.Kind.FLOAT);
    /** {@code double}. */
    public static final NdrType<Double> DOUBLE = new NdrPrim<>("double", NdrPrim.Kind.DOUBLE);
    /** IDL {@code boolean}: a {@code uint8_t}, written 1 or 0, read true unless 0. */
    public static final NdrType<Boolean> BOOLEAN = new NdrPrim<>("boolean", NdrPrim.Kind.BOOLEAN);
    /** IDL {@code wchar_t}: a {@code uint16_t} UTF-16 code unit. */
    public static final NdrType<Character> WCHAR = new NdrPrim<>("wchar_t", NdrPrim.Kind.CHAR);
    /** {@code GUID}: {@code {uint32_t Data1; uint16_t Data2, Data3; uint8_t Data4[8];}}, 16 bytes, 4-aligned. */
    public static final NdrType<UUID> GUID = new NdrGuid();

    private final String name;

    NdrType(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** {@return the C size of a value in bytes (a conformant array: one element, as C's {@code T a[1]})} */
    public final long size() {
        return layoutSize();
    }

    /** {@return the C alignment of a value in bytes (1, 2, 4 or 8)} */
    public final int alignment() {
        return layoutAlignment();
    }

    /**
     * The offset of a struct's field, as C's {@code offsetof} gives it.
     *
     * @param field the field's IDL name
     * @return its offset in bytes
     * @throws IllegalArgumentException if this is not a struct, or has no such field
     */
    public long offset(String field) {
        throw new IllegalArgumentException(this + " is not a struct");
    }

    /** {@return the type as C would name it ({@code int32_t}, {@code uint16_t *}, {@code struct _POINT})} */
    @Override
    public String toString() {
        return name;
    }

    /**
     * An enum, an {@code int32_t} in memory (the header declares every enum so; the wire's
     * 16 or 32 bits are the stub's business).
     *
     * @param name the enum's name, for messages
     * @param toWire the wire value of a constant (the generated enum's {@code value()})
     * @param fromWire the constant of a wire value (the generated enum's {@code of(int)}, which
     *        throws IllegalArgumentException for a value the IDL does not declare)
     * @param <E> the Java enum
     * @return the type
     */
    public static <E> NdrType<E> enum32(String name, ToIntFunction<E> toWire, IntFunction<E> fromWire) {
        return new NdrEnum<>(name, Objects.requireNonNull(toWire, "toWire"), Objects.requireNonNull(fromWire, "fromWire"));
    }

    /**
     * A {@code [string] wchar_t *}: a pointer to NUL-terminated UTF-16 ({@code uint16_t} units).
     * A Java string is written as its UTF-16 code units (unpaired surrogates included, as they
     * are) and a NUL; one with an embedded NUL is refused.
     *
     * @param unique true for {@code [unique]} (null allowed), false for {@code [ref]}
     * @return the type
     */
    public static NdrType<String> wideString(boolean unique) {
        return new NdrString(true, unique);
    }

    /**
     * A {@code [string] char *}: a pointer to NUL-terminated 8-bit characters in ISO-8859-1
     * (each byte one char from U+0000 to U+00FF, so that any bytes read back are kept). A string
     * with a char above U+00FF, or an embedded NUL, is refused.
     *
     * @param unique true for {@code [unique]} (null allowed), false for {@code [ref]}
     * @return the type
     */
    public static NdrType<String> ansiString(boolean unique) {
        return new NdrString(false, unique);
    }

    /**
     * A {@code [ref]} (never null) or {@code [unique]} (null allowed) pointer to one T. Writing
     * allocates the target's block (for a struct ending with a conformant array, with all of its
     * elements); size_is and length_is inside the target (a pointer to a conformant array) are
     * read from the siblings of the pointer.
     *
     * @param target what it points to
     * @param unique true for {@code [unique]}
     * @param <T> the target's Java type
     * @return the type
     */
    public static <T> NdrType<T> pointer(NdrType<T> target, boolean unique) {
        return new NdrPointer<>(Objects.requireNonNull(target, "target"), unique);
    }

    /**
     * A fixed array {@code T a[n]} (a varying one, {@code length_is}, is copied whole). Java value:
     * a primitive array for a primitive element ({@code short[]} for {@link #UINT16},
     * {@code char[]} for {@link #WCHAR}, ...), else a {@code List} of the element's values.
     *
     * @param element the element type
     * @param n the number of elements, at least 1
     * @return the type
     */
    public static NdrType<Object> fixedArray(NdrType<?> element, int n) {
        return new NdrArray(Objects.requireNonNull(element, "element"), n, null, null, false);
    }

    /**
     * A conformant (optionally varying) array: in a struct the trailing {@code T a[]} inline
     * (the header's {@code T a[1]}: {@link #size()} is one element's), as a parameter or behind a
     * {@link #pointer} the block of elements a {@code T *} points to. Java value as for
     * {@link #fixedArray}.
     *
     * <p>{@code size} and {@code length} are element counts computed from the sibling values
     * (the struct's field values in order, or the operation's parameter values in IDL order, the
     * binding handle included as null). Writing writes the first {@code length} elements (all
     * {@code size} without length_is), as MIDL's stub transmits them and the simulator copies
     * them, and zero-fills the rest of the {@code size} elements' block; reading reads
     * {@code length} elements ({@code size} without length_is). A negative size, a length above
     * the size, or a Java array shorter than either is refused.
     *
     * @param element the element type
     * @param size the size_is expression over the siblings
     * @param length the length_is expression over the siblings, or null when there is none
     * @param unique true if the array may be null (a {@code [unique]} array parameter or pointer)
     * @return the type
     */
    public static NdrType<Object> conformantArray(NdrType<?> element, ToLongFunction<Object[]> size,
            ToLongFunction<Object[]> length, boolean unique) {
        return new NdrArray(Objects.requireNonNull(element, "element"), -1, Objects.requireNonNull(size, "size"), length,
                unique);
    }

    /**
     * A struct, laid out as C does: each field at the next multiple of its alignment, the size
     * rounded up to the largest alignment. A conformant array can only be the last field.
     *
     * @param name the struct's name, for messages and {@link #toString()}
     * @param fields the fields in IDL order
     * @param construct the struct's value from the field values in order (the record's canonical
     *        constructor: boxed primitives, arrays, lists, nested values)
     * @param <T> the struct's Java type
     * @return the type
     */
    public static <T> NdrType<T> struct(String name, List<NdrField<T>> fields, Function<Object[], T> construct) {
        return new NdrStruct<>(name, List.copyOf(fields), Objects.requireNonNull(construct, "construct"));
    }

    /**
     * A type resolved on first use: a struct that refers to itself ({@code [unique] struct _NODE
     * *next}) names itself through it ({@code pointer(lazy("NODE", () -> Ndr.NODE), true)}).
     *
     * @param name the type's name, for messages
     * @param type gives the type; called once, on first use
     * @param <T> the Java type
     * @return the type
     */
    public static <T> NdrType<T> lazy(String name, Supplier<NdrType<T>> type) {
        return new NdrLazy<>(name, Objects.requireNonNull(type, "type"));
    }

    // ---- what each kind implements (package-private: the codec's machinery) ----

    abstract long layoutSize();

    abstract int layoutAlignment();

    /** Refuses a value the C form cannot carry; what names the value in messages. */
    abstract void checkValue(Object value, String what, Object[] siblings);

    /** Writes a checked value at p+offset. */
    abstract void writeValue(Object value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc);

    abstract Object readValue(Pointer p, long offset, Object[] siblings);

    /** Frees what the value at p+offset points to, deep; not p itself. */
    void freeValue(Pointer p, long offset, Object[] siblings, Consumer<Pointer> free) {
    }

    /** {@return true if a value holds a pointer (then frees and pipes care)} */
    boolean hasPointers() {
        return false;
    }

    /** {@return true if a value's layout depends on its siblings (a conformant array, or a pointer to one)} */
    boolean needsSiblings() {
        return false;
    }

    /** {@return the bytes a block holding this checked value needs (more than size() for a conformant value)} */
    long blockSize(Object value, Object[] siblings) {
        return size();
    }

    static long align(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    static int pointerSize() {
        return Native.POINTER_SIZE;
    }

    /** An allocation that yields a usable block or fails clearly. */
    static Pointer allocate(NdrAllocator alloc, long size) {
        Pointer q = alloc.allocate(Math.max(size, 1));
        if (q == null) {
            throw new IllegalStateException("the allocator returned null for " + size + " bytes");
        }
        return q;
    }
}
