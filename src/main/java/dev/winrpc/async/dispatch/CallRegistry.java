package dev.winrpc.async.dispatch;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A dispatcher's calls, keyed by the native address of each call's RPC_ASYNC_STATE: what a
 * notification is delivered to, and what keeps each call's native memory and target reachable
 * until the runtime is done with it.
 *
 * <p>A call is live (notified through its dispatcher) or detached (its dispatcher closed while
 * the runtime could still write its state: no longer notified, and pinned in a set that is a
 * root of its own, so that nothing the runtime may write is collected even if the dispatcher
 * is). Moving a call between the two, and removing it, are atomic with respect to each other.
 */
final class CallRegistry {

    /** What {@link #remove} found. */
    enum Removed {
        /** The registration was live. */
        LIVE,
        /** It was detached, and others of this registry still are. */
        DETACHED,
        /** It was the last detached registration of this registry. */
        LAST_DETACHED,
        /** It was neither (closed already). */
        NONE
    }

    /** Detached registrations of every dispatcher: a root that keeps them reachable until closed. */
    private static final Set<Registration> DETACHED = ConcurrentHashMap.newKeySet();

    private final LongObjectMap<Registration> live = new LongObjectMap<>();
    /** This registry's registrations in {@link #DETACHED}. */
    private int detached;

    /**
     * @param r a new registration
     * @return false if its state is already registered here
     */
    synchronized boolean add(Registration r) {
        return live.putIfAbsent(r.stateAddress, r) == null;
    }

    /**
     * @param address a state's native address
     * @return the live registration of that state, or null; never allocates
     */
    Registration get(long address) {
        return live.get(address);
    }

    /** @return the number of live registrations */
    int size() {
        return live.size();
    }

    /** @return the live registrations, a snapshot */
    List<Registration> live() {
        return live.values();
    }

    /**
     * Moves a live registration to the detached set.
     *
     * @param r the registration
     * @return false if it was not live (closed meanwhile)
     */
    synchronized boolean detach(Registration r) {
        if (live.get(r.stateAddress) != r) {
            return false;
        }
        live.remove(r.stateAddress);
        DETACHED.add(r);
        detached++;
        return true;
    }

    /**
     * Forgets a registration, live or detached.
     *
     * @param r the registration
     * @return where it was
     */
    synchronized Removed remove(Registration r) {
        if (live.get(r.stateAddress) == r) {
            live.remove(r.stateAddress);
            return Removed.LIVE;
        }
        if (DETACHED.remove(r)) {
            return --detached == 0 ? Removed.LAST_DETACHED : Removed.DETACHED;
        }
        return Removed.NONE;
    }

    /** @return true if a registration of this registry is detached and not closed */
    synchronized boolean hasDetached() {
        return detached > 0;
    }

    /** @return the detached registrations of every dispatcher, not yet closed */
    static int detachedEverywhere() {
        return DETACHED.size();
    }
}
