package dev.winrpc.async.dispatch;

import java.util.Arrays;

/**
 * A dispatcher's timers ({@link Scheduled}), earliest first: a binary heap in which each timer
 * knows its index, so that a timer cancelled on the dispatcher's thread leaves the heap at once
 * (O(log n), as netty's DefaultPriorityQueue) instead of waiting there until it would have
 * fired. A call's deadline is cancelled when the call ends, typically long before it would
 * fire: without this, a dispatcher serving many short calls with long deadlines would keep
 * one dead timer per call. Dispatcher thread only.
 */
final class TimerQueue {

    private Scheduled[] heap = new Scheduled[16];
    private int size;

    /** @param t a timer not in any queue; ignored if already cancelled */
    void add(Scheduled t) {
        if (t.isCancelled() || t.index >= 0) {
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.index = size;
        heap[size++] = t;
        siftUp(t.index);
    }

    /** @return the earliest timer, or null */
    Scheduled peek() {
        return size == 0 ? null : heap[0];
    }

    /** @return the earliest timer, taken out, or null */
    Scheduled poll() {
        Scheduled t = peek();
        if (t != null) {
            removeAt(0);
        }
        return t;
    }

    /** @param t a timer; taken out if it is in this queue */
    void remove(Scheduled t) {
        int i = t.index;
        if (i >= 0 && i < size && heap[i] == t) {
            removeAt(i);
        }
    }

    /** @return the number of timers queued (cancelled ones included until they are taken out) */
    int size() {
        return size;
    }

    /** Forgets every timer (the dispatcher's loop has ended: none will run). */
    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].index = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void removeAt(int i) {
        Scheduled gone = heap[i];
        gone.index = -1;
        Scheduled last = heap[--size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.index = i;
            siftDown(i);
            if (heap[i] == last) {
                siftUp(i);
            }
        }
    }

    private void siftUp(int i) {
        Scheduled t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Scheduled p = heap[parent];
            if (t.compareTo(p) >= 0) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i) {
        Scheduled t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].compareTo(heap[child]) < 0) {
                child = right;
            }
            if (t.compareTo(heap[child]) <= 0) {
                break;
            }
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = t;
        t.index = i;
    }
}
