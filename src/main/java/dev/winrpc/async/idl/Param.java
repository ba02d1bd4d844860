package dev.winrpc.async.idl;

import java.util.Objects;

/**
 * A parameter of an operation.
 *
 * @param name its name
 * @param direction in, out, or both
 * @param type its type, attributes applied (a top-level pointer is {@code [ref]} unless the IDL
 *        says {@code [unique]})
 * @param at where it is declared
 */
public record Param(String name, Direction direction, IdlType type, Location at) {

    /** Which way a parameter travels. */
    public enum Direction {
        /** {@code [in]} (also a parameter without a direction, as MIDL reads it). */
        IN,
        /** {@code [out]}. */
        OUT,
        /** {@code [in, out]}. */
        IN_OUT;

        /** {@return true for IN and IN_OUT} */
        public boolean in() {
            return this != OUT;
        }

        /** {@return true for OUT and IN_OUT} */
        public boolean out() {
            return this != IN;
        }
    }

    /**
     * Checks the parts.
     *
     * @param name its name
     * @param direction its direction
     * @param type its type
     * @param at where
     */
    public Param {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
    }
}
