package dev.winrpc.async.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.StampedLock;

/**
 * A map from nonzero native addresses to objects, with lookups that do not allocate (no
 * boxing) and take no lock: the registry a dispatcher searches on every notification. Open
 * addressing with linear probing and backward-shift deletion.
 *
 * <p>Writers (registrations, from any thread) hold a {@link StampedLock}'s write lock; a lookup
 * (the dispatcher thread, per notification) reads optimistically and validates its stamp, and
 * only when a write overlapped it does it read again under the read lock. On JDK 17, without
 * biased locking, a monitor costs a compare-and-swap per lookup, the largest part of the
 * completion-port dispatcher's per-notification time (docs/benchmarks.md).
 *
 * @param <V> the value type
 */
final class LongObjectMap<V> {

    /** Both arrays together, so that a reader never pairs one table's keys with another's values. */
    private static final class Table {
        final long[] keys;
        final Object[] values;

        Table(int capacity) {
            keys = new long[capacity];
            values = new Object[capacity];
        }
    }

    private final StampedLock lock = new StampedLock();
    /** Replaced whole when it grows; a reader keeps the one it read (validated by its stamp). */
    private volatile Table table = new Table(64);
    private int size;

    private static int hash(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    V get(long key) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            V v = find(table, key);
            if (lock.validate(stamp)) {
                return v;
            }
        }
        stamp = lock.readLock();
        try {
            return find(table, key);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Probes a table. Under an optimistic read the table may be changing: the probe is bounded
     * by its length and only ever reads in bounds, and what it returns is used only once the
     * stamp is valid.
     */
    @SuppressWarnings("unchecked")
    private static <V> V find(Table t, long key) {
        long[] k = t.keys;
        int mask = k.length - 1;
        int i = hash(key, mask);
        for (int n = 0; n <= mask; n++, i = (i + 1) & mask) {
            long c = k[i];
            if (c == key) {
                return (V) t.values[i];
            }
            if (c == 0) {
                return null;
            }
        }
        return null;
    }

    /** @return the previous value, or null (in which case the key was added) */
    @SuppressWarnings("unchecked")
    V putIfAbsent(long key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 (a NULL address)");
        }
        long stamp = lock.writeLock();
        try {
            if ((size + 1) * 2 > table.keys.length) {
                grow();
            }
            Table t = table;
            long[] keys = t.keys;
            int mask = keys.length - 1;
            for (int i = hash(key, mask); ; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    return (V) t.values[i];
                }
                if (keys[i] == 0) {
                    t.values[i] = value;
                    keys[i] = key;
                    size++;
                    return null;
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @SuppressWarnings("unchecked")
    V remove(long key) {
        long stamp = lock.writeLock();
        try {
            Table t = table;
            long[] keys = t.keys;
            Object[] values = t.values;
            int mask = keys.length - 1;
            int i = hash(key, mask);
            while (keys[i] != key) {
                if (keys[i] == 0) {
                    return null;
                }
                i = (i + 1) & mask;
            }
            V old = (V) values[i];
            // Backward-shift deletion keeps every probe chain unbroken.
            int hole = i;
            for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
                int home = hash(keys[j], mask);
                boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
                if (movable) {
                    keys[hole] = keys[j];
                    values[hole] = values[j];
                    hole = j;
                }
            }
            keys[hole] = 0;
            values[hole] = null;
            size--;
            return old;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    int size() {
        long stamp = lock.readLock();
        try {
            return size;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @SuppressWarnings("unchecked")
    List<V> values() {
        long stamp = lock.readLock();
        try {
            Table t = table;
            List<V> out = new ArrayList<>(size);
            for (int i = 0; i < t.keys.length; i++) {
                if (t.keys[i] != 0) {
                    out.add((V) t.values[i]);
                }
            }
            return out;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Under the write lock: fills a table twice the size, then publishes it. */
    private void grow() {
        Table old = table;
        Table t = new Table(old.keys.length * 2);
        int mask = t.keys.length - 1;
        for (int j = 0; j < old.keys.length; j++) {
            if (old.keys[j] != 0) {
                int i = hash(old.keys[j], mask);
                while (t.keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                t.keys[i] = old.keys[j];
                t.values[i] = old.values[j];
            }
        }
        table = t;
    }
}
