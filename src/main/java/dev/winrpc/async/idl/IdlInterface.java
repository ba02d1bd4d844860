package dev.winrpc.async.idl;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An interface of the IDL.
 *
 * @param name its name
 * @param uuid its {@code uuid} attribute
 * @param majorVersion its {@code version}'s major part (0 without a version)
 * @param minorVersion its {@code version}'s minor part
 * @param pointerDefault its {@code pointer_default} (unique without one, as the subset has no
 *        full pointers)
 * @param operations its operations, in order
 * @param at where it is declared
 */
public record IdlInterface(String name, UUID uuid, int majorVersion, int minorVersion,
        IdlType.PointerKind pointerDefault, List<Operation> operations, Location at) {

    /**
     * Copies the operations.
     *
     * @param name its name
     * @param uuid its uuid
     * @param majorVersion major version
     * @param minorVersion minor version
     * @param pointerDefault pointer_default
     * @param operations its operations
     * @param at where
     */
    public IdlInterface {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(pointerDefault, "pointerDefault");
        operations = List.copyOf(operations);
        Objects.requireNonNull(at, "at");
    }

    /**
     * An operation by name.
     *
     * @param opName the operation's name
     * @return it, or empty
     */
    public Optional<Operation> operation(String opName) {
        return operations.stream().filter(o -> o.name().equals(opName)).findFirst();
    }
}
