package dev.winrpc.async;

import java.time.Duration;
import java.util.Objects;

/**
 * A client call's {@link Deadline} passed before the call completed: the library cancelled it
 * abortively, and the runtime ended it with {@link #status()} (RPC_S_CALL_CANCELLED, as
 * RpcAsyncCompleteCall reports an abortive cancel). The server sees the cancel as any other.
 *
 * <p>A call whose reply the runtime had already taken when the deadline passed completes with
 * its reply (or its server's fault), never with this: a call has exactly one outcome.
 */
public final class RpcDeadlineExceededException extends RpcException {

    private static final long serialVersionUID = 1L;

    private final Duration deadline;

    /**
     * @param function the native function that reported the status, e.g. "RpcAsyncCompleteCall"
     * @param status the status the runtime ended the call with
     * @param deadline the call's deadline
     * @param cause how the call failed once cancelled (a pipe's failure, say), or null
     */
    public RpcDeadlineExceededException(String function, int status, Duration deadline, Throwable cause) {
        super(Kind.RUNTIME_FAILURE, function, status, cause);
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    /** @return the deadline that passed, counted from the call's start */
    public Duration deadline() {
        return deadline;
    }

    @Override
    public String getMessage() {
        return "the call's deadline of " + deadline + " passed: the library cancelled it abortively; "
                + super.getMessage();
    }
}
