package dev.winrpc.async.stub;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The parameters of one call a generated manager routine serves (docs/idl.md, "The stub
 * library": the server's copies): {@code [in]} values are read from the stub's copies while the
 * routine runs; {@code [out]} and {@code [in, out]} values are written into the stub's targets
 * when the implementation's result arrives, every block they point to from the stub library's
 * {@code I_Allocate} (the stub frees them once sent). Not thread-safe: one call's routine uses it.
 */
public final class NdrServerArgs {

    private record Out(NdrType<Object> type, Pointer at, Object value, String name) {
    }

    private final Object[] siblings;
    private final NdrAllocator allocate;
    private final List<Out> outs = new ArrayList<>();

    /**
     * The parameters of one call.
     *
     * @param siblings the [in] values the routine received by value, in IDL order, the binding
     *        handle and every other parameter as null (filled in as they are read and set)
     * @param allocate the stub library's {@code I_Allocate}
     */
    public NdrServerArgs(Object[] siblings, NdrAllocator allocate) {
        this.siblings = Objects.requireNonNull(siblings, "siblings");
        this.allocate = Objects.requireNonNull(allocate, "allocate");
    }

    /**
     * Reads an {@code [in]} or {@code [in, out]} value the stub passed through a pointer.
     *
     * @param index the parameter's index in IDL order (the binding handle is 0)
     * @param type its descriptor
     * @param at the pointer (null for a null {@code [unique]} one)
     * @param <T> the Java type
     * @return the value, or null
     */
    public <T> T in(int index, NdrType<T> type, Pointer at) {
        T v = at == null ? null : NdrCodec.read(type, at, 0, siblings);
        siblings[index] = v;
        return v;
    }

    /**
     * Reads an {@code [in, string]} value.
     *
     * @param index the parameter's index in IDL order
     * @param type the string's descriptor
     * @param chars the {@code char *} / {@code uint16_t *} (null for a null {@code [unique]} one)
     * @return the string, or null
     */
    public String inString(int index, NdrType<String> type, Pointer chars) {
        String v = null;
        if (chars != null) {
            try (Memory holder = new Memory(Native.POINTER_SIZE)) {
                holder.setPointer(0, chars);
                v = NdrCodec.read(type, holder, 0, siblings);
            }
        }
        siblings[index] = v;
        return v;
    }

    /**
     * The value of an {@code [in]} base type or enum passed by value as bits ({@link NdrClientArgs#bits}).
     *
     * @param index the parameter's index in IDL order
     * @param type its descriptor (at most 8 bytes)
     * @param bits the C form's bits
     * @param <T> the Java type
     * @return the value
     */
    public <T> T fromBits(int index, NdrType<T> type, long bits) {
        T v;
        try (Memory m = new Memory(8)) {
            m.setLong(0, 0);
            switch ((int) type.size()) {
                case 1 -> m.setByte(0, (byte) bits);
                case 2 -> m.setShort(0, (short) bits);
                case 4 -> m.setInt(0, (int) bits);
                default -> m.setLong(0, bits);
            }
            v = NdrCodec.read(type, m, 0, null);
        }
        siblings[index] = v;
        return v;
    }

    /**
     * Reads an {@code [in]} struct passed by value, from the JNA structure the routine received.
     *
     * @param index the parameter's index in IDL order
     * @param type the struct's descriptor
     * @param struct the structure
     * @param <T> the Java type
     * @return the value
     */
    public <T> T fromStruct(int index, NdrType<T> type, Structure struct) {
        struct.write();
        T v = NdrCodec.read(type, struct.getPointer(), 0, null);
        siblings[index] = v;
        return v;
    }

    /**
     * Sets an {@code [out]} or {@code [in, out]} value: it joins the siblings now, and is
     * written by {@link #writeOuts()}.
     *
     * @param index the parameter's index in IDL order
     * @param type its descriptor
     * @param at the stub's target (null for a null {@code [unique]} {@code [in, out]}: nothing is
     *        written, the client gets null back)
     * @param value the value
     * @param name the parameter's name, in messages
     * @param <T> the Java type
     */
    @SuppressWarnings("unchecked")
    public <T> void out(int index, NdrType<T> type, Pointer at, T value, String name) {
        siblings[index] = value;
        if (at != null) {
            outs.add(new Out((NdrType<Object>) type, at, value, name));
        }
    }

    /**
     * Sets the value of a parameter in the siblings (an {@code [out]} value passed otherwise,
     * which sizes an array written here).
     *
     * @param index the parameter's index in IDL order
     * @param value the value
     */
    public void set(int index, Object value) {
        siblings[index] = value;
    }

    /**
     * Checks every value set with {@link #out}, then writes them into their targets.
     *
     * @throws NullPointerException for a null the IDL does not allow (the call is then aborted)
     * @throws IllegalArgumentException for a value its C form cannot carry
     */
    public void writeOuts() {
        for (Out o : outs) {
            if (o.value() == null && !(o.type() instanceof NdrArray)) {
                throw new NullPointerException("the implementation's [out] " + o.name() + " is null");
            }
            NdrCodec.check(o.type(), o.value(), o.name(), siblings);
        }
        for (Out o : outs) {
            o.type().writeValue(o.value(), o.at(), 0, siblings, allocate);
        }
    }
}
