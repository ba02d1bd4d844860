package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A type resolved on first use, for a struct that points to itself. */
final class NdrLazy<T> extends NdrType<T> {

    private final Supplier<NdrType<T>> supplier;
    private volatile NdrType<T> resolved;

    NdrLazy(String name, Supplier<NdrType<T>> supplier) {
        super(name);
        this.supplier = supplier;
    }

    private NdrType<T> get() {
        NdrType<T> t = resolved;
        if (t == null) {
            synchronized (this) {
                t = resolved;
                if (t == null) {
                    t = supplier.get();
                    if (t == null) {
                        throw new IllegalStateException("the lazy type " + this + " resolved to null (used before its "
                                + "class finished initialising?)");
                    }
                    resolved = t;
                }
            }
        }
        return t;
    }

    @Override
    public long offset(String field) {
        return get().offset(field);
    }

    @Override
    long layoutSize() {
        return get().layoutSize();
    }

    @Override
    int layoutAlignment() {
        return get().layoutAlignment();
    }

    @Override
    boolean hasPointers() {
        return get().hasPointers();
    }

    @Override
    boolean needsSiblings() {
        return get().needsSiblings();
    }

    @Override
    long blockSize(Object value, Object[] siblings) {
        return get().blockSize(value, siblings);
    }

    @Override
    void checkValue(Object value, String what, Object[] siblings) {
        get().checkValue(value, what, siblings);
    }

    @Override
    void writeValue(Object value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc) {
        get().writeValue(value, p, offset, siblings, alloc);
    }

    @Override
    Object readValue(Pointer p, long offset, Object[] siblings) {
        return get().readValue(p, offset, siblings);
    }

    @Override
    void freeValue(Pointer p, long offset, Object[] siblings, Consumer<Pointer> free) {
        get().freeValue(p, offset, siblings, free);
    }
}
