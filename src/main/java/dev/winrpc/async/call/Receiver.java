package dev.winrpc.async.call;

import static dev.winrpc.async.pipe.PipeInput.APP_FAIL;
import static dev.winrpc.async.pipe.PipeInput.FAILED;
import static dev.winrpc.async.pipe.PipeInput.PULLED_DATA;
import static dev.winrpc.async.pipe.PipeInput.PULLED_END;
import static dev.winrpc.async.pipe.PipeInput.PULL_PENDING;
import static dev.winrpc.async.pipe.PipeInput.RECEIVED_DATA;
import static dev.winrpc.async.pipe.PipeInput.RECEIVED_END;
import static dev.winrpc.async.pipe.PipeInput.RECEIVE_FAILED;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.pipe.Action;
import dev.winrpc.async.raw.ASYNC_PIPE;
import dev.winrpc.async.raw.RpcErrors;

/**
 * The pipe engine of the pipe a side receives (a client's [out] pipe, a server's [in] pipe):
 * the actions {@link Action#PULL} and {@link Action#WAIT_PULL}, and the RpcReceiveComplete
 * notification. It pulls only while the application has asked for data. Dispatcher thread only.
 */
final class Receiver {

    private final CallMachine<?> call;
    final PipeReader<?> reader;
    /** The runtime's pipe structure; set when the call starts (client) or is accepted (server). */
    ASYNC_PIPE pipe;
    /** RpcReceiveComplete arrived in WAIT_PULL: the pull may be made again. */
    private boolean ready;
    /** A pull returned RPC_S_ASYNC_CALL_PENDING and its RpcReceiveComplete has not come yet. */
    private boolean pending;

    Receiver(CallMachine<?> call, PipeReader<?> reader) {
        this.call = call;
        this.reader = reader;
        reader.attach(call);
    }

    /**
     * PULL, or the pull WAIT_PULL makes again once told the data is there.
     *
     * @param afterNotification true in WAIT_PULL
     * @return true if the call moved
     */
    boolean pull(boolean afterNotification) {
        PipeReader<?> r = reader;
        if (!afterNotification && !r.wantsData()) {
            return false;
        }
        ready = false;
        int st = pipe.pull(r.buffer, r.chunkElements(), r.count);
        if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            pending = true;
            if (afterNotification) {
                return false; // not there yet after all: wait for the next RpcReceiveComplete
            }
            call.apply(PULL_PENDING);
            return true;
        }
        if (st != RpcErrors.RPC_S_OK) {
            call.outcome.fail(RpcException.runtimeFailure("ASYNC_PIPE.pull", st));
            r.fail(call.outcome.failure());
            call.apply(afterNotification ? RECEIVE_FAILED : FAILED);
            return true;
        }
        int n = r.count.getValue();
        if (n == 0) {
            r.end();
        } else {
            call.trace.received((long) n * r.elementSize());
            deliver(r, n);
        }
        if (call.appFailPending && call.accepts(APP_FAIL)) {
            // The application's subscriber threw on this chunk or on the end: the state's "To
            // fail", before the table moves on (and past a Comp that could only complete).
            call.appFailPending = false;
            call.apply(APP_FAIL);
            return true;
        }
        if (n == 0) {
            call.apply(afterNotification ? RECEIVED_END : PULLED_END);
        } else {
            call.apply(afterNotification ? RECEIVED_DATA : PULLED_DATA);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static <T> void deliver(PipeReader<T> r, int n) {
        if (!r.lends()) {
            r.deliver(r.decode(n));
            return;
        }
        // Lent for the callbacks deliver runs now; dead before the buffer is pulled into again.
        PipeView v = new PipeView(r.buffer, r.bytes, r.elementSize(), n);
        try {
            ((PipeReader<PipeView>) r).deliver(v);
        } finally {
            v.revoke();
        }
    }

    /** WAIT_PULL. @return true if the call moved */
    boolean afterReceive() {
        return ready && pull(true);
    }

    /** @return true if a pull returned RPC_S_ASYNC_CALL_PENDING and no RpcReceiveComplete came yet */
    boolean pullOutstanding() {
        return pending;
    }

    /** @return true if the call waits for a pull's RpcReceiveComplete (WAIT_PULL) */
    boolean waiting() {
        return call.action() == Action.WAIT_PULL;
    }

    /** RpcReceiveComplete, or a notification taken for one: the pull may be made again. */
    void onReceiveComplete() {
        pending = false;
        ready = true;
    }

    /** The call left its wait (a cancel, a failure) with a pull outstanding, which nobody will make again. */
    void forgetPending() {
        pending = false;
    }

}
