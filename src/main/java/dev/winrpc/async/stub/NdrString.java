package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.function.Consumer;

/** A [string] char * (ISO-8859-1) or wchar_t * (UTF-16): a pointer to NUL-terminated characters. */
final class NdrString extends NdrPointerShaped<String> {

    /** The longest string read back, in characters (the simulator's own bound is lower). */
    static final int MAX_CHARS = Integer.MAX_VALUE / 4;

    private final boolean wide;

    NdrString(boolean wide, boolean unique) {
        super((unique ? "[unique] " : "[ref] ") + (wide ? "[string] uint16_t *" : "[string] char *"), unique);
        this.wide = wide;
    }

    @Override
    void checkValue(Object value, String what, Object[] siblings) {
        if (allowedNull(value, what, "a [string]")) {
            return;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException(what + ": a " + value.getClass().getName() + " where a String is needed");
        }
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            throw new IllegalArgumentException(what + ": a [string] cannot hold NUL (at index " + nul + ")");
        }
        if (!wide) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 0xFF) {
                    throw new IllegalArgumentException(what + ": a [string] char * carries ISO-8859-1 only; U+"
                            + String.format("%04X", (int) s.charAt(i)) + " at index " + i + " is not in it");
                }
            }
        }
    }

    /**
     * Writes a checked string's characters and its NUL at chars (an [in, out, string] returned
     * in place: the caller checked that they fit).
     *
     * @throws IllegalStateException if type is not a string's descriptor
     */
    static void writeChars(NdrType<?> type, String s, Pointer chars) {
        if (!(type instanceof NdrString str)) {
            throw new IllegalStateException(type + " is not a [string] descriptor");
        }
        int n = s.length();
        if (str.wide) {
            short[] units = new short[n + 1];
            for (int i = 0; i < n; i++) {
                units[i] = (short) s.charAt(i);
            }
            chars.write(0, units, 0, n + 1);
        } else {
            byte[] bytes = new byte[n + 1];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) s.charAt(i);
            }
            chars.write(0, bytes, 0, n + 1);
        }
    }

    @Override
    void writeValue(Object value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc) {
        if (value == null) {
            p.setPointer(offset, null);
            return;
        }
        String s = (String) value;
        int n = s.length();
        Pointer q = allocate(alloc, (long) (n + 1) * (wide ? 2 : 1));
        if (wide) {
            short[] units = new short[n + 1];
            for (int i = 0; i < n; i++) {
                units[i] = (short) s.charAt(i);
            }
            q.write(0, units, 0, n + 1);
        } else {
            byte[] bytes = new byte[n + 1];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) s.charAt(i);
            }
            q.write(0, bytes, 0, n + 1);
        }
        p.setPointer(offset, q);
    }

    @Override
    Object readValue(Pointer p, long offset, Object[] siblings) {
        Pointer q = p.getPointer(offset);
        if (q == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (long i = 0;; i++) {
            char c = wide ? (char) q.getShort(2 * i) : (char) (q.getByte(i) & 0xFF);
            if (c == 0) {
                return b.toString();
            }
            if (b.length() >= MAX_CHARS) {
                throw new IllegalStateException("a [string] longer than " + MAX_CHARS + " characters");
            }
            b.append(c);
        }
    }

    @Override
    void freeValue(Pointer p, long offset, Object[] siblings, Consumer<Pointer> free) {
        Pointer q = p.getPointer(offset);
        if (q != null) {
            free.accept(q);
        }
    }
}
