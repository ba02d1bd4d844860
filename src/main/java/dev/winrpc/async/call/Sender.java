package dev.winrpc.async.call;

import static dev.winrpc.async.pipe.PipeInput.CALL_FAILED;
import static dev.winrpc.async.pipe.PipeInput.FAILED;
import static dev.winrpc.async.pipe.PipeInput.FAILURE;
import static dev.winrpc.async.pipe.PipeInput.NO_NOTIFICATION;
import static dev.winrpc.async.pipe.PipeInput.OK;
import static dev.winrpc.async.pipe.PipeInput.SENT_LAST;
import static dev.winrpc.async.pipe.PipeInput.SENT_MORE;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.pipe.Action;
import dev.winrpc.async.pipe.Side;
import dev.winrpc.async.raw.ASYNC_PIPE;
import dev.winrpc.async.raw.RpcErrors;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The pipe engine of the pipe a side sends (a client's [in] pipe, a server's [out] pipe): the
 * actions {@link dev.winrpc.async.pipe.Action#PUSH}, {@link dev.winrpc.async.pipe.Action#WAIT_SEND},
 * {@link dev.winrpc.async.pipe.Action#NULL_PUSH} and
 * {@link dev.winrpc.async.pipe.Action#WAIT_NULL_PUSH}, and the RpcSendComplete notification.
 * One push is in flight at a time; the next waits for its RpcSendComplete (which may cover
 * several pushes: they collapse). Dispatcher thread only.
 */
final class Sender {

    private final CallMachine<?> call;
    final PipeWriter<?> writer;
    /** The runtime's pipe structure; set when the call starts (client) or is accepted (server). */
    ASYNC_PIPE pipe;
    /** Pushes (and the null push) not yet covered by an RpcSendComplete. */
    private int outstandingSends;
    /** A push (or the null push) has been made. */
    private boolean pushed;
    /**
     * Chunks at the head of the writer's in-flight list that an RpcSendComplete covered and that
     * are not yet given back, and whether it covered the null push: see
     * {@link #onSendCompleteNotified}.
     */
    private int covered;
    private boolean coveredEnd;
    /** A client's first push waits one turn of the dispatcher's loop: 0 before, 1 during, 2 after (see afterSend). */
    private int firstTurn;

    Sender(CallMachine<?> call, PipeWriter<?> writer) {
        this.call = call;
        this.writer = writer;
        writer.attach(call);
    }

    /** PUSH: the next chunk, once the application has given one. @return true if the call moved */
    boolean push() {
        if (!writer.hasChunk()) {
            if (writer.drained() && !writer.nullPushed) {
                // A pipe with no element at all: its first push is the null push. (Only a
                // server's [out] pipe gets here: a client enters its push state with a chunk.)
                return nullPushNow();
            }
            return false; // waiting for the application's next chunk
        }
        PipeWriter.Chunk k = writer.queue.poll();
        int st = pipe.push(k.memory, k.count);
        if (st != RpcErrors.RPC_S_OK) {
            releaseCovered(); // they were sent, whatever happens to this one
            call.outcome.fail(RpcException.runtimeFailure("ASYNC_PIPE.push", st));
            k.releaseAndFail(call.outcome.failure()); // refused: the runtime did not take it
            call.apply(FAILED);
            return true;
        }
        int sentCount = k.count; // the chunk is not touched once in flight (a block's is reused)
        writer.inFlight.add(k);
        call.trace.sent((long) sentCount * writer.elementSize());
        outstandingSends++;
        pushed = true;
        call.apply(OK);
        // The chunks an RpcSendComplete covered go home only now that the runtime has the next
        // one (onSendCompleteNotified): the application refills them while it is sent. Here,
        // inside the call's act(), what their pool's callbacks send only queues.
        releaseCovered();
        return true;
    }

    /** NULL_PUSH: the end of the data. @return true if the call moved */
    boolean nullPush() {
        if (writer.nullPushed) {
            call.apply(OK); // done already, from the push state (an empty pipe)
            return true;
        }
        return nullPushNow();
    }

    private boolean nullPushNow() {
        int st = pipe.push(null, 0);
        if (st != RpcErrors.RPC_S_OK) {
            call.outcome.fail(RpcException.runtimeFailure("ASYNC_PIPE.push (null push)", st));
            call.apply(FAILED);
            return true;
        }
        writer.nullPushed = true;
        outstandingSends++;
        pushed = true;
        call.apply(OK);
        return true;
    }

    /** WAIT_SEND: where to go once nothing is outstanding. @return true if the call moved */
    boolean afterSend() {
        if (call.callComplete && call.accepts(CALL_FAILED)) {
            // "If a failure RpcCallComplete is received go Comp": the call ended before the
            // client sent everything.
            call.apply(CALL_FAILED);
            return true;
        }
        if (call.outcome.failed() && call.accepts(FAILURE)) {
            call.apply(FAILURE); // "If a failure is received go Comp"
            return true;
        }
        if (outstandingSends > 0) {
            return false;
        }
        if (!pushed && firstTurn < 2 && call.table.side() == Side.CLIENT) {
            // The client tables go from C to WS: a runtime may send an RpcSendComplete for the
            // call itself, queued before the stub returned. The first push waits one turn of
            // the loop (its alertable wait runs what is queued), so that such a notification
            // meets no push outstanding and cannot be taken for the first push's.
            if (firstTurn == 0) {
                firstTurn = 1;
                call.dispatcher.execute(() -> {
                    firstTurn = 2;
                    call.act();
                });
            }
            return false;
        }
        if (writer.hasChunk()) {
            call.apply(SENT_MORE);
            return true;
        }
        if (writer.drained()) {
            call.apply(SENT_LAST);
            return true;
        }
        return false; // waiting for the application
    }

    /**
     * WAIT_NULL_PUSH: "If a success is received go Comp". The page leaves the wait unbounded;
     * the side's bound ({@link AsyncCall#nullPushBound()}) ends it as "On failure to get a
     * completion".
     *
     * @return true if the call moved
     */
    boolean afterNullPush() {
        if (outstandingSends == 0) {
            call.unbound();
            call.apply(SENT_LAST);
            return true;
        }
        Duration limit = call.nullPushBound();
        call.bound(limit, () -> {
            if (call.action() == Action.WAIT_NULL_PUSH && outstandingSends > 0) {
                call.outcome.fail(new TimeoutException("the null push's RpcSendComplete did not come within "
                        + limit + ": the call is aborted"));
                call.apply(NO_NOTIFICATION);
            }
        });
        return false;
    }

    /** @return pushes (and the null push) not yet covered by an RpcSendComplete */
    int outstandingSends() {
        return outstandingSends;
    }

    /** RpcSendComplete, with a push outstanding: every push so far has been sent. */
    void onSendComplete() {
        outstandingSends = 0; // several pushes may collapse into one notification
        covered = 0; // what it covered is completed below with the rest
        writer.sendsCompleted();
    }

    /**
     * RpcSendComplete from a notification, before the call acts on it. Where the call will push
     * the next chunk at once (one is queued, in WAIT_SEND, nothing failed), the chunks sent so
     * far are given back right after that push rather than before it: a zero-copy writer's
     * blocks then go home, and the application refills them, while the runtime sends the next
     * one, instead of on the way to it. Otherwise as {@link #onSendComplete()}.
     */
    void onSendCompleteNotified() {
        if (call.action() == Action.WAIT_SEND && writer.hasChunk() && !call.callComplete && !call.outcome.failed()) {
            outstandingSends = 0;
            covered = writer.inFlight.size(); // released by push(), or by act()'s end whatever the call did
            coveredEnd = writer.nullPushed;
            return;
        }
        onSendComplete();
    }

    /** Gives back what an RpcSendComplete covered and {@link #onSendCompleteNotified} kept. */
    void releaseCovered() {
        int n = covered;
        if (n > 0) {
            covered = 0;
            writer.sendsCompleted(n, coveredEnd);
        }
    }

    /**
     * A server about to complete with its [out] pipe still open (Comp reached by a failure:
     * "If a failure is received go Comp") ends the pipe first. Best effort: when the call has
     * already failed the push fails too, and the runtime accepts the completion anyway.
     */
    void endBeforeCompletion() {
        if (!writer.nullPushed) {
            writer.nullPushed = true;
            pipe.push(null, 0);
        }
    }
}
