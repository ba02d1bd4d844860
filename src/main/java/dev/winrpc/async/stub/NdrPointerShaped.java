package dev.winrpc.async.stub;

/**
 * What every pointer-sized type shares ({@link NdrPointer}, {@link NdrString}): the size and
 * alignment of a pointer, pointees to free, and the [ref]/[unique] rule for null.
 */
abstract class NdrPointerShaped<T> extends NdrType<T> {

    /** True for [unique] (null allowed), false for [ref]. */
    final boolean unique;

    NdrPointerShaped(String name, boolean unique) {
        super(name);
        this.unique = unique;
    }

    @Override
    final long layoutSize() {
        return pointerSize();
    }

    @Override
    final int layoutAlignment() {
        return pointerSize();
    }

    @Override
    final boolean hasPointers() {
        return true;
    }

    /**
     * {@return true for a null value that [unique] allows (nothing more to check)}
     *
     * @param value the value
     * @param what its path, for the message
     * @param kind what cannot be null, for the message ("a pointer", "a [string]")
     * @throws NullPointerException for a null where the IDL says [ref]
     */
    final boolean allowedNull(Object value, String what, String kind) {
        if (value != null) {
            return false;
        }
        if (!unique) {
            throw new NullPointerException(what + ": null where the IDL says [ref] (" + kind + " that cannot be null)");
        }
        return true;
    }
}
