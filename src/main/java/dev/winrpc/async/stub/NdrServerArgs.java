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

    /** How an {@code [out]} value is written back. */
    private enum Form {
        /** the value into its target ({@link NdrType#writeValue}). */
        VALUE,
        /** an [in, out, string]'s characters in place, no more than {@code bound} of them. */
        CHARS,
        /** an [in, out] array's elements in place: exactly as many as the IDL transmits. */
        ELEMENTS
    }

    private record Out(NdrType<Object> type, Pointer at, Object value, String name, Form form, long bound) {
    }

    private final Object[] siblings;
    /** The siblings as the call arrived (before any [out] value joined them): what sized the stub's copies. */
    private Object[] arrived;
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
        arrive();
        siblings[index] = value;
        if (at != null) {
            outs.add(new Out((NdrType<Object>) type, at, value, name, Form.VALUE, 0));
        }
    }

    /**
     * Sets the value an {@code [in, out, string]} returns: at {@link #writeOuts()} its characters
     * overwrite the stub's copy of the string the client sent, in place, as MIDL's stubs do (the
     * server's copy holds exactly the characters sent, and the client's stub unmarshals the reply
     * into the caller's buffer). A string longer than the one received cannot be returned that
     * way and is refused, which aborts the call; so is a string where the client passed a null
     * {@code [unique]} one.
     *
     * @param index the parameter's index in IDL order
     * @param type the string's descriptor
     * @param chars the characters the stub passed (null for a null {@code [unique]} string)
     * @param value the string the implementation returns
     * @param received the string the implementation received (null with chars)
     * @param name the parameter's name, in messages
     * @throws IllegalArgumentException for a string where the client passed null
     */
    @SuppressWarnings("unchecked")
    public void inOutString(int index, NdrType<String> type, Pointer chars, String value, String received, String name) {
        arrive();
        siblings[index] = value;
        if (chars == null) {
            if (value != null) {
                throw new IllegalArgumentException("the implementation's [in, out, string] " + name
                        + " is not null, but the client passed a null [unique] string: it stays null");
            }
            return;
        }
        outs.add(new Out((NdrType<Object>) (NdrType<?>) type, chars, value, name, Form.CHARS, received.length()));
    }

    /**
     * Sets the value an {@code [in, out]} array returns: at {@link #writeOuts()} it must have
     * exactly as many elements as the IDL transmits (a fixed array's N; a conformant array's
     * length_is, else its size_is, computed from the siblings then), else the call is aborted;
     * its elements overwrite the stub's copy in place. An array where the client passed a null
     * {@code [unique]} one is refused too.
     *
     * @param index the parameter's index in IDL order
     * @param type the array's descriptor
     * @param at the stub's copy of the elements (null for a null {@code [unique]} array)
     * @param value the array the implementation returns
     * @param received the array the implementation received (null with at)
     * @param name the parameter's name, in messages
     * @param <T> the Java type
     * @throws IllegalArgumentException for an array where the client passed null
     */
    @SuppressWarnings("unchecked")
    public <T> void inOutArray(int index, NdrType<T> type, Pointer at, T value, T received, String name) {
        arrive();
        siblings[index] = value;
        if (at == null) {
            if (value != null) {
                throw new IllegalArgumentException("the implementation's [in, out] " + name
                        + " is not null, but the client passed a null [unique] array: it stays null");
            }
            return;
        }
        outs.add(new Out((NdrType<Object>) type, at, value, name, Form.ELEMENTS, NdrArray.capacity(type, arrived, name)));
    }

    /**
     * Sets the value of a parameter in the siblings (an {@code [out]} value passed otherwise,
     * which sizes an array written here).
     *
     * @param index the parameter's index in IDL order
     * @param value the value
     */
    public void set(int index, Object value) {
        arrive();
        siblings[index] = value;
    }

    /** Keeps the siblings as the call arrived, before the first [out] value changes them. */
    private void arrive() {
        if (arrived == null) {
            arrived = siblings.clone();
        }
    }

    /**
     * Checks every value set with {@link #out}, {@link #inOutString} and {@link #inOutArray},
     * then writes them into their targets.
     *
     * @throws NullPointerException for a null the IDL does not allow (the call is then aborted)
     * @throws IllegalArgumentException for a value its C form cannot carry
     */
    public void writeOuts() {
        for (Out o : outs) {
            if (o.value() == null && !(o.type() instanceof NdrArray)) {
                throw new NullPointerException("the implementation's [out] " + o.name() + " is null");
            }
            if (o.form() == Form.ELEMENTS) {
                NdrArray.checkTransmitted(o.type(), o.value(), "the implementation's [in, out] " + o.name(), siblings, o.bound());
                continue;
            }
            NdrCodec.check(o.type(), o.value(), o.name(), siblings);
            if (o.form() == Form.CHARS && ((String) o.value()).length() > o.bound()) {
                throw new IllegalArgumentException("the implementation's [in, out, string] " + o.name() + " has "
                        + ((String) o.value()).length() + " characters, more than the " + o.bound()
                        + " the client sent: an [in, out, string] is returned into the client's buffer, which"
                        + " holds no more (MIDL; use an [out, string] T ** for a longer one)");
            }
        }
        for (Out o : outs) {
            if (o.form() == Form.CHARS) {
                NdrString.writeChars(o.type(), (String) o.value(), o.at());
            } else {
                o.type().writeValue(o.value(), o.at(), 0, siblings, allocate);
            }
        }
    }
}
