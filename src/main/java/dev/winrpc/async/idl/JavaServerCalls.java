package dev.winrpc.async.idl;

import dev.winrpc.async.idl.JavaStubParams.Kind;
import dev.winrpc.async.idl.JavaStubParams.P;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the manager routine of a generated EPV for an operation with parameters that go
 * through the marshalling runtime ({@code NdrServerArgs}): the {@code [in]} values are read from
 * the stub's copies while the routine runs; when the implementation's result arrives, every
 * {@code [out]} and {@code [in, out]} value is checked, then written into the stub's targets with
 * blocks from {@code I_Allocate}, before the call is completed. All of it runs inside
 * {@code ServerStubs.serve}, so nothing reaches native code.
 */
final class JavaServerCalls {

    private static final String ARGS = "dev.winrpc.async.stub.NdrServerArgs";

    private JavaServerCalls() {
    }

    /**
     * {@return the line that makes the server's end of a pipe: a copying one of the pipe's codec,
     * or with bulk a lending reader of {@code impl.chunkElements(op)} or a zero-copy writer}
     */
    static String pipeEnd(Operation op, P p, boolean bulk) {
        boolean in = p.kind() == Kind.PIPE_IN;
        String type = bulk ? (in ? "PipeReader<PipeView>" : "PipeWriter<PipeBlock>")
                : (in ? "PipeReader<" : "PipeWriter<") + p.javaType() + ">";
        String make = !bulk ? (in ? "PipeReader.of(" : "PipeWriter.of(") + p.codec() + ")"
                : in ? "PipeReader.lending(" + p.codec() + ", impl.chunkElements(\"" + op.name() + "\"))"
                : "PipeWriter.zeroCopy(" + p.codec() + ")";
        return "                " + type + (in ? " in$" : " out$") + p.name() + " = " + make + ";\n";
    }

    /** Appends {@code epv.Op = (...) -> ServerStubs.serve(...);}, with bulk pipe ends if bulk. */
    static void routine(StringBuilder b, IdlInterface itf, Operation op, List<P> ps, String reply, String replyType,
            String rec, boolean bulk) {
        String lib = JavaBinding.name(itf);
        StringBuilder lambda = new StringBuilder("pAsync, h");
        List<String> sib = new ArrayList<>();
        sib.add("null");
        for (P p : ps) {
            lambda.append(", ").append(p.name());
            sib.add(p.kind() == Kind.SCALAR ? p.name() : "null");
        }
        String in = "                ";
        StringBuilder setup = new StringBuilder();
        setup.append(in).append(ARGS).append(" a$ = new ").append(ARGS).append("(new Object[] {").append(String.join(", ", sib))
                .append("},\n").append(in).append("        n$ -> lib.").append(itf.name())
                .append("_Allocate(new com.sun.jna.platform.win32.BaseTSD.SIZE_T(n$)));\n");
        StringBuilder arrays = new StringBuilder();
        StringBuilder builder = new StringBuilder("ServerCall.builder(dispatcher, " + reply + ", pAsync)");
        List<String> implArgs = new ArrayList<>();
        for (P p : ps) {
            String v = "v$" + p.name();
            String decl = in + p.javaType() + " " + v + " = ";
            switch (p.kind()) {
                case SCALAR -> implArgs.add(p.name());
                case VALUE -> setup.append(decl).append("a$.fromBits(").append(p.index()).append(", ").append(p.ndr()).append(", ")
                        .append(p.jnaType().equals("int") ? "Integer.toUnsignedLong(" : p.jnaType().equals("short")
                                ? "Short.toUnsignedLong(" : "Byte.toUnsignedLong(").append(p.name()).append("));\n");
                case STRUCT_VALUE -> setup.append(decl).append("a$.fromStruct(").append(p.index()).append(", ").append(p.ndr())
                        .append(", ").append(p.name()).append(");\n");
                case IN_STRING, INOUT_STRING -> setup.append(decl).append("a$.inString(").append(p.index()).append(", ").append(p.ndr())
                        .append(", ").append(p.name()).append(");\n");
                case IN_REF, INOUT_REF -> setup.append(decl).append("a$.in(").append(p.index()).append(", ").append(p.ndr())
                        .append(", ").append(p.name()).append(");\n");
                case IN_ARRAY, INOUT_ARRAY -> arrays.append(decl).append('(').append(p.javaType()).append(") a$.in(").append(p.index())
                        .append(", ").append(p.ndr()).append(", ").append(p.name()).append(");\n");
                case PIPE_IN -> {
                    setup.append(pipeEnd(op, p, bulk));
                    builder.append(".receive(in$").append(p.name()).append(", ").append(p.name()).append(')');
                }
                case PIPE_OUT -> {
                    setup.append(pipeEnd(op, p, bulk));
                    builder.append(".send(out$").append(p.name()).append(", ").append(p.name()).append(')');
                }
                case OUT_INT -> {
                    setup.append(in).append("OutParam out$").append(p.name()).append(" = OutParam.server(").append(p.name())
                            .append(", 4);\n");
                    builder.append(".out(out$").append(p.name()).append(')');
                }
                default -> { }
            }
            switch (p.kind()) {
                case VALUE, STRUCT_VALUE, IN_STRING, IN_REF, INOUT_REF, IN_ARRAY, INOUT_STRING, INOUT_ARRAY -> implArgs.add(v);
                case PIPE_IN -> implArgs.add("in$" + p.name());
                case PIPE_OUT -> implArgs.add("out$" + p.name());
                default -> { }
            }
        }
        setup.append(arrays);
        StringBuilder complete = new StringBuilder();
        String c = "                    ";
        for (P p : ps) {
            if (!p.kind().out()) {
                continue;
            }
            String val = rec != null ? "res$." + p.name() + "()" : "res$";
            if (p.kind() == Kind.OUT_INT) {
                complete.append(c).append("a$.set(").append(p.index()).append(", ").append(val).append(");\n")
                        .append(c).append("out$").append(p.name()).append(".setInt(").append(val).append(");\n");
            } else if (p.kind() == Kind.INOUT_STRING || p.kind() == Kind.INOUT_ARRAY) {
                complete.append(c).append(p.kind() == Kind.INOUT_STRING ? "a$.inOutString(" : "a$.inOutArray(")
                        .append(p.index()).append(", ").append(p.ndr()).append(", ").append(p.name()).append(", ")
                        .append(val).append(", v$").append(p.name()).append(", \"").append(p.name()).append("\");\n");
            } else {
                complete.append(c).append("a$.out(").append(p.index()).append(", ").append(p.ndr()).append(", ")
                        .append(p.name()).append(", ").append(val).append(", \"").append(p.name()).append("\");\n");
            }
        }
        complete.append(c).append("a$.writeOuts();\n");
        boolean outs = ps.stream().anyMatch(p -> p.kind().out());
        String ret = replyType.equals("Void") ? "null" : rec != null ? "res$.reply()" : "res$";
        if (!outs && !replyType.equals("Void")) {
            ret = "res$";
        }
        b.append("        epv.").append(op.name()).append(" = (").append(lambda).append(") -> ServerStubs.serve(pAsync, h, \"")
                .append(op.name()).append("\", routine -> {\n").append(setup)
                .append("                ServerCall<").append(replyType).append("> call = routine.accept(").append(builder).append(");\n")
                .append("                routine.reply(call, () -> impl.").append(JavaStubParams.method(op)).append('(')
                .append(String.join(", ", implArgs)).append("), res$ -> {\n").append(complete)
                .append(c).append("return ").append(ret).append(";\n                });\n            });\n");
    }
}
