package dev.winrpc.async.stub;

import com.sun.jna.Pointer;

/** A base type: an integer, a float, boolean or wchar_t, by value. */
final class NdrPrim<T> extends NdrType<T> {

    /** The Java representation, with its C size. */
    enum Kind {
        BYTE(1, Byte.class, byte[].class),
        SHORT(2, Short.class, short[].class),
        INT(4, Integer.class, int[].class),
        LONG(8, Long.class, long[].class),
        FLOAT(4, Float.class, float[].class),
        DOUBLE(8, Double.class, double[].class),
        BOOLEAN(1, Boolean.class, boolean[].class),
        CHAR(2, Character.class, char[].class);

        final int size;
        final Class<?> box;
        final Class<?> array;

        Kind(int size, Class<?> box, Class<?> array) {
            this.size = size;
            this.box = box;
            this.array = array;
        }
    }

    final Kind kind;

    NdrPrim(String name, Kind kind) {
        super(name);
        this.kind = kind;
    }

    @Override
    long layoutSize() {
        return kind.size;
    }

    @Override
    int layoutAlignment() {
        return kind.size;
    }

    @Override
    void checkValue(Object value, String what, Object[] siblings) {
        if (value == null) {
            throw new NullPointerException(what + ": null where the IDL needs a " + this);
        }
        if (!kind.box.isInstance(value)) {
            throw new IllegalArgumentException(what + ": a " + value.getClass().getName() + " where a " + this + " ("
                    + kind.box.getSimpleName() + ") is needed");
        }
    }

    @Override
    void writeValue(Object value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc) {
        switch (kind) {
            case BYTE -> p.setByte(offset, (Byte) value);
            case SHORT -> p.setShort(offset, (Short) value);
            case INT -> p.setInt(offset, (Integer) value);
            case LONG -> p.setLong(offset, (Long) value);
            case FLOAT -> p.setFloat(offset, (Float) value);
            case DOUBLE -> p.setDouble(offset, (Double) value);
            case BOOLEAN -> p.setByte(offset, (byte) ((Boolean) value ? 1 : 0));
            case CHAR -> p.setShort(offset, (short) (char) (Character) value);
        }
    }

    @Override
    Object readValue(Pointer p, long offset, Object[] siblings) {
        return switch (kind) {
            case BYTE -> p.getByte(offset);
            case SHORT -> p.getShort(offset);
            case INT -> p.getInt(offset);
            case LONG -> p.getLong(offset);
            case FLOAT -> p.getFloat(offset);
            case DOUBLE -> p.getDouble(offset);
            case BOOLEAN -> p.getByte(offset) != 0;
            case CHAR -> (char) p.getShort(offset);
        };
    }

    /** Writes count elements of a Java primitive array (already checked) at p+offset. */
    void writeArray(Object array, int count, Pointer p, long offset) {
        switch (kind) {
            case BYTE -> p.write(offset, (byte[]) array, 0, count);
            case SHORT -> p.write(offset, (short[]) array, 0, count);
            case INT -> p.write(offset, (int[]) array, 0, count);
            case LONG -> p.write(offset, (long[]) array, 0, count);
            case FLOAT -> p.write(offset, (float[]) array, 0, count);
            case DOUBLE -> p.write(offset, (double[]) array, 0, count);
            case BOOLEAN -> {
                boolean[] a = (boolean[]) array;
                byte[] b = new byte[count];
                for (int i = 0; i < count; i++) {
                    b[i] = (byte) (a[i] ? 1 : 0);
                }
                p.write(offset, b, 0, count);
            }
            case CHAR -> {
                // not Pointer.write(char[]): JNA writes wchar_t, 4 bytes on Linux
                char[] a = (char[]) array;
                short[] s = new short[count];
                for (int i = 0; i < count; i++) {
                    s[i] = (short) a[i];
                }
                p.write(offset, s, 0, count);
            }
        }
    }

    /** Reads count elements into a new Java primitive array. */
    Object readArray(Pointer p, long offset, int count) {
        return switch (kind) {
            case BYTE -> p.getByteArray(offset, count);
            case SHORT -> p.getShortArray(offset, count);
            case INT -> p.getIntArray(offset, count);
            case LONG -> p.getLongArray(offset, count);
            case FLOAT -> p.getFloatArray(offset, count);
            case DOUBLE -> p.getDoubleArray(offset, count);
            case BOOLEAN -> {
                byte[] b = p.getByteArray(offset, count);
                boolean[] a = new boolean[count];
                for (int i = 0; i < count; i++) {
                    a[i] = b[i] != 0;
                }
                yield a;
            }
            case CHAR -> {
                short[] s = p.getShortArray(offset, count);
                char[] a = new char[count];
                for (int i = 0; i < count; i++) {
                    a[i] = (char) s[i];
                }
                yield a;
            }
        };
    }

    /** {@return the length of a Java primitive array of this kind} */
    static int arrayLength(Object array) {
        return java.lang.reflect.Array.getLength(array);
    }
}
