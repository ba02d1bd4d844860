package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/** An enum: an int32_t in memory. */
final class NdrEnum<E> extends NdrType<E> {

    private final ToIntFunction<E> toWire;
    private final IntFunction<E> fromWire;

    NdrEnum(String name, ToIntFunction<E> toWire, IntFunction<E> fromWire) {
        super(name);
        this.toWire = toWire;
        this.fromWire = fromWire;
    }

    @Override
    long layoutSize() {
        return 4;
    }

    @Override
    int layoutAlignment() {
        return 4;
    }

    @Override
    void checkValue(Object value, String what, Object[] siblings) {
        if (value == null) {
            throw new NullPointerException(what + ": null where the IDL needs a " + this);
        }
        try {
            @SuppressWarnings("unchecked")
            E e = (E) value;
            toWire.applyAsInt(e);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException(what + ": a " + value.getClass().getName() + " is not a " + this, e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    void writeValue(Object value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc) {
        p.setInt(offset, toWire.applyAsInt((E) value));
    }

    @Override
    Object readValue(Pointer p, long offset, Object[] siblings) {
        return fromWire.apply(p.getInt(offset));
    }
}
