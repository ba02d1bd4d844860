package dev.winrpc.async.idl;

import java.util.Objects;

/**
 * A declared type: a typedef name, or a struct's or enum's tag.
 *
 * @param name its key in {@link IdlModel#types()}: the typedef's name, or {@code struct TAG},
 *        {@code enum TAG}
 * @param type what it stands for: the definition for a tag, the aliased type for a typedef
 * @param fromPrelude true if an {@code import} of the prelude declared it
 * @param at where it is declared
 */
public record TypeDecl(String name, IdlType type, boolean fromPrelude, Location at) {

    /**
     * Checks the parts.
     *
     * @param name its key
     * @param type its type
     * @param fromPrelude from the prelude
     * @param at where
     */
    public TypeDecl {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
    }

    /** {@return true for a typedef (not a struct or enum tag)} */
    public boolean isTypedef() {
        return !name.startsWith("struct ") && !name.startsWith("enum ");
    }
}
