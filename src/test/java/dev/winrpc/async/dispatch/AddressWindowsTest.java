package dev.winrpc.async.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reads through the address windows equal what JNA reads at the same addresses. */
class AddressWindowsTest {

    @Test
    void readsEqualJnasAcrossManyWindowsInAnyOrder() {
        // 4 KiB windows, so that these blocks fall into many more windows than are kept.
        AddressWindows w = new AddressWindows(12);
        List<Memory> blocks = new ArrayList<>();
        Random rnd = new Random(3);
        for (int i = 0; i < 64; i++) {
            Memory m = new Memory(8192 + rnd.nextInt(8192));
            for (long off = 0; off + 4 <= m.size(); off += 4) {
                m.setInt(off, rnd.nextInt());
            }
            blocks.add(m);
        }
        for (int n = 0; n < 20_000; n++) {
            Memory m = blocks.get(rnd.nextInt(blocks.size()));
            long off = 4L * rnd.nextInt((int) (m.size() / 4));
            long address = Pointer.nativeValue(m) + off;
            assertEquals(m.getInt(off), w.getInt(address), "at offset " + off);
        }
    }

    @Test
    void theDefaultWindowReadsAState() {
        AddressWindows w = new AddressWindows();
        Memory m = new Memory(256);
        m.setInt(60, 0x12345678);
        assertEquals(0x12345678, w.getInt(Pointer.nativeValue(m) + 60));
        m.setInt(60, -7); // a view reads memory, not a copy
        assertEquals(-7, w.getInt(Pointer.nativeValue(m) + 60));
    }
}
