package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.Pipe;
import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.Primitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How the generated Java passes each parameter and the return value of an operation
 * (docs/idl.md, "The generated Java"): the kinds the generators handle, and an
 * {@link IdlException} naming the parameter for any other, so that no wrong code is ever
 * generated.
 */
final class JavaStubParams {

    /** How one parameter travels. */
    enum Kind {
        /** an [in] integer or floating-point value, by value. */
        SCALAR,
        /** an [in] pipe of 32-bit integers: a PipeWriter at the client, a PipeReader at the server. */
        PIPE_IN,
        /** an [out] pipe of 32-bit integers: a PipeReader at the client, a PipeWriter at the server. */
        PIPE_OUT,
        /** an [out] pointer to a 32-bit integer: an OutParam of 4 bytes. */
        OUT_INT,
        /** an [in] boolean, wchar_t or enum by value: its C form's bits. */
        VALUE,
        /** an [in] struct by value: the binding's Structure.ByValue of its C fields. */
        STRUCT_VALUE,
        /** an [in, string]: the characters' pointer. */
        IN_STRING,
        /** an [in] pointer to a value ([ref] or [unique]). */
        IN_REF,
        /** an [in] array (or a pointer to one): its elements' block. */
        IN_ARRAY,
        /** an [out] pointer to a value ([out, string] wchar_t ** too). */
        OUT_REF,
        /** an [out] array: a block of its size_is elements. */
        OUT_ARRAY,
        /** an [in, out] pointer to a value ([ref] or [unique]). */
        INOUT_REF,
        /** an [in, out, string]: its characters, overwritten in place by a string no longer. */
        INOUT_STRING,
        /** an [in, out] array (or a pointer to one): its elements' block, the same count back. */
        INOUT_ARRAY;

        /** {@return true if the client gets a value of this kind back in the call's result} */
        boolean out() {
            return this == OUT_INT || this == OUT_REF || this == OUT_ARRAY || inOut();
        }

        /** {@return true if the client passes a value of this kind (the server receives it)} */
        boolean in() {
            return this == SCALAR || this == VALUE || this == STRUCT_VALUE || this == IN_STRING || this == IN_REF
                    || this == IN_ARRAY || inOut();
        }

        /** {@return true for the [in, out] kinds} */
        boolean inOut() {
            return this == INOUT_REF || this == INOUT_STRING || this == INOUT_ARRAY;
        }

        /** {@return true if it goes through NdrClientArgs / NdrServerArgs} */
        boolean marshalled() {
            return ordinal() >= VALUE.ordinal();
        }
    }

    /**
     * One parameter after the binding handle.
     *
     * @param param the IDL's
     * @param kind how it travels
     * @param name its Java name
     * @param javaType its Java type at the client ([in]) or in the result ([out])
     * @param cType its C form, in comments
     * @param ndr the Java expression of its NdrType (JavaNdr.paramType), null for the kinds not marshalled
     * @param unique true for a [unique] pointer (null passes)
     * @param index its index among the operation's parameters (the binding handle is 0)
     * @param jnaType its Java type in the JNA binding
     * @param codec a pipe's PipeCodec expression, else null
     */
    record P(Param param, Kind kind, String name, String javaType, String cType, String ndr, boolean unique, int index,
            String jnaType, String codec) {
    }

    /** Names the generated code uses for its own locals and parameters. */
    private static final Set<String> TAKEN = Set.of("binding", "dispatcher", "call", "ctx", "h", "pAsync", "routine",
            "impl", "lib", "deadline", "executor", "reply", "result", "r", "v");

    private JavaStubParams() {
    }

    /** {@return the Java method name of an operation: the IDL's with a lower-case first letter} */
    static String method(Operation op) {
        String n = op.name();
        return JavaNames.identifier(n.substring(0, 1).toLowerCase(Locale.ROOT) + n.substring(1));
    }

    /**
     * {@return the Java method name of an operation's bulk form (its pipes as zero-copy writers
     * and lending readers): the IDL's name plus "Bulk", with a lower-case first letter}
     */
    static String bulkMethod(Operation op) {
        String n = op.name() + "Bulk";
        return JavaNames.identifier(n.substring(0, 1).toLowerCase(Locale.ROOT) + n.substring(1));
    }

    /** {@return true if one of the parameters is a pipe} */
    static boolean hasPipes(List<P> ps) {
        return ps.stream().anyMatch(p -> p.kind() == Kind.PIPE_IN || p.kind() == Kind.PIPE_OUT);
    }

    /**
     * {@return the parameters after the binding handle}
     *
     * @throws IdlException for a parameter the generated Java does not carry yet
     */
    static List<P> of(IdlModel model, Operation op) throws IdlException {
        List<P> out = new ArrayList<>();
        IdlInterface itf = itf(model, op);
        int index = 0;
        for (Param p : op.params().subList(1, op.params().size())) {
            index++;
            String name = JavaNames.identifier(p.name());
            if (TAKEN.contains(name)) {
                name = name + "_";
            }
            IdlType t = model.resolve(p.type());
            if (p.direction() == Param.Direction.IN && t instanceof Primitive prim && scalar(prim) != null) {
                out.add(new P(p, Kind.SCALAR, name, scalar(prim), CNames.fixed(prim), null, false, index, scalar(prim), null));
                continue;
            }
            if (t instanceof Pointer ptr && model.resolve(ptr.target()) instanceof Pipe pipe
                    && model.resolve(pipe.element()) instanceof Primitive e && int32(e)) {
                if (p.direction() == Param.Direction.IN) {
                    out.add(new P(p, Kind.PIPE_IN, name, "int[]", "ASYNC_INTPIPE *", null, false, index, "Pointer", "PipeCodec.INTS"));
                    continue;
                }
                if (p.direction() == Param.Direction.OUT) {
                    out.add(new P(p, Kind.PIPE_OUT, name, "int[]", "ASYNC_INTPIPE *", null, false, index, "Pointer",
                            "PipeCodec.INTS"));
                    continue;
                }
            }
            if (p.direction() == Param.Direction.OUT && t instanceof Pointer ptr
                    && model.resolve(ptr.target()) instanceof Primitive e && int32(e)) {
                out.add(new P(p, Kind.OUT_INT, name, "int", CNames.fixed(e) + " *", null, false, index, "Pointer", null));
                continue;
            }
            out.add(JavaStubKinds.classify(model, itf, op, p, index, name));
        }
        return out;
    }

    /** {@return the interface that declares op} */
    static IdlInterface itf(IdlModel model, Operation op) {
        for (IdlInterface i : model.interfaces()) {
            if (i.operations().contains(op)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no interface declares " + op.name());
    }

    /**
     * {@return the library's Reply constant of the operation's return type}
     *
     * @throws IdlException for a return type the generated Java does not carry yet
     */
    static String reply(IdlModel model, Operation op) throws IdlException {
        IdlType t = model.resolve(op.returnType());
        if (t == Primitive.VOID) {
            return "Reply.VOID";
        }
        if (t instanceof Primitive p && int32(p)) {
            return "Reply.INT";
        }
        if (t instanceof Primitive p && p != Primitive.HANDLE || t instanceof IdlType.EnumType) {
            return "dev.winrpc.async.stub.NdrReplies.of(" + JavaNdr.typeExpr(model, op.returnType(),
                    JavaNdr.className(itf(model, op))) + ")";
        }
        throw new IdlException(op.at(), "operation", "the generated Java cannot carry the return type of operation "
                + op.name() + " (docs/idl.md, \"The generated Java\": what it carries)");
    }

    /** {@return the Java type of the reply: Integer, Void, or the return type's boxed Java type} */
    static String replyType(IdlModel model, Operation op) throws IdlException {
        String r = reply(model, op);
        if (r.equals("Reply.VOID")) {
            return "Void";
        }
        return r.equals("Reply.INT") ? "Integer" : new JavaNames(model).javaType(op.returnType(), true);
    }

    /** {@return the component type of the reply in a result record: int for Reply.INT, else the boxed type} */
    static String replyComponent(IdlModel model, Operation op) throws IdlException {
        String t = replyType(model, op);
        return t.equals("Integer") ? "int" : t;
    }

    /** {@return the IDL file's name, for Javadoc} */
    static String file(IdlModel model) {
        String f = model.file().replace('\\', '/');
        f = f.substring(f.lastIndexOf('/') + 1);
        return "{@code " + f.replace("*/", "*&#47;").replace("@", "&#64;").replace("}", "&#125;") + "}";
    }

    /**
     * {@return the Java type a call's result has: the reply's, the one [out] value's where the
     * reply is void, else the generated record's (null if the reply alone)}
     */
    static String resultRecord(IdlModel model, Operation op, List<P> ps) throws IdlException {
        long outs = ps.stream().filter(p -> p.kind().out()).count();
        boolean hasReply = !replyType(model, op).equals("Void");
        return outs == 0 || (outs == 1 && !hasReply) ? null : op.name() + "Result";
    }

    private static boolean int32(Primitive p) {
        return p == Primitive.LONG || p == Primitive.UNSIGNED_LONG || p == Primitive.ERROR_STATUS;
    }

    private static String scalar(Primitive p) {
        return switch (p) {
            case SMALL, UNSIGNED_SMALL, CHAR, BYTE -> "byte";
            case SHORT, UNSIGNED_SHORT -> "short";
            case LONG, UNSIGNED_LONG, ERROR_STATUS -> "int";
            case HYPER, UNSIGNED_HYPER -> "long";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            default -> null;
        };
    }

    /**
     * Appends, for each parameter a method of the client or of the server interface takes, its
     * {@code @param} line to {@code doc} and {@code ", Type name"} to {@code sig}: the client
     * sends an [in] pipe through a PipeWriter and reads an [out] pipe from a PipeReader, the server
     * the other way round.
     */
    static void declare(List<P> ps, boolean server, StringBuilder doc, StringBuilder sig) {
        declare(ps, server, false, doc, sig);
    }

    /**
     * As {@link #declare(List, boolean, StringBuilder, StringBuilder)}; with bulk, every pipe is
     * in its bulk form: a zero-copy {@code PipeWriter<PipeBlock>} sends, a lending
     * {@code PipeReader<PipeView>} receives.
     */
    static void declare(List<P> ps, boolean server, boolean bulk, StringBuilder doc, StringBuilder sig) {
        String writer = bulk ? "PipeWriter<PipeBlock> " : null;
        String reader = bulk ? "PipeReader<PipeView> " : null;
        String blocks = bulk ? " (zero-copy blocks of the IDL element's size)\n" : "\n";
        String views = bulk ? " (views lent to one callback)\n" : "\n";
        for (P p : ps) {
            switch (p.kind()) {
                case SCALAR -> {
                    doc.append("     * @param ").append(p.name()).append(" [in] {@code ").append(p.cType()).append("}\n");
                    sig.append(", ").append(p.javaType()).append(' ').append(p.name());
                }
                case PIPE_IN -> {
                    doc.append("     * @param ").append(p.name()).append(server ? " the [in] pipe: what the client sends"
                            : " the [in] pipe: what the call sends").append(server ? views : blocks);
                    sig.append(", ").append(!bulk ? (server ? "PipeReader<" : "PipeWriter<") + p.javaType() + "> "
                            : server ? reader : writer).append(p.name());
                }
                case PIPE_OUT -> {
                    doc.append("     * @param ").append(p.name()).append(server
                            ? " the [out] pipe: finish it before the stage completes" : " the [out] pipe: what the call receives")
                            .append(server ? blocks : views);
                    sig.append(", ").append(!bulk ? (server ? "PipeWriter<" : "PipeReader<") + p.javaType() + "> "
                            : server ? writer : reader).append(p.name());
                }
                case OUT_INT, OUT_REF, OUT_ARRAY -> { }
                default -> {
                    doc.append("     * @param ").append(p.name()).append(" [").append(p.kind().inOut() ? "in, out" : "in")
                            .append("] {@code ").append(p.param().name()).append('}')
                            .append(p.unique() ? " (null for a null [unique] pointer)" : "").append('\n');
                    sig.append(", ").append(p.javaType()).append(' ').append(p.name());
                }
            }
        }
    }
}
