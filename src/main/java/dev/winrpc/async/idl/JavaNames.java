package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.ConformantArray;
import dev.winrpc.async.idl.IdlType.EnumType;
import dev.winrpc.async.idl.IdlType.FixedArray;
import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.Ref;
import dev.winrpc.async.idl.IdlType.StringType;
import dev.winrpc.async.idl.IdlType.StructType;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * How IDL names and types become Java names and types: a struct or enum takes the first typedef
 * name given to it (else its tag), {@code GUID} is {@link java.util.UUID}, integers keep their
 * width (unsigned ones in the signed Java type of that width), strings are {@link String},
 * arrays of base types are Java arrays and other arrays are lists, and a pointer is its
 * target's type (null allowed where it is {@code [unique]}).
 */
final class JavaNames {

    private static final Set<String> RESERVED = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch",
            "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally",
            "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new",
            "package", "private", "protected", "public", "return", "short", "static", "strictfp", "super", "switch",
            "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false",
            "null", "var", "yield", "record", "sealed", "permits", "_",
            "hashCode", "toString", "equals", "getClass", "notify", "notifyAll", "wait", "clone", "finalize");

    private final IdlModel model;
    /** Key of a struct or enum definition -> its Java simple name. */
    private final Map<String, String> names = new HashMap<>();

    JavaNames(IdlModel model) {
        this.model = model;
        for (TypeDecl d : model.types().values()) {
            if (d.isTypedef() && d.type() instanceof Ref r && !names.containsKey(r.name())
                    && (model.types().get(r.name()).type() instanceof StructType || model.types().get(r.name()).type() instanceof EnumType)) {
                names.put(r.name(), identifier(d.name()));
            }
        }
        for (TypeDecl d : model.types().values()) {
            if (!d.isTypedef()) {
                names.putIfAbsent(d.name(), identifier(d.name().substring(d.name().indexOf(' ') + 1)));
            }
        }
    }

    /** An IDL name as a Java identifier: unchanged unless Java reserves it, then with '_' after. */
    static String identifier(String name) {
        return RESERVED.contains(name) ? name + "_" : name;
    }

    /** {@return the Java simple name of the struct or enum definition with this key} */
    String typeName(String key) {
        return names.get(key);
    }

    /** {@return true if the definition with this key is the prelude's GUID (java.util.UUID)} */
    static boolean isGuid(String key) {
        return key.equals("struct _GUID");
    }

    /** The key of the struct or enum definition a type stands for by value, or null. */
    String definitionKey(IdlType t) {
        IdlType cur = t;
        while (cur instanceof Ref r) {
            IdlType next = model.types().get(r.name()).type();
            if (next instanceof StructType || next instanceof EnumType) {
                return r.name();
            }
            cur = next;
        }
        return null;
    }

    /** The Java type of an IDL type; boxed where a reference is needed. */
    String javaType(IdlType t, boolean boxed) {
        String key = definitionKey(t);
        if (key != null) {
            return isGuid(key) ? "java.util.UUID" : typeName(key);
        }
        IdlType r = model.resolve(t);
        if (r instanceof Primitive p) {
            return boxed ? box(primitive(p)) : primitive(p);
        }
        if (r instanceof StringType) {
            return "java.lang.String";
        }
        if (r instanceof Pointer p) {
            return javaType(p.target(), true);
        }
        if (r instanceof FixedArray a) {
            return array(a.element());
        }
        if (r instanceof ConformantArray a) {
            return array(a.element());
        }
        throw new IllegalArgumentException("no Java type for " + t);
    }

    private String array(IdlType element) {
        if (definitionKey(element) == null && model.resolve(element) instanceof Primitive) {
            return javaType(element, false) + "[]";
        }
        return "java.util.List<" + javaType(element, true) + ">";
    }

    static String primitive(Primitive p) {
        return switch (p) {
            case SMALL, UNSIGNED_SMALL, CHAR, BYTE -> "byte";
            case SHORT, UNSIGNED_SHORT -> "short";
            case WCHAR -> "char";
            case LONG, UNSIGNED_LONG, ERROR_STATUS -> "int";
            case HYPER, UNSIGNED_HYPER -> "long";
            case BOOLEAN -> "boolean";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case HANDLE, VOID -> throw new IllegalArgumentException("no Java value type for " + p.idlName());
        };
    }

    private static String box(String primitive) {
        return switch (primitive) {
            case "byte" -> "java.lang.Byte";
            case "short" -> "java.lang.Short";
            case "char" -> "java.lang.Character";
            case "int" -> "java.lang.Integer";
            case "long" -> "java.lang.Long";
            case "boolean" -> "java.lang.Boolean";
            case "float" -> "java.lang.Float";
            default -> "java.lang.Double";
        };
    }

    /** A Java expression giving an integer field's value as a long, unsigned where the IDL type is. */
    String asLong(IdlType t, String expr) {
        Primitive p = (Primitive) model.resolve(t);
        return switch (p) {
            case UNSIGNED_SMALL, CHAR, BYTE -> "java.lang.Byte.toUnsignedLong(" + expr + ")";
            case UNSIGNED_SHORT -> "java.lang.Short.toUnsignedLong(" + expr + ")";
            case UNSIGNED_LONG -> "java.lang.Integer.toUnsignedLong(" + expr + ")";
            default -> "(long) " + expr;
        };
    }
}
