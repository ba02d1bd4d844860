package dev.winrpc.async.pipe;

/**
 * An outcome that moves a pipe table from one state to the next: one value for each kind of
 * outcome the "Asynchronous Pipe State" page names. Which of them a state accepts is
 * the table's business ({@link PipeProtocol#transitionsFrom(PipeState)}).
 */
public enum PipeInput {
    /**
     * The state's own action succeeded: the call was made, the push or null push was accepted,
     * the call was dispatched, the cancel, abort or complete call was issued ("On success",
     * "Go to ...").
     */
    OK,
    /** The state's own action failed ("On failure", "On exception"). */
    FAILED,
    /** The application decides to fail the call ("To fail: go to ..."). */
    APP_FAIL,
    /**
     * The server fails fatally while executing on the RPC thread ("To fail fatally (while
     * executing on the RPC thread): Raise exception; go to End").
     */
    FATAL,
    /** A pull completed synchronously with a non-zero number of elements. */
    PULLED_DATA,
    /** A pull completed synchronously with zero elements (null pull): the pipe's end. */
    PULLED_END,
    /** A pull returned ERROR_IO_PENDING: it will complete asynchronously. */
    PULL_PENDING,
    /** A successful RpcSendComplete was received and more data needs to be sent. */
    SENT_MORE,
    /**
     * A successful RpcSendComplete was received and no more data needs to be sent; in the
     * "Wait for Null Push" state, the page's "If a success is received".
     */
    SENT_LAST,
    /** A successful RpcReceiveComplete was received with a non-zero number of elements. */
    RECEIVED_DATA,
    /** A successful RpcReceiveComplete was received with zero elements (null pull). */
    RECEIVED_END,
    /** A failed RpcReceiveComplete was received ("If a failure RpcReceiveComplete is received"). */
    RECEIVE_FAILED,
    /** The call-complete notification was received (the page's "Wait for Completion" state). */
    CALL_COMPLETE,
    /**
     * A failed RpcCallComplete was received while waiting for a send ("If a failure
     * RpcCallComplete is received").
     */
    CALL_FAILED,
    /** No notification or completion could be had ("On failure to get a notification/completion"). */
    NO_NOTIFICATION,
    /** A failure was received where no more specific input applies ("If a failure is received"). */
    FAILURE
}
