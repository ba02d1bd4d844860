package dev.winrpc.async.dispatch;

import java.util.ArrayList;
import java.util.List;

/**
 * A map from nonzero native addresses to objects, with lookups that do not allocate (no
 * boxing): the registry a dispatcher searches on every notification. Open addressing with
 * linear probing and backward-shift deletion; every method is synchronized (lookups come from
 * the dispatcher thread, registrations from any thread, and an uncontended lock is cheap).
 *
 * @param <V> the value type
 */
final class LongObjectMap<V> {

    private long[] keys;
    private Object[] values;
    private int size;

    LongObjectMap() {
        keys = new long[64];
        values = new Object[64];
    }

    private static int hash(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    @SuppressWarnings("unchecked")
    synchronized V get(long key) {
        long[] k = keys;
        int mask = k.length - 1;
        for (int i = hash(key, mask); ; i = (i + 1) & mask) {
            long c = k[i];
            if (c == key) {
                return (V) values[i];
            }
            if (c == 0) {
                return null;
            }
        }
    }

    /** @return the previous value, or null (in which case the key was added) */
    @SuppressWarnings("unchecked")
    synchronized V putIfAbsent(long key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 (a NULL address)");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = hash(key, mask); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return (V) values[i];
            }
            if (keys[i] == 0) {
                keys[i] = key;
                values[i] = value;
                size++;
                return null;
            }
        }
    }

    @SuppressWarnings("unchecked")
    synchronized V remove(long key) {
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
    }

    synchronized int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    synchronized List<V> values() {
        List<V> out = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                out.add((V) values[i]);
            }
        }
        return out;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0) {
                int i = hash(oldKeys[j], mask);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }
}
