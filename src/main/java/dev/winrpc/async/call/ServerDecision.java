package dev.winrpc.async.call;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.winrpc.async.raw.Rpcrt4Direct;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server application's one decision about its call: a reply ({@link ServerCall#complete}) or
 * a fault ({@link ServerCall#abort}), taken once and atomically on the caller's thread.
 *
 * <p>The reply is written into the call's reply buffer there, on the caller's thread, so that a
 * reply that cannot be written is refused to its caller and never turns into a success. The
 * buffer is the call's own, and its lock keeps that write apart from a completion the table
 * makes without the application's reply (Comp reached by a failure), after which the buffer is
 * sealed.
 *
 * @param <R> the reply's Java type
 */
final class ServerDecision<R> {

    private static final int UNDECIDED = 0;
    private static final int COMPLETING = 1;
    private static final int ABORTING = 2;

    private final AtomicInteger decision = new AtomicInteger();
    private final Reply<R> reply;
    private final Memory buffer;
    /** The buffer went to RpcAsyncCompleteCall; guarded by the buffer's lock. */
    private boolean sealed;

    ServerDecision(Reply<R> reply, Memory buffer) {
        this.reply = reply;
        this.buffer = buffer;
    }

    /**
     * Takes the decision to complete, and writes the reply.
     *
     * @param value the reply
     * @return false if the call was already completed without the application's reply (a
     *         failure took it through Comp): the reply is dropped
     * @throws IllegalStateException if a decision was taken already
     * @throws IllegalArgumentException if the reply cannot be written (the decision is undone)
     */
    boolean complete(R value) {
        if (!decision.compareAndSet(UNDECIDED, COMPLETING)) {
            throw new IllegalStateException(decision.get() == COMPLETING
                    ? "complete was already called: a call completes once"
                    : "the call was aborted: it cannot be completed too");
        }
        synchronized (buffer) {
            if (sealed) {
                return false;
            }
            try {
                reply.write(buffer, value);
            } catch (RuntimeException e) {
                decision.set(UNDECIDED);
                throw new IllegalArgumentException("the reply " + value + " cannot be written as "
                        + reply + ": " + e, e);
            }
        }
        return true;
    }

    /** @throws IllegalStateException if the application already chose to complete */
    void checkNotCompleting() {
        if (decision.get() == COMPLETING) {
            throw new IllegalStateException("complete was already called: the call cannot be aborted too");
        }
    }

    /**
     * Takes the decision to abort.
     *
     * @throws IllegalStateException if a decision was taken already
     */
    void abort() {
        if (!decision.compareAndSet(UNDECIDED, ABORTING)) {
            throw new IllegalStateException(decision.get() == ABORTING
                    ? "abort was already called: a call is aborted once"
                    : "complete was already called: the call cannot be aborted too");
        }
    }

    /**
     * Dispatcher thread: seals the buffer and completes the call with it.
     *
     * @param pAsync the call's state
     * @param withReply true to send the application's reply; false to send a zeroed buffer
     *        (the call failed: the runtime discards it)
     * @return RpcAsyncCompleteCall's result
     */
    int completeCall(Pointer pAsync, boolean withReply) {
        synchronized (buffer) {
            sealed = true;
            if (!withReply) {
                buffer.clear();
            }
            return Rpcrt4Direct.RpcAsyncCompleteCall(pAsync, buffer);
        }
    }
}
