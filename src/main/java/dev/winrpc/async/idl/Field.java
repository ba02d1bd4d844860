package dev.winrpc.async.idl;

import java.util.Objects;

/**
 * A field of a struct.
 *
 * @param name its name
 * @param type its type, attributes applied
 * @param at where it is declared
 */
public record Field(String name, IdlType type, Location at) {

    /**
     * Checks the parts.
     *
     * @param name its name
     * @param type its type
     * @param at where
     */
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
    }
}
