package dev.winrpc.async.pipe;

import static dev.winrpc.async.pipe.PipeInput.APP_FAIL;
import static dev.winrpc.async.pipe.PipeInput.CALL_COMPLETE;
import static dev.winrpc.async.pipe.PipeInput.CALL_FAILED;
import static dev.winrpc.async.pipe.PipeInput.FAILED;
import static dev.winrpc.async.pipe.PipeInput.FAILURE;
import static dev.winrpc.async.pipe.PipeInput.FATAL;
import static dev.winrpc.async.pipe.PipeInput.NO_NOTIFICATION;
import static dev.winrpc.async.pipe.PipeInput.OK;
import static dev.winrpc.async.pipe.PipeInput.PULLED_DATA;
import static dev.winrpc.async.pipe.PipeInput.PULLED_END;
import static dev.winrpc.async.pipe.PipeInput.PULL_PENDING;
import static dev.winrpc.async.pipe.PipeInput.RECEIVED_DATA;
import static dev.winrpc.async.pipe.PipeInput.RECEIVED_END;
import static dev.winrpc.async.pipe.PipeInput.RECEIVE_FAILED;
import static dev.winrpc.async.pipe.PipeInput.SENT_LAST;
import static dev.winrpc.async.pipe.PipeInput.SENT_MORE;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a call does in a state of its table: the page's "Action" column, as the thing a call
 * executes. Each state of a table carries one action ({@link PipeProtocol#action(PipeState)});
 * the call's step is a switch on it.
 *
 * <p>The action, not the state's letter, says what happens: {@link PipeState#P} is
 * {@link #PUSH} in the IN client and OUT server tables and {@link #PULL} in the OUT client and
 * IN server tables, and {@link PipeState#WP} is {@link #WAIT_SEND} or {@link #WAIT_PULL} the
 * same way.
 *
 * <p>Each action names the outcomes it can produce ({@link #outcomes()}), the side whose tables
 * may use it ({@link #side()}), and whether it needs a pipe this side sends or receives; the
 * table builder refuses a row that lists an outcome its action cannot produce, or an action the
 * table's side or pipe kind cannot perform.
 */
public enum Action {
    /** C, "Make the RPC": the client stub starts the call (left by the code that starts it). */
    MAKE_CALL(Side.CLIENT, Pipe.NONE, OK, FAILED, APP_FAIL),
    /** D, "The call is dispatched by the RPC runtime" (left by the code that accepts it). */
    DISPATCH(Side.SERVER, Pipe.NONE, OK, FATAL, APP_FAIL),
    /** "Make a push" of the next chunk of data. */
    PUSH(null, Pipe.SENDS, OK, FAILED, APP_FAIL),
    /** "Wait for notification" of a push: RpcSendComplete. */
    WAIT_SEND(null, Pipe.SENDS, NO_NOTIFICATION, SENT_MORE, SENT_LAST, CALL_FAILED, FAILURE, APP_FAIL),
    /** "Push 0 bytes (null push)": the end of the data. */
    NULL_PUSH(null, Pipe.SENDS, OK, FAILED, APP_FAIL),
    /** "Wait for Null Push": the notification of the null push. */
    WAIT_NULL_PUSH(Side.SERVER, Pipe.SENDS, NO_NOTIFICATION, SENT_LAST, FAILURE, APP_FAIL),
    /** "Make a pull". */
    PULL(null, Pipe.RECEIVES, FAILED, PULLED_DATA, PULLED_END, PULL_PENDING, APP_FAIL),
    /** "Wait for notification" of a pending pull: RpcReceiveComplete. */
    WAIT_PULL(null, Pipe.RECEIVES, NO_NOTIFICATION, RECEIVE_FAILED, RECEIVED_DATA, RECEIVED_END, FAILURE,
            APP_FAIL),
    /** "Call RpcAsyncCancelCall" (client only). */
    CANCEL(Side.CLIENT, Pipe.NONE, OK, FAILED),
    /** "Wait for notification. Call-complete notification should be received." (client only) */
    WAIT_COMPLETION(Side.CLIENT, Pipe.NONE, CALL_COMPLETE, NO_NOTIFICATION, APP_FAIL),
    /** "Call RpcAsyncAbortCall" (server only). */
    ABORT(Side.SERVER, Pipe.NONE, OK, FAILED),
    /** "Issue RpcAsyncCompleteCall": the client takes the reply, the server sends it. */
    COMPLETE(null, Pipe.NONE, OK, FAILED, APP_FAIL, FAILURE),
    /** End: the call is over; nothing leaves it. */
    END(null, Pipe.NONE);

    /** Which pipe an action needs on its side of the call. */
    enum Pipe {
        /** None. */
        NONE,
        /** A pipe this side sends: a client's [in], a server's [out]. */
        SENDS,
        /** A pipe this side receives: a client's [out], a server's [in]. */
        RECEIVES
    }

    private final Side side;
    private final Pipe pipe;
    private final Set<PipeInput> outcomes;

    Action(Side side, Pipe pipe, PipeInput... outcomes) {
        this.side = side;
        this.pipe = pipe;
        EnumSet<PipeInput> s = EnumSet.noneOf(PipeInput.class);
        Collections.addAll(s, outcomes);
        this.outcomes = Collections.unmodifiableSet(s);
    }

    /**
     * The side whose tables may use this action.
     *
     * @return {@link Side#CLIENT} or {@link Side#SERVER}, or null if both may
     */
    public Side side() {
        return side;
    }

    /**
     * The outcomes this action can produce: the only inputs a row with this action may list.
     *
     * @return an unmodifiable set; empty for {@link #END}
     */
    public Set<PipeInput> outcomes() {
        return outcomes;
    }

    /** {@return true if the action moves data this side of the call sends} */
    public boolean sends() {
        return pipe == Pipe.SENDS;
    }

    /** {@return true if the action moves data this side of the call receives} */
    public boolean receives() {
        return pipe == Pipe.RECEIVES;
    }

    /**
     * Whether a state with this letter may carry this action: {@link PipeState#P} pushes or
     * pulls, {@link PipeState#WP} waits for a push or for a pull, and every other letter names
     * one action.
     *
     * @param state a state letter
     * @return true if the pair makes sense
     */
    public boolean fits(PipeState state) {
        switch (state) {
            case C: return this == MAKE_CALL;
            case D: return this == DISPATCH;
            case P: return this == PUSH || this == PULL;
            case PS: return this == PUSH;
            case PL: return this == PULL;
            case WS: case WPS: return this == WAIT_SEND;
            case WP: return this == WAIT_SEND || this == WAIT_PULL;
            case WPL: return this == WAIT_PULL;
            case NP: return this == NULL_PUSH;
            case WNP: return this == WAIT_NULL_PUSH;
            case CAN: return this == CANCEL;
            case A: return this == ABORT;
            case WCOMP: return this == WAIT_COMPLETION;
            case COMP: return this == COMPLETE;
            case END: return this == END;
            default: return false;
        }
    }
}
