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

    /**
     * Lookups take no lock: while another thread adds and removes other keys (growing the table
     * and shifting probe chains), a reader always finds every key that stays in the map.
     */
    @Test
    void lockFreeLookupsNeverMissAKeyThatStays() throws Exception {
        LongObjectMap<String> m = new LongObjectMap<>();
        long[] stable = new long[200];
        for (int i = 0; i < stable.length; i++) {
            stable[i] = 0x7f0000000000L + 16L * (2 * i + 1); // odd slots; the writer uses even ones
            m.putIfAbsent(stable[i], "s" + i);
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<String> miss = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = new Thread(() -> {
            long lookups = 0;
            while (!stop.get() && miss.get() == null) {
                int i = (int) (lookups++ % stable.length);
                String v = m.get(stable[i]);
                if (!("s" + i).equals(v)) {
                    miss.set("key " + i + " read as " + v);
                }
            }
        });
        reader.start();
        Random rnd = new Random(7);
        try {
            for (int round = 0; round < 3000 && miss.get() == null; round++) {
                int n = 1 + rnd.nextInt(3000);
                for (int j = 0; j < n; j++) {
                    m.putIfAbsent(0x7f0000000000L + 32L * j, "w");
                }
                for (int j = 0; j < n; j++) {
                    m.remove(0x7f0000000000L + 32L * j);
                }
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        assertNull(miss.get());
        assertEquals(stable.length, m.size());
    }

    @Test
    void nullAddressIsRefusedAndAbsentKeysAreNull() {
        LongObjectMap<String> m = new LongObjectMap<>();
        assertThrows(IllegalArgumentException.class, () -> m.putIfAbsent(0, "x"));
        assertNull(m.get(42));
        assertNull(m.remove(42));
    }
}
