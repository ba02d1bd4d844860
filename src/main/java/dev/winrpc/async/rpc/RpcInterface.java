package dev.winrpc.async.rpc;

import com.sun.jna.Pointer;
import dev.winrpc.async.raw.Rpcrt4Server;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An interface for {@link RpcServerBuilder#register}: MIDL's ifspec from the user's stub DLL,
 * the manager EPV (or null for the stub's default), flags, the most concurrent calls, and a
 * security callback written in Java (or null), and a manager type with the object UUIDs that
 * select it (or none). Registered with {@code RpcServerRegisterIf3}; the ifspec and the EPV must
 * stay valid until the server is closed.
 *
 * <p><b>Manager types.</b> One process can serve one interface with several EPVs (several
 * servers, or several implementations): each is registered with its own manager type UUID, and
 * {@code RpcObjectSetType} gives each object UUID its type; a call whose binding carries the
 * object UUID ({@link RpcBindingBuilder#objectUuid}) runs the EPV of that type. Calls without an
 * object UUID, or with one that has no type, go to the registration without a type.
 *
 * @param ifspec the stub's {@code RPC_IF_HANDLE}
 * @param epv the manager routines' entry-point vector, or null
 * @param flags the {@code RPC_IF_*} flags
 * @param maxCalls the most concurrent calls ({@code RPC_C_LISTEN_MAX_CALLS_DEFAULT} by default)
 * @param securityCallback the security callback, or null
 * @param managerType the manager type UUID, or null for none
 * @param objects the object UUIDs given the manager type while the server is open (empty
 *        without a manager type)
 */
public record RpcInterface(Pointer ifspec, Pointer epv, Set<IfFlag> flags, int maxCalls,
        SecurityCallback securityCallback, UUID managerType, Set<UUID> objects) {

    /**
     * Checks the values.
     *
     * @param ifspec the stub's {@code RPC_IF_HANDLE}
     * @param epv the manager routines' entry-point vector, or null
     * @param flags the {@code RPC_IF_*} flags
     * @param maxCalls the most concurrent calls
     * @param securityCallback the security callback, or null
     * @param managerType the manager type UUID, or null
     * @param objects the object UUIDs of the manager type
     * @throws NullPointerException if ifspec, flags or objects (or one of them) is null
     * @throws IllegalArgumentException if maxCalls is not positive, the manager type is the nil
     *         UUID, an object UUID is nil, or objects are given without a manager type
     */
    public RpcInterface {
        Objects.requireNonNull(ifspec, "ifspec");
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(objects, "objects");
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        objects = Set.copyOf(new LinkedHashSet<>(objects));
        if (maxCalls <= 0) {
            throw new IllegalArgumentException("maxCalls must be positive: " + maxCalls);
        }
        if (NIL.equals(managerType)) {
            throw new IllegalArgumentException("the nil UUID is no manager type: use null for none");
        }
        if (objects.contains(NIL)) {
            throw new IllegalArgumentException("the nil object UUID cannot be given a type (RPC_S_INVALID_OBJECT)");
        }
        if (managerType == null && !objects.isEmpty()) {
            throw new IllegalArgumentException("object UUIDs " + objects + " without a manager type");
        }
    }

    private static final UUID NIL = new UUID(0, 0);

    /**
     * {@return the interface with the stub's default EPV, no flags, the default maximum of calls, no security callback}
     *
     * @param ifspec the stub's ifspec
     */
    public static RpcInterface of(Pointer ifspec) {
        return new RpcInterface(ifspec, null, Set.of(), Rpcrt4Server.RPC_C_LISTEN_MAX_CALLS_DEFAULT, null,
                null, Set.of());
    }

    /**
     * {@return a copy with it}
     *
     * @param epv the manager EPV, or null
     */
    public RpcInterface withEpv(Pointer epv) {
        return new RpcInterface(ifspec, epv, flags, maxCalls, securityCallback, managerType, objects);
    }

    /**
     * {@return a copy with exactly these flags}
     *
     * @param first a flag
     * @param more more flags
     */
    public RpcInterface withFlags(IfFlag first, IfFlag... more) {
        return new RpcInterface(ifspec, epv, EnumSet.of(first, more), maxCalls, securityCallback, managerType,
                objects);
    }

    /**
     * {@return a copy with it}
     *
     * @param callback the security callback, or null
     */
    public RpcInterface withSecurityCallback(SecurityCallback callback) {
        return new RpcInterface(ifspec, epv, flags, maxCalls, callback, managerType, objects);
    }

    /**
     * {@return a copy with it}
     *
     * @param max the most concurrent calls
     */
    public RpcInterface withMaxCalls(int max) {
        return new RpcInterface(ifspec, epv, flags, max, securityCallback, managerType, objects);
    }

    /**
     * {@return a copy registered with this manager type, which these object UUIDs select}
     *
     * @param type the manager type UUID (not nil)
     * @param objectUuids the object UUIDs whose calls this EPV serves (not nil)
     */
    public RpcInterface withManagerType(UUID type, UUID... objectUuids) {
        Objects.requireNonNull(type, "type");
        return new RpcInterface(ifspec, epv, flags, maxCalls, securityCallback, type,
                Set.copyOf(java.util.Arrays.asList(objectUuids)));
    }
}
