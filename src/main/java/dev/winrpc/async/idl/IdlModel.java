package dev.winrpc.async.idl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an IDL file (with its ACF) declares, checked: its types (typedefs, struct and enum tags,
 * the prelude's included), constants and interfaces.
 *
 * @param file the IDL file's name
 * @param types every declared type by key ({@link TypeDecl#name()}), in declaration order
 * @param constants the constants, in declaration order
 * @param interfaces the interfaces, in declaration order
 */
public record IdlModel(String file, Map<String, TypeDecl> types, List<Constant> constants, List<IdlInterface> interfaces) {

    /**
     * Copies the parts (keeping the types' order).
     *
     * @param file the file's name
     * @param types the types
     * @param constants the constants
     * @param interfaces the interfaces
     */
    public IdlModel {
        Objects.requireNonNull(file, "file");
        types = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(types));
        constants = List.copyOf(constants);
        interfaces = List.copyOf(interfaces);
    }

    /**
     * Follows {@link IdlType.Ref}s to what a type stands for.
     *
     * @param type a type of this model
     * @return the first type on its chain that is not a reference
     */
    public IdlType resolve(IdlType type) {
        IdlType t = type;
        for (int hops = 0; t instanceof IdlType.Ref r; hops++) {
            TypeDecl d = types.get(r.name());
            if (d == null || hops > types.size()) {
                throw new IllegalArgumentException("not a type of this model: " + r.name());
            }
            t = d.type();
        }
        return t;
    }

    /**
     * An interface by name.
     *
     * @param name the interface's name
     * @return it, or empty
     */
    public Optional<IdlInterface> iface(String name) {
        return interfaces.stream().filter(i -> i.name().equals(name)).findFirst();
    }
}
