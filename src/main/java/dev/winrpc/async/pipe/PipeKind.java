package dev.winrpc.async.pipe;

/**
 * The direction of an asynchronous pipe parameter, as the sections of the "Asynchronous Pipe
 * State" page divide them.
 */
public enum PipeKind {
    /** An {@code [in]} pipe: the client pushes data, the server pulls it (section "IN Pipe"). */
    IN,
    /** An {@code [out]} pipe: the server pushes data, the client pulls it (section "OUT Pipe"). */
    OUT,
    /**
     * An {@code [in, out]} pipe: the client pushes, then pulls; the server pulls, then pushes
     * (section "IN-OUT Pipe").
     */
    IN_OUT;

    /**
     * The kind of a call's pipes.
     *
     * @param in whether the call has an [in] pipe
     * @param out whether it has an [out] pipe
     * @return the kind, or null for a call with neither (a plain call)
     */
    public static PipeKind of(boolean in, boolean out) {
        return in && out ? IN_OUT : in ? IN : out ? OUT : null;
    }
}
