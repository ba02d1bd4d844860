package dev.winrpc.async.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The dispatcher's address registry behaves like a map under any mix of operations. */
class LongObjectMapTest {

    @Test
    void randomOperationsAgreeWithHashMap() {
        for (long seed = 1; seed <= 20; seed++) {
            Random rnd = new Random(seed);
            LongObjectMap<String> m = new LongObjectMap<>();
            Map<Long, String> ref = new HashMap<>();
            for (int op = 0; op < 20_000; op++) {
                // Addresses cluster like real allocations: 16-byte aligned, in a few regions.
                long key = 0x7f0000000000L + (rnd.nextInt(4) << 24) + 16L * rnd.nextInt(3000);
                switch (rnd.nextInt(3)) {
                    case 0:
                        String v = "v" + op;
                        assertEquals(ref.putIfAbsent(key, v), m.putIfAbsent(key, v), "seed " + seed);
                        break;
                    case 1:
                        assertEquals(ref.remove(key), m.remove(key), "seed " + seed);
                        break;
                    default:
                        assertEquals(ref.get(key), m.get(key), "seed " + seed);
                }
                assertEquals(ref.size(), m.size());
            }
            for (Map.Entry<Long, String> e : ref.entrySet()) {
                assertSame(e.getValue(), m.get(e.getKey()));
            }
            assertEquals(ref.size(), m.values().size());
        }
    }

    @Test
    void nullAddressIsRefusedAndAbsentKeysAreNull() {
        LongObjectMap<String> m = new LongObjectMap<>();
        assertThrows(IllegalArgumentException.class, () -> m.putIfAbsent(0, "x"));
        assertNull(m.get(42));
        assertNull(m.remove(42));
    }
}
