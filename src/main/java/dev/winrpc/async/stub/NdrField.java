package dev.winrpc.async.stub;

import java.util.Objects;
import java.util.function.Function;

/**
 * A field of a struct's {@link NdrType}: its IDL name, its type, and how to get its value from
 * the struct's Java value (the record's accessor).
 *
 * @param name the field's IDL name (used in messages: {@code "record.values"})
 * @param type its type
 * @param get its value in a struct value (boxed for a primitive)
 * @param <T> the Java type of the struct
 */
public record NdrField<T>(String name, NdrType<?> type, Function<T, Object> get) {

    /**
     * Checks the parts.
     *
     * @param name the field's name
     * @param type its type
     * @param get its accessor
     */
    public NdrField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(get, "get");
    }

    /**
     * A field.
     *
     * @param name the field's IDL name
     * @param type its type
     * @param get its value in a struct value
     * @param <T> the Java type of the struct
     * @return the field
     */
    public static <T> NdrField<T> of(String name, NdrType<?> type, Function<T, Object> get) {
        return new NdrField<>(name, type, get);
    }
}
