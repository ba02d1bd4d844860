package dev.winrpc.async.idl;

import java.util.Objects;

/**
 * A {@code const} of the IDL.
 *
 * @param name its name
 * @param type its declared type (an integer, boolean, char, wchar_t, or a [string] pointer)
 * @param value a {@link Long} for integers and characters, a {@link Boolean}, or a
 *        {@link String}
 * @param at where it is declared
 */
public record Constant(String name, IdlType type, Object value, Location at) {

    /**
     * Checks the parts.
     *
     * @param name its name
     * @param type its type
     * @param value its value
     * @param at where
     */
    public Constant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (!(value instanceof Long || value instanceof Boolean || value instanceof String)) {
            throw new IllegalArgumentException("a constant's value is a Long, a Boolean or a String: " + value);
        }
        Objects.requireNonNull(at, "at");
    }
}
