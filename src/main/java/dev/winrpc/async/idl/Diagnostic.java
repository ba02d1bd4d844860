package dev.winrpc.async.idl;

import java.util.Objects;

/**
 * One error in an IDL or ACF file: where, which construct, and what is wrong, printed as
 * {@code file:line:column: <construct>: message}.
 *
 * @param at where the construct starts
 * @param construct the construct's name as the IDL spells it ({@code union}, {@code size_is},
 *        {@code import}, an operation's name...)
 * @param message what is wrong, and where it helps, what the subset accepts instead
 */
public record Diagnostic(Location at, String construct, String message) {

    /**
     * Checks the parts.
     *
     * @param at where the construct starts
     * @param construct the construct's name
     * @param message what is wrong
     */
    public Diagnostic {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(construct, "construct");
        Objects.requireNonNull(message, "message");
    }

    /** {@return {@code file:line:column: <construct>: message}} */
    @Override
    public String toString() {
        return at + ": " + construct + ": " + message;
    }
}
