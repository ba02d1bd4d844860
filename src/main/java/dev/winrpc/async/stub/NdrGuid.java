package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.UUID;

/**
 * GUID: Data1, Data2, Data3 in the machine's byte order, Data4 as bytes; a UUID's 128 bits
 * map to them in the order its string form shows (Data1 the first 8 hex digits, Data4 the last 16).
 */
final class NdrGuid extends NdrType<UUID> {

    NdrGuid() {
        super("GUID");
    }

    @Override
    long layoutSize() {
        return 16;
    }

    @Override
    int layoutAlignment() {
        return 4;
    }

    @Override
    void checkValue(Object value, String what, Object[] siblings) {
        if (value == null) {
            throw new NullPointerException(what + ": null where the IDL needs a GUID");
        }
        if (!(value instanceof UUID)) {
            throw new IllegalArgumentException(what + ": a " + value.getClass().getName() + " where a GUID (UUID) is needed");
        }
    }

    @Override
    void writeValue(Object value, Pointer p, long offset, Object[] siblings, NdrAllocator alloc) {
        UUID u = (UUID) value;
        long msb = u.getMostSignificantBits();
        long lsb = u.getLeastSignificantBits();
        p.setInt(offset, (int) (msb >>> 32));
        p.setShort(offset + 4, (short) (msb >>> 16));
        p.setShort(offset + 6, (short) msb);
        for (int i = 0; i < 8; i++) {
            p.setByte(offset + 8 + i, (byte) (lsb >>> (56 - 8 * i)));
        }
    }

    @Override
    Object readValue(Pointer p, long offset, Object[] siblings) {
        long msb = (Integer.toUnsignedLong(p.getInt(offset)) << 32) | (Short.toUnsignedLong(p.getShort(offset + 4)) << 16)
                | Short.toUnsignedLong(p.getShort(offset + 6));
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            lsb = (lsb << 8) | Byte.toUnsignedLong(p.getByte(offset + 8 + i));
        }
        return new UUID(msb, lsb);
    }
}
