package dev.winrpc.async.idl;

import java.util.List;
import java.util.Objects;

/**
 * An operation of an interface.
 *
 * @param name its name
 * @param opnum its operation number (its position in the interface, from 0)
 * @param returnType what it returns ({@link IdlType.Primitive#VOID} for nothing)
 * @param params its parameters, the explicit binding handle first
 * @param async true if the ACF gives it {@code [async]}
 * @param at where it is declared
 */
public record Operation(String name, int opnum, IdlType returnType, List<Param> params, boolean async, Location at) {

    /**
     * Copies the parameters.
     *
     * @param name its name
     * @param opnum its number
     * @param returnType its return type
     * @param params its parameters
     * @param async [async]
     * @param at where
     */
    public Operation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(returnType, "returnType");
        params = List.copyOf(params);
        Objects.requireNonNull(at, "at");
    }

    /**
     * The same operation, asynchronous or not.
     *
     * @param isAsync whether the ACF makes it [async]
     * @return a copy with that flag
     */
    public Operation withAsync(boolean isAsync) {
        return new Operation(name, opnum, returnType, params, isAsync, at);
    }
}
