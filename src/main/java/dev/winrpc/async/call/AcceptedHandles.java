package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4Direct;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The asynchronous handles (pAsync) of the server calls accepted and not yet completed or
 * aborted: a second accept of one is refused before anything is touched. A handle leaves just
 * before the final RpcAsyncCompleteCall or RpcAsyncAbortCall on it, after which the runtime may
 * reuse its address for another call.
 */
final class AcceptedHandles {

    private static final Set<Long> LIVE = ConcurrentHashMap.newKeySet();

    private AcceptedHandles() {
    }

    /**
     * Claims a handle for the call being accepted.
     *
     * @throws IllegalStateException if it was accepted already: the call belongs to the first
     *         ServerCall, which is left alone (aborting here would abort it)
     */
    static void claim(Pointer pAsync) {
        if (!LIVE.add(Pointer.nativeValue(pAsync))) {
            throw new IllegalStateException("the call at pAsync " + pAsync + " was accepted already: "
                    + "a manager routine accepts its call once");
        }
    }

    /** Lets a handle go: its final native call follows at once, or it was never accepted. */
    static void release(Pointer pAsync) {
        LIVE.remove(Pointer.nativeValue(pAsync));
    }

    /**
     * A claimed handle whose ServerCall could not be built (a pipe end already in use, no reply
     * type, ...): the runtime's call must still end (D, "To fail gracefully": A) before the
     * error is thrown; what the abort throws is added to it.
     */
    static void abortUnbuilt(Pointer pAsync, Throwable error) {
        release(pAsync);
        try {
            Rpcrt4Direct.RpcAsyncAbortCall(pAsync, RpcErrors.RPC_S_CALL_FAILED);
        } catch (Throwable again) {
            error.addSuppressed(again);
        }
    }
}
