package dev.winrpc.async.raw;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * {@code RPC_WSTR}: {@code unsigned short *}, a NUL-terminated UTF-16 string. JNA's
 * {@code WString} is {@code wchar_t}, which is UTF-16 only on Windows (32 bits wide on Linux
 * and macOS, where the runtime simulator runs), so the raw layer passes RPC_WSTR as a
 * {@link Pointer} made and read here, the same on every platform.
 */
public final class RpcWstr {

    private RpcWstr() {
    }

    /**
     * {@return native memory holding s as UTF-16LE with a NUL, or null for null; it lives while the returned object is reachable}
     *
     * @param s a string, or null
     * @throws IllegalArgumentException if s contains a NUL character (the runtime would stop
     *         there)
     */
    public static Memory of(String s) {
        if (s == null) {
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an RPC_WSTR cannot contain a NUL character");
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
        Memory m = new Memory(b.length + 2L);
        m.write(0, b, 0, b.length);
        m.setShort(b.length, (short) 0);
        return m;
    }

    /**
     * {@return the string up to its NUL, or null for a NULL pointer}
     *
     * @param p an RPC_WSTR, or null
     */
    public static String read(Pointer p) {
        if (p == null) {
            return null;
        }
        int n = 0;
        while (p.getShort(2L * n) != 0) {
            n++;
        }
        return new String(p.getByteArray(0, 2 * n), StandardCharsets.UTF_16LE);
    }

    /**
     * {@return the string}
     *
     * @param p a buffer of UTF-16 characters, not necessarily NUL-terminated
     * @param bytes how many bytes of it hold the string (a trailing NUL, if any, is dropped)
     */
    public static String read(Pointer p, int bytes) {
        if (p == null || bytes <= 0) {
            return "";
        }
        String s = new String(p.getByteArray(0, bytes & ~1), StandardCharsets.UTF_16LE);
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }
}
