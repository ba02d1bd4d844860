package dev.winrpc.async.idl;

import java.util.Objects;

/**
 * A place in an IDL or ACF file: the file's name as the user gave it, a 1-based line and a
 * 1-based column (in characters).
 *
 * @param file the file's name
 * @param line the line, from 1
 * @param column the column, from 1
 */
public record Location(String file, int line, int column) {

    /**
     * Checks the parts.
     *
     * @param file the file's name
     * @param line the line, from 1
     * @param column the column, from 1
     */
    public Location {
        Objects.requireNonNull(file, "file");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column start at 1: " + line + ":" + column);
        }
    }

    /** {@return {@code file:line:column}} */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
