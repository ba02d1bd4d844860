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
        OUT_INT
    }

    /**
     * One parameter after the binding handle.
     *
     * @param param the IDL's
     * @param kind how it travels
     * @param name its Java name
     * @param javaType its Java type at the client ([in]) or in the result ([out])
     * @param cType its C form, in comments
     */
    record P(Param param, Kind kind, String name, String javaType, String cType) {
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
     * {@return the parameters after the binding handle}
     *
     * @throws IdlException for a parameter the generated Java does not carry yet
     */
    static List<P> of(IdlModel model, Operation op) throws IdlException {
        List<P> out = new ArrayList<>();
        for (Param p : op.params().subList(1, op.params().size())) {
            String name = JavaNames.identifier(p.name());
            if (TAKEN.contains(name)) {
                name = name + "_";
            }
            IdlType t = model.resolve(p.type());
            if (p.direction() == Param.Direction.IN && t instanceof Primitive prim && scalar(prim) != null) {
                out.add(new P(p, Kind.SCALAR, name, scalar(prim), CNames.fixed(prim)));
                continue;
            }
            if (t instanceof Pointer ptr && model.resolve(ptr.target()) instanceof Pipe pipe
                    && model.resolve(pipe.element()) instanceof Primitive e && int32(e)) {
                if (p.direction() == Param.Direction.IN) {
                    out.add(new P(p, Kind.PIPE_IN, name, "int[]", "ASYNC_INTPIPE *"));
                    continue;
                }
                if (p.direction() == Param.Direction.OUT) {
                    out.add(new P(p, Kind.PIPE_OUT, name, "int[]", "ASYNC_INTPIPE *"));
                    continue;
                }
            }
            if (p.direction() == Param.Direction.OUT && t instanceof Pointer ptr
                    && model.resolve(ptr.target()) instanceof Primitive e && int32(e)) {
                out.add(new P(p, Kind.OUT_INT, name, "int", CNames.fixed(e) + " *"));
                continue;
            }
            throw new IdlException(p.at(), "parameter", "the generated Java cannot carry parameter '" + p.name()
                    + "' of operation " + op.name() + " yet (docs/idl.md, \"The generated Java\": what it carries)");
        }
        return out;
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
        throw new IdlException(op.at(), "operation", "the generated Java cannot carry the return type of operation "
                + op.name() + " yet (docs/idl.md, \"The generated Java\": what it carries)");
    }

    /** {@return the Java type of the reply: Integer or Void} */
    static String replyType(IdlModel model, Operation op) throws IdlException {
        return reply(model, op).equals("Reply.VOID") ? "Void" : "Integer";
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
        long outs = ps.stream().filter(p -> p.kind() == Kind.OUT_INT).count();
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
        for (P p : ps) {
            switch (p.kind()) {
                case SCALAR -> {
                    doc.append("     * @param ").append(p.name()).append(" [in] {@code ").append(p.cType()).append("}\n");
                    sig.append(", ").append(p.javaType()).append(' ').append(p.name());
                }
                case PIPE_IN -> {
                    doc.append("     * @param ").append(p.name()).append(server ? " the [in] pipe: what the client sends\n"
                            : " the [in] pipe: what the call sends\n");
                    sig.append(server ? ", PipeReader<int[]> " : ", PipeWriter<int[]> ").append(p.name());
                }
                case PIPE_OUT -> {
                    doc.append("     * @param ").append(p.name()).append(server
                            ? " the [out] pipe: finish it before the stage completes\n" : " the [out] pipe: what the call receives\n");
                    sig.append(server ? ", PipeWriter<int[]> " : ", PipeReader<int[]> ").append(p.name());
                }
                case OUT_INT -> { }
            }
        }
    }
}
