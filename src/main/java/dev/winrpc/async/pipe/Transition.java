package dev.winrpc.async.pipe;

import java.util.Objects;

/**
 * One line of a pipe state table: in state {@code from}, outcome {@code input} leads to
 * {@code to}.
 *
 * @param from the state the outcome happens in
 * @param input the outcome
 * @param to the state it leads to
 */
public record Transition(PipeState from, PipeInput input, PipeState to) {

    /**
     * Checks that no component is null.
     *
     * @param from the state the outcome happens in, not null
     * @param input the outcome, not null
     * @param to the state it leads to, not null
     */
    public Transition {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
        return from + " --" + input + "--> " + to;
    }
}
