package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.ConformantArray;
import dev.winrpc.async.idl.IdlType.FixedArray;
import dev.winrpc.async.idl.IdlType.Pipe;
import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.PointerKind;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.StringType;
import dev.winrpc.async.idl.IdlType.StructType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes, for each interface {@code I} of a model, the class {@code INdr}: one
 * {@code public static final dev.winrpc.async.stub.NdrType<X>} per struct and enum of the IDL
 * (the ones {@link JavaTypes} writes records and enums for), named after its Java type
 * ({@code SubsetNdr.RECORD}, {@code SubsetNdr.COLOR}), describing its C form in the stub
 * library's header; and gives the Java expressions of the descriptors of operations'
 * parameters ({@link #paramType}) for the generators of the client and the server.
 */
final class JavaNdr {

    private static final String T = "dev.winrpc.async.stub.NdrType";
    private static final String F = "dev.winrpc.async.stub.NdrField";

    private final IdlModel model;
    private final JavaNames names;
    private final String pkg;
    private final String cls;
    /** True while writing the class (a constant not yet initialised is named through lazy). */
    private final boolean generating;

    private JavaNdr(IdlModel model, String pkg, String cls, boolean generating) {
        this.model = model;
        this.names = new JavaNames(model);
        this.pkg = pkg;
        this.cls = cls;
        this.generating = generating;
    }

    /** {@return the simple name of interface itf's descriptor class: {@code SubsetNdr}} */
    static String className(IdlInterface itf) {
        return itf.name() + "Ndr";
    }

    /**
     * The sources of the descriptor classes, by simple class name.
     *
     * @param model the checked model
     * @param pkg the Java package of the generated types
     * @param taken the simple names of the classes already generated (a clash is refused)
     * @return one source per interface
     * @throws IdlException if an interface's class name is taken by a generated type
     */
    static Map<String, String> generate(IdlModel model, String pkg, Set<String> taken) throws IdlException {
        Map<String, String> out = new LinkedHashMap<>();
        for (IdlInterface itf : model.interfaces()) {
            String cls = className(itf);
            if (taken.contains(cls)) {
                throw new IdlException(itf.at(), itf.name(), "its descriptor class " + cls + " has the Java name of a type");
            }
            out.put(cls, new JavaNdr(model, pkg, cls, true).source(itf));
        }
        return out;
    }

    /**
     * The Java expression of the {@code NdrType} of parameter p of operation op, as the stub
     * export passes it (docs/idl.md, "The stub library": MIDL's C forms), in
     * {@code dev.winrpc.async.stub} names and ndrClass's constants. It describes:
     * <ul>
     * <li>for an {@code [in]} base type, enum or struct passed by value: that type;</li>
     * <li>for a {@code [string]} parameter ({@code const wchar_t *who}): the string type, whose
     *     value in C is the {@code char *} / {@code uint16_t *} the stub takes;</li>
     * <li>for a pointer to a conformant array ({@code [in, size_is(n)] long *values}, or an
     *     array parameter {@code T a[]}): {@code NdrType.conformantArray(...)}, the block of
     *     elements the pointer points to; its size and length lambdas read the parameter values
     *     in IDL order, the binding handle included (as null), an {@code [out]} value that sizes
     *     it ({@code length_is(*written)}) as its Java value once read; {@code unique} as the
     *     pointer says;</li>
     * <li>for a fixed array parameter, or a pointer to one: {@code NdrType.fixedArray(...)}, the
     *     block the pointer points to;</li>
     * <li>for any other pointer ({@code [out] int *b}, {@code [in, out] POINT *p},
     *     {@code [out, string] wchar_t **greeting}): the type of what it points to
     *     ({@code NdrType.INT32}, {@code SubsetNdr.POINT}, {@code NdrType.wideString(...)}): the
     *     caller allocates a block of its size, passes the block's address, and reads the value
     *     back from the block (for greeting: the block holds the {@code uint16_t *});</li>
     * <li>for a pipe parameter ({@code [in] SAMPLE_PIPE *samples}): the pipe's ELEMENT type, for
     *     {@code NdrPipes.codec}.</li>
     * </ul>
     * Whether the pointer itself may be null ({@code [in, out, unique] long *optional}) is not in
     * the expression: see {@link #paramUnique}.
     *
     * @param model the model
     * @param itf the operation's interface
     * @param op the operation
     * @param p one of its parameters (not the binding handle)
     * @param ndrClass how the generated code names the descriptor class ({@code SubsetNdr}, or
     *        qualified)
     * @return a Java expression of type {@code dev.winrpc.async.stub.NdrType<X>}, X being
     *         {@link #paramJavaType}
     */
    static String paramType(IdlModel model, IdlInterface itf, Operation op, Param p, String ndrClass) {
        JavaNdr g = new JavaNdr(model, "", ndrClass, false);
        List<String> ctx = new ArrayList<>();
        List<IdlType> types = new ArrayList<>();
        for (Param q : op.params()) {
            ctx.add(q.name());
            types.add(q.type());
        }
        IdlType r = model.resolve(p.type());
        if (r instanceof Pointer ptr) {
            IdlType target = model.resolve(ptr.target());
            if (target instanceof Pipe pipe) {
                return g.expr(pipe.element(), ctx, types, Set.of());
            }
            if (target instanceof ConformantArray a) {
                return g.conformant(a, ctx, types, ptr.kind() == PointerKind.UNIQUE, Set.of());
            }
            return g.expr(ptr.target(), ctx, types, Set.of());
        }
        if (r instanceof ConformantArray a) {
            return g.conformant(a, ctx, types, false, Set.of());
        }
        return g.expr(p.type(), ctx, types, Set.of());
    }

    /**
     * {@return the Java expression of the NdrType of a type without conformant arrays (a return
     * type, a pipe's element)}
     *
     * @param model the model
     * @param t the type
     * @param ndrClass how the generated code names the descriptor class
     */
    static String typeExpr(IdlModel model, IdlType t, String ndrClass) {
        return new JavaNdr(model, "", ndrClass, false).expr(t, List.of(), List.of(), Set.of());
    }

    /**
     * {@return true if parameter p is a {@code [unique]} pointer (the stub takes a null pointer for
     * a null value), false if the stub takes a value or a {@code [ref]} pointer}
     *
     * @param model the model
     * @param p the parameter
     */
    static boolean paramUnique(IdlModel model, Param p) {
        IdlType r = model.resolve(p.type());
        return r instanceof Pointer ptr && ptr.kind() == PointerKind.UNIQUE
                || r instanceof StringType s && s.kind() == PointerKind.UNIQUE;
    }

    /**
     * The Java type of the values {@link #paramType}'s expression describes (boxed: the X of
     * {@code NdrType<X>}): {@code java.lang.Integer} for {@code [out] int *b},
     * {@code java.lang.Object} for an array (a primitive array or a list, as {@code NdrType}
     * describes them), a record or enum by its simple name (it is in the generated package).
     *
     * @param model the model
     * @param p the parameter
     * @return the type's Java name
     */
    static String paramJavaType(IdlModel model, Param p) {
        IdlType r = model.resolve(p.type());
        IdlType described = p.type();
        if (r instanceof Pointer ptr) {
            IdlType target = model.resolve(ptr.target());
            described = target instanceof Pipe pipe ? pipe.element() : ptr.target();
        }
        IdlType d = model.resolve(described);
        if (d instanceof ConformantArray || d instanceof FixedArray) {
            return "java.lang.Object";
        }
        return new JavaNames(model).javaType(described, true);
    }

    private String source(IdlInterface itf) {
        StringBuilder b = new StringBuilder("package " + pkg + ";\n\n");
        b.append("// Generated by dev.winrpc.async.idl.IdlCompiler from ")
                .append(model.file().replace('\n', ' ').replace('\r', ' ')).append(": the NDR descriptors of interface ")
                .append(itf.name()).append(". Do not edit.\n\n");
        b.append("/**\n * The C forms of interface {@code ").append(itf.name())
                .append("}'s structs and enums in its stub library's header, for\n * {@code dev.winrpc.async.stub.NdrCodec}.\n */\n");
        b.append("public final class ").append(cls).append(" {\n\n    private ").append(cls).append("() {\n    }\n");
        Set<String> done = new HashSet<>();
        for (String key : JavaTypes.definitions(model)) {
            emit(key, b, done, new HashSet<>());
        }
        return b.append("}\n").toString();
    }

    /** Emits key's constant after the constants it uses by value (C declares them first too). */
    private void emit(String key, StringBuilder b, Set<String> done, Set<String> visiting) {
        if (done.contains(key) || JavaNames.isGuid(key) || !visiting.add(key)) {
            return;
        }
        IdlType def = model.types().get(key).type();
        String name = names.typeName(key);
        String javaType = pkg + "." + name;
        if (def instanceof StructType s) {
            for (Field f : s.fields()) {
                for (String dep : byValue(f.type())) {
                    emit(dep, b, done, visiting);
                }
            }
            List<String> ctx = s.fields().stream().map(Field::name).toList();
            List<IdlType> types = s.fields().stream().map(Field::type).toList();
            List<String> fields = new ArrayList<>();
            List<String> args = new ArrayList<>();
            for (int i = 0; i < s.fields().size(); i++) {
                Field f = s.fields().get(i);
                fields.add("            " + F + ".<" + javaType + ">of(\"" + f.name() + "\", " + expr(f.type(), ctx, types, done)
                        + ", " + javaType + "::" + JavaNames.identifier(f.name()) + ")");
                args.add("(" + names.javaType(f.type(), true) + ") v[" + i + "]");
            }
            b.append("\n    /** The C form of {@link ").append(name).append("} (struct {@code ").append(s.tag()).append("}). */\n");
            b.append("    @SuppressWarnings(\"unchecked\")\n");
            b.append("    public static final ").append(T).append('<').append(name).append("> ").append(name).append(" = ")
                    .append(T).append(".struct(\"").append(name).append("\", java.util.List.of(\n")
                    .append(String.join(",\n", fields)).append("),\n            v -> new ").append(name).append("(")
                    .append(String.join(", ", args)).append("));\n");
        } else {
            b.append("\n    /** The C form of {@link ").append(name).append("} (an {@code int32_t}). */\n");
            b.append("    public static final ").append(T).append('<').append(name).append("> ").append(name).append(" = ")
                    .append(T).append(".enum32(\"").append(name).append("\", ").append(javaType).append("::value, ")
                    .append(javaType).append("::of);\n");
        }
        done.add(key);
    }

    /** The struct and enum definitions a type holds by value (not behind a pointer). */
    private List<String> byValue(IdlType t) {
        String key = names.definitionKey(t);
        if (key != null) {
            return List.of(key);
        }
        IdlType r = model.resolve(t);
        if (r instanceof FixedArray a) {
            return byValue(a.element());
        }
        if (r instanceof ConformantArray a) {
            return byValue(a.element());
        }
        if (r instanceof Pointer p && model.resolve(p.target()) instanceof FixedArray a) {
            return byValue(a.element()); // [ref] LPWSTR a[1]: the array itself (CNames.decl)
        }
        return List.of();
    }

    /** The expression of a type's descriptor; ctx/types: the sibling names and types size_is reads. */
    private String expr(IdlType t, List<String> ctx, List<IdlType> types, Set<String> done) {
        String key = names.definitionKey(t);
        if (key != null) {
            if (JavaNames.isGuid(key)) {
                return T + ".GUID";
            }
            String name = names.typeName(key);
            return !generating || done.contains(key) ? cls + "." + name
                    : T + ".lazy(\"" + name + "\", () -> " + cls + "." + name + ")";
        }
        IdlType r = model.resolve(t);
        if (r instanceof Primitive p) {
            return T + "." + primitive(p);
        }
        if (r instanceof StringType s) {
            return T + "." + (s.character() == Primitive.WCHAR ? "wideString(" : "ansiString(") + (s.kind() == PointerKind.UNIQUE)
                    + ")";
        }
        if (r instanceof Pointer p) {
            IdlType target = model.resolve(p.target());
            if (target instanceof FixedArray) {
                return expr(target, ctx, types, done);
            }
            boolean unique = p.kind() == PointerKind.UNIQUE;
            String inner = target instanceof ConformantArray a ? conformant(a, ctx, types, unique, done)
                    : expr(p.target(), ctx, types, done);
            return T + ".pointer(" + inner + ", " + unique + ")";
        }
        if (r instanceof FixedArray a) {
            return T + ".fixedArray(" + expr(a.element(), ctx, types, done) + ", " + a.length() + ")";
        }
        if (r instanceof ConformantArray a) {
            return conformant(a, ctx, types, false, done);
        }
        throw new IllegalArgumentException("no NDR descriptor for " + t);
    }

    private String conformant(ConformantArray a, List<String> ctx, List<IdlType> types, boolean unique, Set<String> done) {
        return T + ".conformantArray(" + expr(a.element(), ctx, types, done) + ", " + lambda(a.sizeIs(), ctx, types) + ", "
                + (a.lengthIs() == null ? "null" : lambda(a.lengthIs(), ctx, types)) + ", " + unique + ")";
    }

    /** {@code v -> Integer.toUnsignedLong((java.lang.Integer) v[9]) * 2L + 1L}. */
    private String lambda(SizeExpr e, List<String> ctx, List<IdlType> types) {
        int i = ctx.indexOf(e.name());
        if (i < 0) {
            throw new IllegalArgumentException("size_is names nothing: " + e);
        }
        IdlType named = types.get(i);
        if (e.deref()) {
            named = ((Pointer) model.resolve(named)).target();
        }
        String value = names.asLong(named, "(" + names.javaType(named, true) + ") v[" + i + "]");
        return "v -> " + value + (e.multiplier() == 1 ? "" : " * " + e.multiplier() + "L")
                + (e.addend() == 0 ? "" : " + " + e.addend() + "L");
    }

    private static String primitive(Primitive p) {
        return switch (p) {
            case SMALL -> "INT8";
            case UNSIGNED_SMALL, CHAR, BYTE -> "UINT8";
            case SHORT -> "INT16";
            case UNSIGNED_SHORT -> "UINT16";
            case LONG -> "INT32";
            case UNSIGNED_LONG, ERROR_STATUS -> "UINT32";
            case HYPER -> "INT64";
            case UNSIGNED_HYPER -> "UINT64";
            case BOOLEAN -> "BOOLEAN";
            case WCHAR -> "WCHAR";
            case FLOAT -> "FLOAT";
            case DOUBLE -> "DOUBLE";
            case HANDLE, VOID -> throw new IllegalArgumentException("no NDR descriptor for " + p.idlName());
        };
    }
}
