package dev.winrpc.async.idl;

import dev.winrpc.async.idl.JavaStubParams.P;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Writes, into {@code <I>Native}, its implementation by JNA's direct mapping, {@code Direct}
 * (docs/idl.md, "The stub library"): each export is a static native method of
 * {@code Direct.Exports}, which {@code StubLibrary.load} registers to the stub library
 * ({@code Native.register}, under {@code RpcEntry.OPTIONS}: stdcall on 32-bit x86 Windows, where
 * {@code I.def} exports the names undecorated), and {@code Direct}'s method of the interface
 * calls it: no proxy, no argument array, no boxing. An export with a Java type JNA's direct
 * mapping refuses (arrays of Pointer, Structure, String or NativeMapped, varargs; here anything
 * but a primitive, Pointer, SIZE_T or the binding's own by-value structures) goes through the
 * interface mapping of the same library instead, said in a comment of the generated method.
 */
final class JavaDirect {

    /** The Java types of the binding that JNA's direct mapping passes, besides the binding's by-value structures. */
    static final Set<String> DIRECT_TYPES = Set.of("void", "boolean", "byte", "short", "char", "int", "long", "float",
            "double", "Pointer", "BaseTSD.SIZE_T");

    /**
     * One export of the stub library.
     *
     * @param ret its Java return type
     * @param name its name (the C symbol's)
     * @param types its parameters' Java types
     * @param names its parameters' names
     */
    record Export(String ret, String name, List<String> types, List<String> names) {
    }

    private JavaDirect() {
    }

    /** {@return every export of the interface's stub library, as the binding declares it} */
    static List<Export> exports(IdlModel model, IdlInterface itf) throws IdlException {
        String i = itf.name();
        List<Export> out = new ArrayList<>();
        out.add(new Export("Pointer", i + "_IfSpec", List.of(), List.of()));
        out.add(new Export("Pointer", i + "_Allocate", List.of("BaseTSD.SIZE_T"), List.of("n")));
        out.add(new Export("void", i + "_Free", List.of("Pointer"), List.of("p")));
        for (Operation op : itf.operations()) {
            List<String> types = new ArrayList<>();
            List<String> names = new ArrayList<>();
            if (op.async()) {
                types.add("Pointer");
                names.add("pAsync");
            }
            types.add("Pointer");
            names.add("h");
            for (P p : JavaStubParams.of(model, op)) {
                types.add(p.jnaType());
                names.add(p.name());
            }
            if (!op.async() && !JavaStubParams.replyType(model, op).equals("Void")) {
                types.add("Pointer");
                names.add("pReturn");
            }
            out.add(new Export("int", i + "_" + op.name(), types, names));
        }
        return out;
    }

    /** {@return whether JNA's direct mapping passes a Java type of the binding named binding} */
    static boolean direct(String binding, String type) {
        return DIRECT_TYPES.contains(type) || type.startsWith(binding + ".") && type.endsWith("Value");
    }

    /** {@return the source of {@code Direct}, every export mapped directly where {@link #direct} allows it} */
    static String generate(IdlModel model, IdlInterface itf) throws IdlException {
        String binding = JavaBinding.name(itf);
        return generate(binding, exports(model, itf), t -> direct(binding, t));
    }

    /**
     * {@return the source of {@code Direct}}
     *
     * @param binding the simple name of the binding interface
     * @param exports its exports
     * @param direct the Java types JNA's direct mapping passes; an export with any other goes
     *        through the interface mapping
     */
    static String generate(String binding, List<Export> exports, Predicate<String> direct) {
        List<Export> natives = new ArrayList<>();
        List<Export> mapped = new ArrayList<>();
        for (Export e : exports) {
            (direct.test(e.ret()) && e.types().stream().allMatch(direct) ? natives : mapped).add(e);
        }
        StringBuilder b = new StringBuilder();
        b.append("    /**\n     * The binding by JNA's direct mapping, which {@link #load(String)} returns for the first stub\n")
                .append("     * library file it loads in this JVM: each method calls a static native method, without JNA's\n")
                .append("     * proxy, argument array or boxing. JNA binds a class's native methods to one library, so a\n")
                .append("     * different file loaded later for this interface gets JNA's interface mapping (StubLibrary.load).\n")
                .append("     */\n    final class Direct implements ").append(binding).append(" {\n\n");
        b.append("        /** The exports, registered to the stub library by StubLibrary.load (Native.register). */\n")
                .append("        private static final class Exports {\n            private Exports() {\n            }\n");
        for (Export e : natives) {
            b.append("\n            static native ").append(e.ret()).append(' ').append(e.name()).append('(')
                    .append(params(e)).append(");\n");
        }
        b.append("        }\n\n");
        if (!mapped.isEmpty()) {
            b.append("        /** The interface mapping of the same library, for the exports JNA cannot map directly. */\n")
                    .append("        private final ").append(binding).append(" mapped;\n\n");
        }
        b.append("        private Direct(String nameOrPath) {\n");
        if (!mapped.isEmpty()) {
            b.append("            this.mapped = StubLibrary.load(nameOrPath, ").append(binding).append(".class);\n");
        }
        b.append("        }\n");
        for (Export e : exports) {
            boolean viaNative = natives.contains(e);
            b.append("\n        @Override\n");
            if (!viaNative) {
                b.append("        // Interface mapping: JNA's direct mapping refuses ").append(refused(e, direct)).append(".\n");
            }
            b.append("        public ").append(e.ret()).append(' ').append(e.name()).append('(').append(params(e))
                    .append(") {\n            ").append(e.ret().equals("void") ? "" : "return ")
                    .append(viaNative ? binding + ".Direct.Exports." : "this.mapped.").append(e.name()).append('(')
                    .append(String.join(", ", e.names())).append(");\n        }\n");
        }
        b.append("    }\n\n");
        return b.toString();
    }

    private static String params(Export e) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < e.types().size(); k++) {
            b.append(k == 0 ? "" : ", ").append(e.types().get(k)).append(' ').append(e.names().get(k));
        }
        return b.toString();
    }

    private static String refused(Export e, Predicate<String> direct) {
        List<String> out = new ArrayList<>();
        if (!direct.test(e.ret())) {
            out.add("a " + e.ret() + " result");
        }
        for (int k = 0; k < e.types().size(); k++) {
            if (!direct.test(e.types().get(k))) {
                out.add("parameter " + e.names().get(k) + "'s " + e.types().get(k));
            }
        }
        return String.join(", ", out);
    }
}
