package dev.winrpc.async.idl;

import dev.winrpc.async.idl.JavaStubParams.Kind;
import dev.winrpc.async.idl.JavaStubParams.P;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the body of a generated client's method for an {@code [async]} operation with
 * parameters that go through the marshalling runtime ({@link Kind#marshalled()}, pipes of
 * anything): every value is checked before native memory is touched, {@code [in]} data is written
 * into memory the call pins, {@code [out]} values are read once the call completed with RPC_S_OK
 * and what the stub allocated for them is given back to {@code I_Free}
 * ({@code NdrClientArgs}).
 */
final class JavaClientCalls {

    private static final String ARGS = "dev.winrpc.async.stub.NdrClientArgs";

    private JavaClientCalls() {
    }

    /** {@return true if op's client method is written here rather than by JavaClient's simpler path} */
    static boolean needed(List<P> ps) {
        return ps.stream().anyMatch(p -> p.kind().marshalled() || p.ndr() != null);
    }

    /**
     * Appends the method's body, from after {@code Objects.requireNonNull(binding)} to its
     * closing brace.
     */
    static void body(StringBuilder b, IdlInterface itf, Operation op, List<P> ps, String reply, String replyType,
            String rec) {
        StringBuilder call = new StringBuilder("builder(binding, " + reply + ")");
        String args = prepare(b, itf, ps, call, false);
        b.append("        ClientCall.Builder<").append(replyType).append("> call = ").append(call).append(";\n");
        String stub = "(h, ctx) -> lib." + itf.name() + "_" + op.name() + "(ctx.pAsync(), h" + args + ")";
        b.append("        return StubCall.start(binding, call, ").append(stub).append(",\n                r -> {\n")
                .append("                    try {\n");
        List<String> vals = reads(b, ps, replyType.equals("Void") ? null : "r", "                        ", false);
        String value = rec != null ? "new " + rec + "(" + String.join(", ", vals) + ")"
                : vals.isEmpty() ? "r" : vals.get(vals.size() - 1);
        b.append("                        return ").append(value).append(";\n")
                .append("                    } finally {\n                        m$.finish();\n                    }\n")
                .append("                }, List.of(m$.in()));\n    }\n");
    }

    /**
     * Appends the body of a synchronous operation's blocking method: the same checks and
     * writes, the synchronous export on this thread, the reads; everything freed before it returns.
     *
     * @param replyValue the Java expression of the reply read from {@code ret$}, or null for void
     */
    static void syncBody(StringBuilder b, IdlInterface itf, Operation op, List<P> ps, String replyValue, String rec) {
        String args = prepare(b, itf, ps, new StringBuilder(), true);
        b.append("        try (com.sun.jna.Memory ret$ = new com.sun.jna.Memory(8)) {\n")
                .append("            SyncStubs.check(\"").append(itf.name()).append('_').append(op.name()).append("\", lib.")
                .append(itf.name()).append('_').append(op.name()).append("(binding.handle()").append(args)
                .append(replyValue != null ? ", ret$" : "").append("));\n");
        List<String> vals = reads(b, ps, replyValue, "            ", true);
        String value = rec != null ? "new " + rec + "(" + String.join(", ", vals) + ")"
                : vals.isEmpty() ? null : vals.get(vals.size() - 1);
        if (value != null) {
            b.append("            return ").append(value).append(";\n");
        }
        b.append("        } finally {\n            m$.finish();\n            m$.in().close();\n        }\n    }\n");
    }

    /** Appends the checks and the writes; {@return the stub's arguments after the binding handle} */
    private static String prepare(StringBuilder b, IdlInterface itf, List<P> ps, StringBuilder call, boolean sync) {
        List<String> sib = new ArrayList<>();
        sib.add("null");
        for (P p : ps) {
            sib.add(p.kind().in() ? p.name() : "null");
        }
        b.append("        Object[] sib$ = {").append(String.join(", ", sib)).append("};\n");
        for (P p : ps) {
            switch (p.kind()) {
                case PIPE_IN, PIPE_OUT -> {
                    b.append("        Objects.requireNonNull(").append(p.name()).append(", \"").append(p.name()).append("\");\n");
                    call.append(p.kind() == Kind.PIPE_IN ? ".send(" : ".receive(").append(p.name()).append(')');
                }
                case VALUE, STRUCT_VALUE, IN_STRING, IN_REF, IN_ARRAY, INOUT_REF, INOUT_STRING, INOUT_ARRAY ->
                    b.append("        ").append(ARGS).append(".check(").append(p.ndr()).append(", ").append(p.name())
                            .append(", \"").append(p.name()).append("\", ").append(p.unique()).append(", sib$);\n");
                default -> { }
            }
        }
        b.append("        ").append(ARGS).append(" m$ = new ").append(ARGS).append("(sib$, lib::").append(itf.name())
                .append("_Free);\n");
        b.append("        com.sun.jna.Pointer[] a$ = new com.sun.jna.Pointer[").append(ps.size() + 1).append("];\n");
        StringBuilder writes = new StringBuilder();
        StringBuilder args = new StringBuilder();
        for (P p : ps) {
            String slot = "a$[" + p.index() + "]";
            switch (p.kind()) {
                case SCALAR -> args.append(", ").append(p.name());
                case VALUE -> {
                    b.append("        long b$").append(p.name()).append(" = ").append(ARGS).append(".bits(").append(p.ndr())
                            .append(", ").append(p.name()).append(");\n");
                    args.append(", (").append(p.jnaType()).append(") b$").append(p.name());
                }
                case STRUCT_VALUE -> {
                    b.append("        ").append(p.jnaType()).append(" s$").append(p.name()).append(" = new ").append(p.jnaType())
                            .append("();\n");
                    writes.append("            m$.byValue(").append(p.ndr()).append(", ").append(p.name()).append(", s$")
                            .append(p.name()).append(");\n");
                    args.append(", s$").append(p.name());
                }
                case IN_STRING -> write(writes, args, slot, "m$.inString(" + p.ndr() + ", " + p.name() + ")");
                case IN_REF, IN_ARRAY -> write(writes, args, slot, "m$.in(" + p.ndr() + ", " + p.name() + ")");
                case INOUT_REF, INOUT_ARRAY -> write(writes, args, slot, "m$.inOut(" + p.ndr() + ", " + p.name() + ")");
                case INOUT_STRING -> write(writes, args, slot, "m$.inOutString(" + p.ndr() + ", " + p.name() + ")");
                case OUT_REF, OUT_ARRAY -> write(writes, args, slot, "m$.out(" + p.ndr() + ")");
                case OUT_INT -> {
                    if (sync) {
                        b.append("        com.sun.jna.Memory out$").append(p.name()).append(" = new com.sun.jna.Memory(4);\n");
                        args.append(", out$").append(p.name());
                        continue;
                    }
                    b.append("        OutParam out$").append(p.name()).append(" = OutParam.clientInt();\n");
                    call.append(".out(out$").append(p.name()).append(')');
                    args.append(", out$").append(p.name()).append(".pointer()");
                }
                case PIPE_IN -> args.append(", ctx.inPipe()");
                case PIPE_OUT -> args.append(", ctx.outPipe()");
            }
        }
        b.append("        try {\n").append(writes).append("        } catch (RuntimeException | Error e) {\n")
                .append("            m$.in().close();\n            m$.finish();\n            throw e;\n        }\n");
        return args.toString();
    }

    /** Appends the reads of the [out] values (arrays last); {@return the result's values: the reply, then the outs} */
    private static List<String> reads(StringBuilder b, List<P> ps, String reply, String in, boolean sync) {
        List<String> vals = new ArrayList<>();
        if (reply != null) {
            vals.add(reply);
        }
        for (P p : ps) {
            if (p.kind() == Kind.OUT_INT) {
                b.append(in).append("int o$").append(p.name()).append(" = out$").append(p.name())
                        .append(sync ? ".getInt(0);\n" : ".getInt();\n")
                        .append(in).append("m$.set(").append(p.index()).append(", o$").append(p.name()).append(");\n");
            } else if (p.kind() == Kind.OUT_REF || p.kind() == Kind.INOUT_REF) {
                b.append(in).append(p.javaType()).append(" o$").append(p.name()).append(" = m$.read(")
                        .append(p.index()).append(", ").append(p.ndr()).append(", a$[").append(p.index()).append("]);\n");
            } else if (p.kind() == Kind.INOUT_STRING) {
                b.append(in).append("String o$").append(p.name()).append(" = m$.readString(")
                        .append(p.index()).append(", ").append(p.ndr()).append(", a$[").append(p.index()).append("]);\n");
            }
        }
        for (P p : ps) {
            if (p.kind() == Kind.OUT_ARRAY || p.kind() == Kind.INOUT_ARRAY) {
                b.append(in).append(p.javaType()).append(" o$").append(p.name()).append(" = (")
                        .append(p.javaType()).append(") m$.read(").append(p.index()).append(", ").append(p.ndr())
                        .append(", a$[").append(p.index()).append("]);\n");
            }
            if (p.kind().out()) {
                vals.add("o$" + p.name());
            }
        }
        return vals;
    }

    private static void write(StringBuilder writes, StringBuilder args, String slot, String expr) {
        writes.append("            ").append(slot).append(" = ").append(expr).append(";\n");
        args.append(", ").append(slot);
    }
}
