package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.function.Consumer;

/** A [ref] or [unique] pointer to one value of a type (a conformant array: to its elements). */
final class NdrPointer<T> extends NdrType<T> {

    private final NdrType<T> target;
    private final boolean unique;

    NdrPointer(NdrType<T> target, boolean unique) {
        super((unique ? "[unique] " : "[ref] ") + target + " *");
        this.target = target;
        this.unique = unique;
    }

    @Override
    long layoutSize() {
        return pointerSize();
    }

    @Override
    int layoutAlignment() {
        return pointerSize();
    }

    @Override
    boolean hasPointers() {
        return true;
    }

    @Override
    boolean needsSiblings() {
        return target.needsSiblings();
    }

    @Override
    void checkValue(Object value, String what, Object[] siblings) {
        if (value == null) {
            if (!unique) {
                throw new NullPointerException(what + ": null where the IDL says [ref] (a pointer that cannot be null)");
            }
            return;
        }
        target.checkValue(value, what, siblings);
    }

    @Override
    void writeValue(Object value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc) {
        if (value == null) {
            p.setPointer(offset, null);
            return;
        }
        Pointer q = allocate(alloc, target.blockSize(value, siblings));
        target.writeValue(value, q, 0, siblings, alloc);
        p.setPointer(offset, q);
    }

    @Override
    Object readValue(Pointer p, long offset, Object[] siblings) {
        Pointer q = p.getPointer(offset);
        return q == null ? null : target.readValue(q, 0, siblings);
    }

    @Override
    void freeValue(Pointer p, long offset, Object[] siblings, Consumer<Pointer> free) {
        Pointer q = p.getPointer(offset);
        if (q != null) {
            target.freeValue(q, 0, siblings, free);
            free.accept(q);
        }
    }
}
