package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.EnumType;
import dev.winrpc.async.idl.IdlType.FixedArray;
import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.StringType;
import dev.winrpc.async.idl.IdlType.StructType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes, into {@code INative}, the JNA structures of the structs an operation takes by value
 * ({@code [in] BLOB blob}): {@code BLOBValue} ({@code Structure.ByValue}) with the C fields in
 * order (pointers as {@code Pointer}, {@code wchar_t} as {@code short}, {@code boolean} as
 * {@code byte}, an enum as {@code int}, a nested struct as its {@code XStruct}, a fixed array as a
 * Java array), so that libffi passes it as C does on every ABI (registers or memory on x86-64
 * SysV, by reference past 8 bytes on Win64). Its bytes are the NdrType's ({@code NdrClientArgs.byValue}
 * checks the size); the generated code never reads its fields.
 */
final class JavaByValue {

    private JavaByValue() {
    }

    /** {@return the prefix of the structure classes of the struct whose Java type is typeName} */
    static String className(String typeName) {
        return typeName;
    }

    /**
     * {@return the nested classes for the structs passed by value, by definition key}
     *
     * @throws IdlException for a struct whose C fields the structures cannot declare
     */
    static String generate(IdlModel model, Operation op, Set<String> byValue) throws IdlException {
        JavaNames names = new JavaNames(model);
        Set<String> nested = new LinkedHashSet<>();
        StringBuilder b = new StringBuilder();
        for (String key : byValue) {
            b.append(structure(model, names, op, key, true, nested));
        }
        Set<String> done = new LinkedHashSet<>();
        while (!done.containsAll(nested)) {
            for (String key : List.copyOf(nested)) {
                if (done.add(key)) {
                    b.append(structure(model, names, op, key, false, nested));
                }
            }
        }
        return b.toString();
    }

    private static String structure(IdlModel model, JavaNames names, Operation op, String key, boolean value,
            Set<String> nested) throws IdlException {
        List<String> fields = new ArrayList<>();
        List<String> decls = new ArrayList<>();
        String cls;
        if (JavaNames.isGuid(key)) {
            cls = "GUIDStruct";
            decls.add("public int f0;");
            decls.add("public short f1;");
            decls.add("public short f2;");
            decls.add("public byte[] f3 = new byte[8];");
        } else {
            StructType s = (StructType) model.types().get(key).type();
            cls = className(names.typeName(key)) + (value ? "Value" : "Struct");
            for (Field f : s.fields()) {
                decls.add(field(model, names, op, f.type(), "f" + decls.size(), nested));
            }
        }
        for (int i = 0; i < decls.size(); i++) {
            fields.add("\"f" + i + "\"");
        }
        StringBuilder b = new StringBuilder();
        b.append("    /** The C fields of {@code ").append(JavaNames.isGuid(key) ? "GUID" : names.typeName(key)).append('}')
                .append(value ? " passed by value" : "").append(" (the generated code writes its bytes). */\n");
        b.append("    @Structure.FieldOrder({").append(String.join(", ", fields)).append("})\n");
        b.append("    class ").append(cls).append(" extends Structure").append(value ? " implements Structure.ByValue" : "")
                .append(" {\n");
        for (int i = 0; i < decls.size(); i++) {
            b.append("        /** Field ").append(i).append(". */\n        ").append(decls.get(i)).append('\n');
        }
        b.append("\n        /** A zeroed structure. */\n        public ").append(cls).append("() {\n        }\n    }\n\n");
        return b.toString();
    }

    private static String field(IdlModel model, JavaNames names, Operation op, IdlType t, String name, Set<String> nested)
            throws IdlException {
        IdlType r = model.resolve(t);
        if (r instanceof FixedArray a) {
            IdlType e = model.resolve(a.element());
            if (e instanceof FixedArray) {
                throw refuse(op);
            }
            String et = element(model, names, op, a.element(), nested);
            if (e instanceof StructType) {
                return "public " + et + "[] " + name + " = (" + et + "[]) new " + et + "().toArray(" + a.length() + ");";
            }
            return "public " + et + "[] " + name + " = new " + et + "[" + a.length() + "];";
        }
        return "public " + element(model, names, op, t, nested) + " " + name + ";";
    }

    private static String element(IdlModel model, JavaNames names, Operation op, IdlType t, Set<String> nested)
            throws IdlException {
        IdlType r = model.resolve(t);
        if (r instanceof Primitive p) {
            return switch (p) {
                case BOOLEAN -> "byte";
                case WCHAR -> "short";
                case HANDLE, VOID -> throw refuse(op);
                default -> JavaNames.primitive(p);
            };
        }
        if (r instanceof EnumType) {
            return "int";
        }
        if (r instanceof Pointer || r instanceof StringType) {
            return "Pointer";
        }
        if (r instanceof StructType) {
            String key = names.definitionKey(t);
            if (key == null) {
                throw refuse(op);
            }
            nested.add(key);
            return JavaNames.isGuid(key) ? "GUIDStruct" : className(names.typeName(key)) + "Struct";
        }
        throw refuse(op);
    }

    private static IdlException refuse(Operation op) {
        return new IdlException(op.at(), "operation", "the generated Java cannot pass a struct by value to operation "
                + op.name() + " whose C fields include a conformant array, a nested array, or an unnamed struct");
    }
}
