package dev.winrpc.async.pipe;

import java.util.Objects;

/**
 * An outcome that a call's state table does not allow in a state: the pair (state, input) is
 * not listed in that table (one of the "Asynchronous Pipe State" page's, or a plain call's), or
 * the state is not one of the table's states.
 *
 * <p>Thrown by {@link PipeProtocol#require(PipeState, PipeInput)}; the message names the table
 * (e.g. "IN_OUT pipe, server"), the state and the input.
 */
public class IllegalPipeTransitionException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The pipe kind of the table that refused the pair. */
    private final PipeKind kind;
    /** The side of the table that refused the pair. */
    private final Side side;
    /** The state the input was refused in. */
    private final PipeState state;
    /** The refused input. */
    private final PipeInput input;

    /**
     * Creates the exception for a pair of state and input the table refuses.
     *
     * @param protocol the table that refused the pair, not null
     * @param state the state, not null
     * @param input the input, not null
     */
    public IllegalPipeTransitionException(PipeProtocol protocol, PipeState state, PipeInput input) {
        super(message(protocol, state, input));
        this.kind = protocol.kind();
        this.side = protocol.side();
        this.state = state;
        this.input = input;
    }

    private static String message(PipeProtocol protocol, PipeState state, PipeInput input) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(input, "input");
        String where = protocol.states().contains(state)
                ? state + " (" + protocol.stateName(state) + ")"
                : state + " (not a state of this table)";
        return protocol.title() + ": no transition from state " + where + " on input " + input;
    }

    /**
     * The table that refused the pair.
     *
     * @return {@code PipeProtocol.forCall(kind(), side())}
     */
    public PipeProtocol protocol() {
        return PipeProtocol.forCall(kind, side);
    }

    /**
     * The pipe kind of the table that refused the pair.
     *
     * @return the kind, or null if the table is a plain call's ({@link PipeProtocol#plain})
     */
    public PipeKind kind() {
        return kind;
    }

    /**
     * The side of the table that refused the pair.
     *
     * @return the side
     */
    public Side side() {
        return side;
    }

    /**
     * The state the input was refused in.
     *
     * @return the state
     */
    public PipeState state() {
        return state;
    }

    /**
     * The refused input.
     *
     * @return the input
     */
    public PipeInput input() {
        return input;
    }
}
