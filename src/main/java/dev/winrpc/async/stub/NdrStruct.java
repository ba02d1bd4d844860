package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/** A struct: its fields at C's offsets; the sibling values of its fields are its field values. */
final class NdrStruct<T> extends NdrType<T> {

    private final List<NdrField<T>> fields;
    private final Function<Object[], T> construct;
    /** offsets of the fields, then size, then alignment; computed on first use (a field may be lazy). */
    private volatile long[] layout;

    NdrStruct(String name, List<NdrField<T>> fields, Function<Object[], T> construct) {
        super(name);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("struct " + name + " has no field");
        }
        Set<String> seen = new HashSet<>();
        for (NdrField<T> f : fields) {
            if (!seen.add(f.name())) {
                throw new IllegalArgumentException("struct " + name + " has two fields named " + f.name());
            }
        }
        for (int i = 0; i < fields.size() - 1; i++) {
            if (fields.get(i).type() instanceof NdrArray a && a.needsSiblings()) {
                throw new IllegalArgumentException("struct " + name + ": the conformant array " + fields.get(i).name()
                        + " is not the last field");
            }
        }
        this.fields = fields;
        this.construct = construct;
    }

    private long[] layout() {
        long[] l = layout;
        if (l == null) {
            int n = fields.size();
            l = new long[n + 2];
            long off = 0;
            int max = 1;
            for (int i = 0; i < n; i++) {
                NdrType<?> t = fields.get(i).type();
                int a = Math.min(t.alignment(), 8);
                off = align(off, a);
                l[i] = off;
                off += t.size();
                max = Math.max(max, a);
            }
            l[n] = align(off, max);
            l[n + 1] = max;
            layout = l;
        }
        return l;
    }

    /**
     * The offset of a field, as C's {@code offsetof} gives it.
     *
     * @param index the field's index
     * @return its offset in bytes
     */
    long offset(int index) {
        return layout()[index];
    }

    @Override
    public long offset(String field) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(field)) {
                return offset(i);
            }
        }
        throw new IllegalArgumentException(this + " has no field " + field);
    }

    @Override
    long layoutSize() {
        return layout()[fields.size()];
    }

    @Override
    int layoutAlignment() {
        return (int) layout()[fields.size() + 1];
    }

    @Override
    boolean hasPointers() {
        for (NdrField<T> f : fields) {
            if (f.type().hasPointers()) {
                return true;
            }
        }
        return false;
    }

    private Object[] values(Object value, String what) {
        Object[] v = new Object[fields.size()];
        for (int i = 0; i < v.length; i++) {
            try {
                @SuppressWarnings("unchecked")
                T t = (T) value;
                v[i] = fields.get(i).get().apply(t);
            } catch (ClassCastException e) {
                throw new IllegalArgumentException(what + ": a " + value.getClass().getName() + " is not a " + this, e);
            }
        }
        return v;
    }

    @Override
    void checkValue(Object value, String what, Object[] siblings) {
        if (value == null) {
            throw new NullPointerException(what + ": null where the IDL needs a " + this);
        }
        Object[] v = values(value, what);
        for (int i = 0; i < v.length; i++) {
            fields.get(i).type().checkValue(v[i], what + "." + fields.get(i).name(), v);
        }
    }

    @Override
    long blockSize(Object value, Object[] siblings) {
        int last = fields.size() - 1;
        NdrType<?> t = fields.get(last).type();
        if (t instanceof NdrArray a && a.needsSiblings()) {
            long n = a.sizeIs(values(value, toString()), toString() + "." + fields.get(last).name());
            return Math.max(size(), offset(last) + n * a.size());
        }
        return size();
    }

    @Override
    void writeValue(Object value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc) {
        Object[] v = values(value, toString());
        for (int i = 0; i < v.length; i++) {
            fields.get(i).type().writeValue(v[i], p, offset + offset(i), v, alloc);
        }
    }

    @Override
    Object readValue(Pointer p, long offset, Object[] siblings) {
        Object[] v = new Object[fields.size()];
        // first what size_is and length_is may name, then what they size
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < v.length; i++) {
                NdrType<?> t = fields.get(i).type();
                if (t.needsSiblings() == (pass == 1)) {
                    v[i] = t.readValue(p, offset + offset(i), v);
                }
            }
        }
        return construct.apply(v);
    }

    @Override
    void freeValue(Pointer p, long offset, Object[] siblings, Consumer<Pointer> free) {
        Object[] v = new Object[fields.size()];
        for (int i = 0; i < v.length; i++) {
            if (fields.get(i).type() instanceof NdrPrim<?> t) {
                v[i] = t.readValue(p, offset + offset(i), v);
            }
        }
        for (int i = 0; i < v.length; i++) {
            fields.get(i).type().freeValue(p, offset + offset(i), v, free);
        }
    }
}
