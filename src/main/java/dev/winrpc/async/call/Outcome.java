package dev.winrpc.async.call;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.raw.RpcErrors;

/**
 * How a call failed, and how the runtime's side of it ended: one record per call, written on
 * its dispatcher's thread only (read elsewhere only once the call has ended).
 *
 * <p>The first failure is kept: later ones are its consequences (a pipe that broke because the
 * call was cancelled, say). Two things may replace it: a server's application reply that did
 * reach a client which had cancelled non-abortively ({@link #forgive()}), and on the client the
 * server's fault, which is what the call ended with ({@link #supersede(Throwable)}).
 */
final class Outcome {

    private Throwable failure;
    /** The runtime's call is finished: its final RpcAsyncCompleteCall or RpcAsyncAbortCall was made. */
    private boolean finalized;
    /** RpcAsyncCompleteCall's final result, or the code a server aborted with. */
    private int finalStatus = RpcErrors.RPC_S_ASYNC_CALL_PENDING;
    /** The final call was RpcAsyncAbortCall (a server's). */
    private boolean aborted;

    /** @param t a failure; kept only if it is the first */
    void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    /** @return the failure kept, or null */
    Throwable failure() {
        return failure;
    }

    /** @return true once something failed the call */
    boolean failed() {
        return failure != null;
    }

    /** The server's reply went to a client that had asked (non-abortively) to cancel. */
    void forgive() {
        failure = null;
    }

    /** @param t replaces the failure kept (the client learns the server's fault last) */
    void supersede(Throwable t) {
        failure = t;
    }

    /**
     * The runtime's call is finished.
     *
     * @param status RpcAsyncCompleteCall's final result, or the abort code
     */
    void finalized(int status) {
        finalized = true;
        finalStatus = status;
    }

    /**
     * A server's call was aborted: final.
     *
     * @param code the code it was aborted with
     */
    void aborted(int code) {
        finalized(code);
        aborted = true;
    }

    /** @return true if the final call was RpcAsyncAbortCall */
    boolean wasAborted() {
        return aborted;
    }

    /** A client's call that never started: nothing for the runtime to finish. */
    void nothingToFinalize() {
        finalized = true;
    }

    /** @return true once the runtime's call is finished (or there was none) */
    boolean isFinalized() {
        return finalized;
    }

    /** @return RpcAsyncCompleteCall's final result or the abort code; RPC_S_ASYNC_CALL_PENDING before */
    int finalStatus() {
        return finalStatus;
    }

    /** @return true if the call ended with RPC_S_OK and nothing failed it */
    boolean succeeded() {
        return finalized && finalStatus == RpcErrors.RPC_S_OK && failure == null;
    }

    /**
     * What the application is told at the end: the failure kept, or the final status as an
     * exception, or null for a success.
     *
     * @return the failure, or null
     */
    Throwable atEnd() {
        if (failure != null) {
            return failure;
        }
        return finalStatus == RpcErrors.RPC_S_OK ? null : RpcException.of("RpcAsyncCompleteCall", finalStatus);
    }
}
