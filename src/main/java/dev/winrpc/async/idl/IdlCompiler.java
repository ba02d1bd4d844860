package dev.winrpc.async.idl;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The IDL compiler's command line:
 *
 * <pre>
 * java -cp &lt;library jar and its dependencies&gt; dev.winrpc.async.idl.IdlCompiler \
 *      --idl FILE.idl [--acf FILE.acf] --java-out DIR --java-package PKG --c-out DIR
 * </pre>
 *
 * <p>Exit status 0 on success; 2 on an IDL or ACF error (each {@code file:line:column:
 * <construct>: message} on standard error) and on bad usage (with the usage line); 1 if a file
 * cannot be read or written. Nothing is written unless the whole input is accepted.
 *
 * <p>It writes the Java types of the IDL's structs, enums and constants into
 * {@code --java-out} under {@code --java-package} (the constants class is named after the IDL
 * file: {@code fixture.idl} gives {@code FixtureConstants}), per interface {@code I} the JNA
 * binding {@code INative}, the typed client {@code IClient} and the server interface
 * {@code IServer} (when the generated Java carries every parameter of the interface; else it
 * says why on standard output), and the C of the stub library into {@code --c-out}
 * (docs/idl.md).
 */
public final class IdlCompiler {

    /** The usage line printed on bad usage. */
    public static final String USAGE =
            "usage: IdlCompiler --idl FILE.idl [--acf FILE.acf] --java-out DIR --java-package PKG --c-out DIR";

    private static final List<String> FLAGS = List.of("--idl", "--acf", "--java-out", "--java-package", "--c-out");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    private IdlCompiler() {
    }

    /**
     * Runs the compiler and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the compiler in-process.
     *
     * @param args the command line
     * @param out where progress goes (the files written)
     * @param err where errors and the usage line go
     * @return 0 on success, 2 on an IDL error or bad usage, 1 on an I/O error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts = new HashMap<>();
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            if (!FLAGS.contains(a)) {
                return usage(err, "unknown argument '" + a + "'");
            }
            if (k + 1 >= args.length) {
                return usage(err, a + " needs a value");
            }
            if (opts.put(a, args[++k]) != null) {
                return usage(err, a + " given twice");
            }
        }
        for (String required : List.of("--idl", "--java-out", "--java-package", "--c-out")) {
            if (!opts.containsKey(required)) {
                return usage(err, required + " is required");
            }
        }
        String pkg = opts.get("--java-package");
        if (!PACKAGE.matcher(pkg).matches() || List.of(pkg.split("\\.")).stream().anyMatch(p -> !JavaNames.identifier(p).equals(p))) {
            return usage(err, "--java-package '" + pkg + "' is not a Java package name");
        }
        Path idl = Path.of(opts.get("--idl"));
        Path acf = opts.containsKey("--acf") ? Path.of(opts.get("--acf")) : null;
        try {
            IdlModel model = Idl.parse(idl, acf);
            Map<String, String> sources = new java.util.LinkedHashMap<>(JavaTypes.generate(model, pkg, constantsClass(idl)));
            sources.putAll(JavaNdr.generate(model, pkg, sources.keySet()));
            String noStubs = JavaStubs.generate(model, pkg, sources);
            if (noStubs != null) {
                out.println("no Java client and server: " + noStubs);
            }
            Path dir = Path.of(opts.get("--java-out")).resolve(pkg.replace('.', '/'));
            Files.createDirectories(dir);
            Path cOut = Path.of(opts.get("--c-out"));
            Map<String, String> cSources = new java.util.LinkedHashMap<>(CHeader.generate(model));
            cSources.putAll(WindowsC.generate(model, idl, acf));
            cSources.putAll(SimulatorC.generate(model));
            for (String h : NATIVE_HEADERS) {
                cSources.put(h, nativeHeader(h));
            }
            if (WindowsC.unsupported(model) != null) {
                out.println("no Windows stub library: " + WindowsC.unsupported(model));
            }
            Files.createDirectories(cOut);
            for (Map.Entry<String, String> e : cSources.entrySet()) {
                Path f = cOut.resolve(e.getKey());
                Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
                out.println("wrote " + f);
            }
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path f = dir.resolve(e.getKey() + ".java");
                Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
                out.println("wrote " + f);
            }
            return 0;
        } catch (IdlException e) {
            for (Diagnostic d : e.diagnostics()) {
                err.println(d);
            }
            return 2;
        } catch (IOException e) {
            err.println("IdlCompiler: " + e);
            return 1;
        }
    }

    /**
     * The library's C declaration of the async API, which every generated C file includes, and
     * the header it includes in turn: both are written into {@code --c-out}, so that a stub
     * library builds from that directory alone.
     */
    static final java.util.List<String> NATIVE_HEADERS = java.util.List.of("winrpc_async.h", "winrpc_rpcdce.h");

    /** {@return one of native-headers' files, as the library's jar carries it} */
    static String nativeHeader(String name) throws IOException {
        try (java.io.InputStream in = IdlCompiler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the library's classes");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int usage(PrintStream err, String why) {
        err.println("IdlCompiler: " + why);
        err.println(USAGE);
        return 2;
    }

    /** {@code fixture.idl} gives {@code FixtureConstants}; {@code ms-even6.idl} gives {@code MsEven6Constants}. */
    static String constantsClass(Path idl) {
        String base = idl.getFileName().toString().replaceFirst("(?i)\\.idl$", "");
        StringBuilder b = new StringBuilder();
        boolean upper = true;
        for (char c : base.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        if (b.length() == 0 || !Character.isJavaIdentifierStart(b.charAt(0))) {
            b.insert(0, "Idl");
        }
        return b.append("Constants").toString();
    }
}
