package dev.winrpc.async.stub;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The marshalled parameters of one call of a generated client (docs/idl.md, "Marshalling"):
 * every value is checked ({@link #check}) before any native memory is touched; {@code [in]}
 * data is then written into {@link #in()}, an {@link NdrMemory} the call pins until it has
 * ended; {@code [out]} and {@code [in, out]} targets live in a second {@code NdrMemory}, read
 * ({@link #read}) once the call completed with RPC_S_OK, after which {@link #finish()} gives
 * every block the stub allocated for them back to the stub library's {@code I_Free}, exactly
 * once, and frees the targets. Not thread-safe: one call's generated code uses it, writing on
 * the calling thread and reading on the thread that completes the call.
 */
public final class NdrClientArgs {

    private record Target(NdrType<?> type, Pointer at) {
    }

    private final Object[] siblings;
    private final Consumer<Pointer> free;
    private final NdrMemory in = new NdrMemory();
    private final NdrMemory outs = new NdrMemory();
    private final List<Target> targets = new ArrayList<>();
    private boolean finished;

    /**
     * The parameters of one call.
     *
     * @param siblings the operation's parameter values in IDL order, the binding handle (and
     *        every {@code [out]}-only value) as null: what size_is and length_is read; {@code [out]}
     *        values are set here as they are read
     * @param free the stub library's {@code I_Free}
     */
    public NdrClientArgs(Object[] siblings, Consumer<Pointer> free) {
        this.siblings = Objects.requireNonNull(siblings, "siblings");
        this.free = Objects.requireNonNull(free, "free");
    }

    /**
     * Checks an {@code [in]} or {@code [in, out]} value before anything is written
     * ({@link NdrCodec#check}); a null {@code [unique]} pointer passes.
     *
     * @param type the parameter's descriptor
     * @param value its value
     * @param name the parameter's name, in messages
     * @param unique true if the parameter is a {@code [unique]} pointer
     * @param siblings the call's parameter values in IDL order (as the constructor's)
     * @param <T> the Java type
     * @throws NullPointerException for a null that the IDL does not allow
     * @throws IllegalArgumentException for a value its C form cannot carry
     */
    public static <T> void check(NdrType<T> type, T value, String name, boolean unique, Object[] siblings) {
        if (value == null && unique) {
            return;
        }
        if (value == null && !(type instanceof NdrArray)) {
            throw new NullPointerException(name + " is null, which its IDL type does not allow");
        }
        NdrCodec.check(type, value, name, siblings);
    }

    /** {@return the memory of the [in] data, for the call to pin until it has ended} */
    public NdrMemory in() {
        return in;
    }

    /** {@return the memory of the [out] targets (freed by {@link #finish()})} */
    public NdrMemory outs() {
        return outs;
    }

    /**
     * Writes a checked {@code [in]} value that the stub takes through a pointer: a pointer's
     * target, an array's elements.
     *
     * @param type the parameter's descriptor
     * @param value the value
     * @param <T> the Java type
     * @return the block's address; null for a null {@code [unique]} value
     */
    public <T> Pointer in(NdrType<T> type, T value) {
        return value == null ? null : in.write(type, value, siblings);
    }

    /**
     * Writes a checked {@code [in, string]} value.
     *
     * @param type the string's descriptor
     * @param value the string
     * @return the {@code char *} / {@code uint16_t *} the stub takes; null for a null {@code [unique]} string
     */
    public Pointer inString(NdrType<String> type, String value) {
        return value == null ? null : in.write(type, value, siblings).getPointer(0);
    }

    /**
     * The bits of an {@code [in]} base type or enum passed by value that Java has no primitive
     * for ({@code boolean}, {@code wchar_t}, an enum): its C form, zero-extended.
     *
     * @param type the descriptor (at most 8 bytes)
     * @param value the checked value
     * @param <T> the Java type
     * @return the C form's bits
     */
    public static <T> long bits(NdrType<T> type, T value) {
        try (Memory m = new Memory(8)) {
            m.clear();
            NdrCodec.write(type, value, m, 0, null, NdrPipes::noAllocation);
            return switch ((int) type.size()) {
                case 1 -> Byte.toUnsignedLong(m.getByte(0));
                case 2 -> Short.toUnsignedLong(m.getShort(0));
                case 4 -> Integer.toUnsignedLong(m.getInt(0));
                default -> m.getLong(0);
            };
        }
    }

    /**
     * Fills a JNA {@code Structure.ByValue} (the binding's C fields of a struct) with a checked
     * {@code [in]} struct passed by value; its pointees are written into {@link #in()}.
     *
     * @param type the struct's descriptor
     * @param value the struct
     * @param struct the binding's structure, of the same C size
     * @param <T> the Java type
     * @param <S> the structure's class
     * @return struct, filled
     * @throws IllegalStateException if the structure's size is not the descriptor's
     */
    public <T, S extends Structure> S byValue(NdrType<T> type, T value, S struct) {
        if (struct.size() != type.size()) {
            throw new IllegalStateException(struct.getClass().getName() + " has " + struct.size() + " bytes, "
                    + type + " " + type.size());
        }
        Pointer block = in.write(type, value, siblings);
        int n = (int) type.size();
        struct.getPointer().write(0, block.getByteArray(0, n), 0, n);
        struct.read();
        return struct;
    }

    /**
     * Allocates the zeroed target of an {@code [out]} value (a conformant array: its size_is
     * elements, computed from the siblings).
     *
     * @param type the parameter's descriptor
     * @return the address to pass to the stub
     */
    public Pointer out(NdrType<?> type) {
        Pointer p = outs.target(type, siblings);
        targets.add(new Target(type, p));
        return p;
    }

    /**
     * Writes a checked {@code [in, out]} value into a target that the stub reads at the start
     * and writes back at completion.
     *
     * @param type the parameter's descriptor
     * @param value the value
     * @param <T> the Java type
     * @return the address to pass to the stub; null for a null {@code [unique]} value
     */
    public <T> Pointer inOut(NdrType<T> type, T value) {
        if (value == null) {
            return null;
        }
        Pointer p = outs.write(type, value, siblings);
        targets.add(new Target(type, p));
        return p;
    }

    /**
     * Writes a checked {@code [in, out, string]} value into a block of its characters that the
     * stub sends and then overwrites with the string the server returned (never a longer one:
     * {@link NdrServerArgs#inOutString}); read it back with {@link #readString}. Nothing the stub
     * allocates is attached to it.
     *
     * @param type the string's descriptor
     * @param value the string
     * @return the {@code char *} / {@code uint16_t *} the stub takes; null for a null {@code [unique]} string
     */
    public Pointer inOutString(NdrType<String> type, String value) {
        return value == null ? null : outs.write(type, value, siblings).getPointer(0);
    }

    /**
     * Reads an {@code [in, out, string]} value back from its characters once the call completed
     * with RPC_S_OK and sets it in the siblings.
     *
     * @param index the parameter's index in IDL order
     * @param type the string's descriptor
     * @param chars the characters passed to the stub (null for a null {@code [unique]} string)
     * @return the string the server returned, or null
     */
    public String readString(int index, NdrType<String> type, Pointer chars) {
        String v = null;
        if (chars != null) {
            try (Memory holder = new Memory(com.sun.jna.Native.POINTER_SIZE)) {
                holder.setPointer(0, chars);
                v = NdrCodec.read(type, holder, 0, siblings);
            }
        }
        siblings[index] = v;
        return v;
    }

    /**
     * Sets the value of parameter {@code index} in the siblings (an {@code [out]} value read
     * otherwise, which sizes an array read later).
     *
     * @param index the parameter's index in IDL order (the binding handle is 0)
     * @param value its value
     */
    public void set(int index, Object value) {
        siblings[index] = value;
    }

    /**
     * Reads an {@code [out]} or {@code [in, out]} value once the call completed with RPC_S_OK
     * and sets it in the siblings.
     *
     * @param index the parameter's index in IDL order
     * @param type the parameter's descriptor
     * @param at the target passed to the stub (null for a null {@code [unique]} one)
     * @param <T> the Java type
     * @return the value (null for a null target)
     */
    public <T> T read(int index, NdrType<T> type, Pointer at) {
        T v = at == null ? null : NdrCodec.read(type, at, 0, siblings);
        siblings[index] = v;
        return v;
    }

    /**
     * Gives every block the stub allocated for the targets to {@code I_Free} (deep, as
     * {@link NdrCodec#freePointees}), then frees the targets and the {@code [in]} data; later
     * calls do nothing. Call it once the values are read (or reading failed).
     */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            for (Target t : targets) {
                try {
                    NdrCodec.freePointees(t.type(), t.at(), 0, siblings, free);
                } catch (RuntimeException e) {
                    System.getLogger(NdrClientArgs.class.getName()).log(System.Logger.Level.WARNING,
                            "freeing an [out] value's blocks failed", e);
                }
            }
        } finally {
            outs.close();
        }
    }
}
