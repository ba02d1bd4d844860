package dev.winrpc.async.call;

import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.pipe.Action;
import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.pipe.PipeProtocol;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.pipe.Side;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One asynchronous call, client or server, driven through its state table: for a call with
 * async pipes, the table of Microsoft's "Asynchronous Pipe State" page for its pipe kind and
 * side, for a plain call the library's own ({@link PipeProtocol#forCall}).
 *
 * <p>Everything that moves the call happens on its dispatcher's thread: notifications arrive
 * there, and what the application asks for from other threads is handed over. Each step is a
 * switch on the current state's {@link Action}; every move goes through the table, and a
 * notification the state does not expect takes the state's "To fail" transition and is
 * reported to the dispatcher's exception handler. The call is completed or aborted exactly
 * once, and its native memory (its state, pipe structures, buffers, [out] parameters) and
 * callbacks stay pinned, through the dispatcher's registration, until the table reaches END and
 * the runtime is done; after END every use throws. END reached by a failed pipe operation still
 * makes the one final completion the runtime needs (a client's RpcAsyncCompleteCall after
 * RpcCallComplete, a server's RpcAsyncAbortCall) before anything is let go.
 *
 * <p>This class is the state machine; the pipe engine ({@code Sender}, {@code Receiver}), the
 * sides' behaviours ({@link ClientCall}, {@link ServerCall}) and the record of how the call
 * failed ({@code Outcome}) are its parts (see the repository's ARCHITECTURE.md).
 *
 * @param <R> the reply's Java type
 */
public abstract sealed class AsyncCall<R> extends CallMachine<R> permits ClientCall, ServerCall {

    AsyncCall(Dispatcher dispatcher, Side side, PipeKind kind, Reply<R> reply, PipeWriter<?> writer,
            PipeReader<?> reader, List<OutParam> outs) {
        super(dispatcher, side, kind, reply, writer, reader, outs);
    }

    // ---- what callers see ------------------------------------------------------------------------

    /**
     * {@return the call's id: unique in the process, in the order calls were made}
     * The {@code dev.winrpc.async.call} log lines and the {@code dev.winrpc.async.Call}
     * Flight Recorder event name the call by it.
     */
    public final long id() {
        return trace.id;
    }

    /**
     * Names the operation the call makes or serves (for the end log line and the Flight
     * Recorder event; the library cannot know it: the stub or manager routine is the
     * application's). May be called from any thread, until the call ends.
     *
     * @param name the operation's name, e.g. "PipeEcho"; null for none
     * @return this call
     */
    public final AsyncCall<R> operation(String name) {
        trace.operation(name);
        return this;
    }

    /** {@return the operation's name given to {@link #operation(String)}, or ""} */
    public final String operation() {
        return trace.operation();
    }

    /** {@return the state the call is in now} */
    public final PipeState state() {
        return path.current();
    }

    /**
     * The states the call went through, from its first; for logging and tests. The call keeps
     * them as runs (a state or a pair of states repeated, as a stream's chunks repeat them), so
     * a long stream's path stays small, and the list is a view of a copy of those runs. A long
     * and irregular path (more than 64 runs) keeps its first and last runs only: the list then
     * leaves the middle out, before the index {@link #pathGap()} gives.
     *
     * @return the states, first first
     */
    public final List<PipeState> path() {
        return path.snapshot();
    }

    /**
     * Where {@link #path()} leaves states out: the states at {@code pathGap() - 1} and
     * {@code pathGap()} of the list were not consecutive (something went between them), so a
     * check of the path's transitions must not pair them. The index does not change once there
     * is one.
     *
     * @return the index of the first state after the left-out ones, or -1 if the path is whole
     */
    public final int pathGap() {
        return path.gap();
    }

    /** {@return the table the call follows} */
    public final PipeProtocol protocol() {
        return table;
    }

    /** {@return the pipe kind, or empty for a plain call} */
    public final Optional<PipeKind> pipeKind() {
        return Optional.ofNullable(table.kind());
    }

    /** {@return the side of the call} */
    public final Side side() {
        return table.side();
    }

    /** {@return true once the call reached END and the runtime is done with it} */
    public final boolean ended() {
        return isEnded();
    }

    /** {@return the dispatcher that notifies the call} */
    public final Dispatcher dispatcher() {
        return dispatcher;
    }

    /** {@return the table's title, e.g. "IN_OUT pipe, client", or "plain call, server"} */
    public final String title() {
        return table.title();
    }

    /**
     * The call's outcome: completes with the reply once the call has ended with RPC_S_OK, or
     * fails with an {@link dev.winrpc.async.RpcException} (a runtime failure, or the server's
     * fault), or with the exception that failed the call. A view: completing or cancelling it
     * does not affect the call.
     *
     * @return the outcome
     */
    public final CompletableFuture<R> result() {
        return view;
    }

    /**
     * Runs an action once the call has ended (END), on the thread that ended it, or at once if it
     * has. Unlike a dependent of {@link #result()}, whose view the application may complete or
     * cancel early, this follows the call's own outcome: for what must outlive the call (a
     * binding handle the call uses).
     *
     * @param action run once; what it throws is ignored
     */
    public final void whenEnded(Runnable action) {
        java.util.Objects.requireNonNull(action, "action");
        result.whenComplete((r, t) -> action.run());
    }

    @Override
    public String toString() {
        return super.toString();
    }
}
