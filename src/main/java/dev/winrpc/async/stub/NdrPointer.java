package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.function.Consumer;

/** A [ref] or [unique] pointer to one value of a type (a conformant array: to its elements). */
final class NdrPointer<T> extends NdrPointerShaped<T> {

    private final NdrType<T> target;

    NdrPointer(NdrType<T> target, boolean unique) {
        super((unique ? "[unique] " : "[ref] ") + target + " *", unique);
        this.target = target;
    }

    @Override
    boolean needsSiblings() {
        return target.needsSiblings();
    }

    @Override
    void checkValue(Object value, String what, Object[] siblings) {
        if (allowedNull(value, what, "a pointer")) {
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
