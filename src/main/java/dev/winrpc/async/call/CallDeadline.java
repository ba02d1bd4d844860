package dev.winrpc.async.call;

import dev.winrpc.async.Deadline;
import dev.winrpc.async.RpcDeadlineExceededException;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.Scheduled;
import dev.winrpc.async.pipe.PipeInput;
import dev.winrpc.async.raw.RpcErrors;
import java.time.Duration;

/**
 * A client call's {@link Deadline}: a timer on the call's dispatcher (no thread of its own),
 * counted from the moment the application started the call, armed once the runtime has the
 * call and cancelled at END. When it fires before END, the call takes the abortive cancel of
 * {@link ClientCall#cancel(boolean) cancel(true)} (the table's "To fail", RpcAsyncCancelCall,
 * then the completion as usual; past the "To fail", the abortive cancel a closing dispatcher
 * makes), and if the runtime then ends the call with RPC_S_CALL_CANCELLED its failure becomes
 * an {@link RpcDeadlineExceededException}. A reply the runtime had already taken stands:
 * exactly one outcome. A dispatcher that closes first fails the call with its own exception,
 * and the timer is dropped. Dispatcher thread only, except the constructor. (Why the library
 * keeps the time: docs/reference/deadlines.md.)
 */
final class CallDeadline {

    private final Duration duration;
    private final long startNanos = System.nanoTime();
    private Scheduled timer;
    /** The deadline's own cancel was made. */
    private boolean fired;

    /** @param deadline not none */
    CallDeadline(Deadline deadline) {
        this.duration = deadline.duration().orElseThrow();
    }

    /** @return a deadline for the call, or null for none */
    static CallDeadline of(Deadline deadline) {
        return deadline.isNone() ? null : new CallDeadline(deadline);
    }

    /**
     * The runtime has the call: arms the timer for what is left of the deadline.
     *
     * @param call the call
     */
    void arm(ClientCall<?> call) {
        long elapsed = System.nanoTime() - startNanos;
        Duration left = duration.minusNanos(Math.min(elapsed, Long.MAX_VALUE / 2));
        timer = call.dispatcher.schedule(left.isNegative() ? Duration.ZERO : left, () -> {
            timer = null;
            try {
                expired(call);
            } catch (Throwable t) {
                call.internalFailure(t);
            }
        });
    }

    /**
     * The deadline passed. A call that can still take its "To fail" takes cancel(true)'s path;
     * one past it (waiting for the reply after its null push, or completing) is cancelled
     * abortively outside the table, as a closing dispatcher does. Either is the deadline's own
     * only if nothing had failed or cancelled the call before; a non-abortive cancel of the
     * application's still waiting becomes abortive, and stays the application's.
     */
    private void expired(ClientCall<?> call) {
        if (call.isEnded() || call.dispatcherClosing) {
            return; // the close fails the call
        }
        boolean ours = !call.cancelIssued && !call.appFailPending && !call.outcome.failed();
        if (call.accepts(PipeInput.APP_FAIL)) {
            if (ours) {
                fired = true; // before the cancel, which may reach END at once
                call.cancel(true);
            }
            return; // otherwise a failure is on its way through the table
        }
        fired = ours && !call.outcome.isFinalized();
        call.cancelAbortively();
        call.act();
    }

    /**
     * END: the timer is cancelled (it leaves the dispatcher's queue), and what the call ended
     * with is told.
     *
     * @param failure the call's failure, or null for a success
     * @param outcome the call's record
     * @return the failure, as an {@link RpcDeadlineExceededException} if the deadline's cancel
     *         ended the call
     */
    Throwable atEnd(Throwable failure, Outcome outcome) {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (!fired || failure == null) {
            return failure;
        }
        int status = outcome.isFinalized() ? outcome.finalStatus()
                : failure instanceof RpcException ? ((RpcException) failure).status() : RpcErrors.RPC_S_OK;
        if (status != RpcErrors.RPC_S_CALL_CANCELLED) {
            return failure; // the runtime ended the call otherwise (the server's fault, say)
        }
        return new RpcDeadlineExceededException("RpcAsyncCompleteCall", status, duration, failure);
    }
}
