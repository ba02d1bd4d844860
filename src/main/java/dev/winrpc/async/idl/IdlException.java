package dev.winrpc.async.idl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An IDL or ACF file the compiler refuses: a syntax error, an unknown type, a construct outside
 * the subset, or an attribute that breaks a rule. Carries every {@link Diagnostic} found (at
 * least one); the message is their lines.
 */
public final class IdlException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The diagnostics, in the order they were found. */
    private final transient List<Diagnostic> diagnostics;

    /**
     * An exception for one or more diagnostics.
     *
     * @param diagnostics what is wrong; not empty
     */
    public IdlException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("an IdlException needs at least one diagnostic");
        }
        this.diagnostics = List.copyOf(diagnostics);
    }

    /**
     * An exception for one diagnostic.
     *
     * @param at where
     * @param construct the construct's name
     * @param message what is wrong
     */
    public IdlException(Location at, String construct, String message) {
        this(List.of(new Diagnostic(at, construct, message)));
    }

    /** {@return the diagnostics, in the order they were found; never empty} */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
