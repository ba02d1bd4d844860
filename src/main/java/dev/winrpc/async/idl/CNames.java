package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.ConformantArray;
import dev.winrpc.async.idl.IdlType.EnumType;
import dev.winrpc.async.idl.IdlType.FixedArray;
import dev.winrpc.async.idl.IdlType.Pipe;
import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.Ref;
import dev.winrpc.async.idl.IdlType.StringType;
import dev.winrpc.async.idl.IdlType.StructType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How IDL types are spelled in C, in two forms: the stub library's header ({@code I_winrpc.h},
 * fixed-width types, docs/idl.md "The stub library") and MIDL's header (the IDL's own spellings,
 * which {@code rpcndr.h} and {@code <windows.h>} define), which the Windows glue casts to.
 * A struct or enum is named by the first typedef that names it (else {@code struct TAG});
 * typedefs of anything else (DWORD, LPWSTR, PPOINT) are written out as what they stand for.
 */
final class CNames {

    private final IdlModel model;
    /** Key of a struct or enum definition -> its C name. */
    private final Map<String, String> names = new HashMap<>();

    CNames(IdlModel model) {
        this.model = model;
        for (TypeDecl d : model.types().values()) {
            if (d.isTypedef() && d.type() instanceof Ref r && !names.containsKey(r.name())) {
                IdlType def = model.types().get(r.name()).type();
                if (def instanceof StructType || def instanceof EnumType) {
                    names.put(r.name(), d.name());
                }
            }
        }
        for (TypeDecl d : model.types().values()) {
            if (!d.isTypedef()) {
                names.putIfAbsent(d.name(), d.name());
            }
        }
    }

    /** {@return the C name of the struct or enum definition with this key} */
    String name(String key) {
        return names.get(key);
    }

    /** {@return every typedef name that names the definition with this key directly} */
    List<String> typedefNames(String key) {
        List<String> out = new ArrayList<>();
        for (TypeDecl d : model.types().values()) {
            if (d.isTypedef() && d.type() instanceof Ref r && r.name().equals(key)) {
                out.add(d.name());
            }
        }
        return out;
    }

    /** {@return the fixed-width C type of a base type (the header's form)} */
    static String fixed(Primitive p) {
        return switch (p) {
            case SMALL -> "int8_t";
            case UNSIGNED_SMALL, CHAR, BYTE, BOOLEAN -> "uint8_t";
            case SHORT -> "int16_t";
            case UNSIGNED_SHORT, WCHAR -> "uint16_t";
            case LONG -> "int32_t";
            case UNSIGNED_LONG, ERROR_STATUS -> "uint32_t";
            case HYPER -> "int64_t";
            case UNSIGNED_HYPER -> "uint64_t";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case HANDLE -> "void *";
            case VOID -> "void";
        };
    }

    /** {@return a base type as MIDL's header spells it (rpcndr.h defines small, hyper, byte, boolean)} */
    static String midl(Primitive p) {
        return switch (p) {
            case UNSIGNED_SMALL -> "unsigned small";
            case CHAR -> "char";
            case HANDLE -> "handle_t";
            default -> p.idlName();
        };
    }

    /**
     * A C declaration of {@code name} with type {@code t}.
     *
     * @param t the type
     * @param name the declarator (a name, possibly with leading stars); empty for an abstract one
     * @param midl MIDL's spellings instead of the header's
     * @return the declaration
     */
    String decl(IdlType t, String name, boolean midl) {
        if (t instanceof Primitive p) {
            String c = midl ? midl(p) : fixed(p);
            return c.endsWith("*") ? c + name : join(c, name);
        }
        if (t instanceof Ref r) {
            TypeDecl d = model.types().get(r.name());
            IdlType def = d.type();
            if (def instanceof StructType || def instanceof EnumType) {
                boolean bareEnum = def instanceof EnumType && !midl && names.get(r.name()).equals(r.name());
                return join(bareEnum ? "int32_t" : names.get(r.name()), name);
            }
            if (def instanceof Pipe) {
                return join("ASYNC_" + r.name(), name);
            }
            return decl(def, name, midl);
        }
        if (t instanceof Pointer p && p.target() instanceof FixedArray) {
            return decl(p.target(), name, midl); // [ref] T *a[N] of a typedef'd pointer: MIDL's T a[N]
        }
        if (t instanceof Pointer p) {
            IdlType target = p.target() instanceof ConformantArray a ? a.element() : p.target();
            return decl(target, "*" + name, midl);
        }
        if (t instanceof StringType s) {
            String c = s.character() == Primitive.WCHAR ? (midl ? "wchar_t" : "uint16_t") : "char";
            return c + " *" + name;
        }
        if (t instanceof FixedArray a) {
            return decl(a.element(), paren(name) + "[" + a.length() + "]", midl);
        }
        if (t instanceof ConformantArray a) {
            return decl(a.element(), paren(name) + "[1]", midl);
        }
        throw new IllegalArgumentException("no C form for " + t);
    }

    /**
     * A parameter's C declaration: as {@link #decl}, except that an array is a pointer to its
     * first element.
     *
     * @param t the parameter's type
     * @param name its name
     * @param midl MIDL's spellings
     * @return the declaration
     */
    String param(IdlType t, String name, boolean midl) {
        IdlType r = t;
        while (r instanceof Ref ref && !(model.types().get(ref.name()).type() instanceof StructType
                || model.types().get(ref.name()).type() instanceof EnumType || model.types().get(ref.name()).type() instanceof Pipe)) {
            r = model.types().get(ref.name()).type();
        }
        if (r instanceof Pointer p && p.target() instanceof FixedArray a) {
            return decl(a.element(), "*" + name, midl);
        }
        if (r instanceof FixedArray a) {
            return decl(a.element(), "*" + name, midl);
        }
        if (r instanceof ConformantArray a) {
            return decl(a.element(), "*" + name, midl);
        }
        return decl(t, name, midl);
    }

    private static String paren(String name) {
        return name.startsWith("*") ? "(" + name + ")" : name;
    }

    private static String join(String type, String name) {
        return name.isEmpty() ? type : type + " " + name;
    }
}
