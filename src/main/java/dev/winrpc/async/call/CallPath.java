package dev.winrpc.async.call;

import dev.winrpc.async.pipe.PipeState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The states a call went through, and the one it is in: entered on the dispatcher thread, read
 * from any thread. Not a CopyOnWriteArrayList: a pipe call makes two or three transitions per
 * chunk, and copying the whole path on each of them made a streaming call quadratic in its
 * number of chunks.
 */
final class CallPath {

    private final List<PipeState> states = Collections.synchronizedList(new ArrayList<>());
    private volatile PipeState current;

    /** @param s the state the call enters (dispatcher thread, or before the call is shared) */
    void enter(PipeState s) {
        current = s;
        states.add(s);
    }

    /** @return the state the call is in, or null before its first */
    PipeState current() {
        return current;
    }

    /** @return a copy of every state entered, from the first */
    List<PipeState> snapshot() {
        return Collections.unmodifiableList(new ArrayList<>(states));
    }

    @Override
    public String toString() {
        return states.toString();
    }
}
