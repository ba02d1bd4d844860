package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * For random IDL within the subset (structs of every field kind, enums, constants, field names
 * that Java reserves), the generated Java (types and the NDR descriptor class) compiles with -Xlint:all -Werror: the generator never
 * writes code that does not compile.
 */
class IdlJavaTypesProperties {

    private static final List<String> NAMES = List.of("class", "record", "package", "hashCode", "wait", "value", "data", "x",
            "getClass", "var", "yield", "_x", "Default", "strictfp", "const_", "equals", "n");
    private static final List<String> BASE = List.of("small", "unsigned small", "short", "unsigned short", "long", "unsigned long",
            "hyper", "unsigned hyper", "char", "byte", "boolean", "wchar_t", "float", "double", "error_status_t", "DWORD", "BOOL",
            "ULONGLONG", "GUID", "FILETIME");

    /** A random IDL: {@code structs} structs, one enum, a few constants, one operation. */
    static String randomIdl(long seed, int structs) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder("import \"ms-dtyp.idl\";\n");
        b.append("typedef enum _E { E_A = ").append(r.nextInt(100)).append(", E_B, E_C = 0xFFFFFFFF } E;\n");
        b.append("const unsigned short C_U16 = 65535;\nconst hyper C_H = -9223372036854775807;\n");
        b.append("const wchar_t *C_S = L\"q\\\"\\\\\\t\";\nconst boolean C_B = FALSE;\nconst char C_C = 'x';\n");
        List<String> structNames = new ArrayList<>();
        for (int s = 0; s < structs; s++) {
            String name = "S" + s;
            b.append("typedef struct _").append(name).append(" {\n");
            int fields = 1 + r.nextInt(6);
            List<String> used = new ArrayList<>();
            for (int f = 0; f < fields; f++) {
                String field = NAMES.get(r.nextInt(NAMES.size()));
                if (used.contains(field)) {
                    field = field + f;
                }
                used.add(field);
                switch (r.nextInt(9)) {
                    case 0 -> b.append("    [string] wchar_t *").append(field).append(";\n");
                    case 1 -> b.append("    [ref, string] char *").append(field).append(";\n");
                    case 2 -> b.append("    ").append(BASE.get(r.nextInt(BASE.size()))).append(' ').append(field)
                            .append('[').append(1 + r.nextInt(4)).append("];\n");
                    case 3 -> b.append("    E ").append(field).append(";\n");
                    case 4 -> {
                        if (!structNames.isEmpty()) {
                            String target = structNames.get(r.nextInt(structNames.size()));
                            int kind = r.nextInt(3);
                            b.append("    ").append(kind == 0 ? "[unique] " : "").append(target).append(kind < 2 ? " *" : " ")
                                    .append(field).append(";\n");
                        } else {
                            b.append("    [unique] struct _").append(name).append(" *").append(field).append(";\n");
                        }
                    }
                    case 5 -> b.append("    LPWSTR ").append(field).append("[2];\n");
                    default -> b.append("    ").append(BASE.get(r.nextInt(BASE.size()))).append(' ').append(field).append(";\n");
                }
            }
            if (r.nextBoolean()) {
                b.append("    unsigned short count;\n    [size_is(count * 2 + 1), length_is(count)] ")
                        .append(BASE.get(r.nextInt(BASE.size()))).append(r.nextBoolean() ? " *tail;\n" : " tail[];\n");
            }
            b.append("} ").append(name).append(";\n");
            structNames.add(name);
        }
        b.append("[uuid(11111111-2222-3333-4444-555555555555)]\ninterface R\n{\n    long Op([in] handle_t h);\n}\n");
        return b.toString();
    }

    @Property(tries = 25)
    void theJavaOfAnyIdlOfTheSubsetCompiles(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int structs) throws Exception {
        String idl = randomIdl(seed, structs);
        IdlModel model = Idl.parse("r.idl", idl, null, null);
        Map<String, String> sources = new java.util.LinkedHashMap<>(JavaTypes.generate(model, "gen.r", "RConstants"));
        sources.putAll(JavaNdr.generate(model, "gen.r", sources.keySet()));
        Path dir = Files.createTempDirectory("idlprop");
        try {
            Path pkg = Files.createDirectories(dir.resolve("gen/r"));
            List<String> args = new ArrayList<>(List.of("-Xlint:all", "-Werror", "-d", dir.resolve("classes").toString(),
                    "-classpath", System.getProperty("java.class.path")));
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path f = pkg.resolve(e.getKey() + ".java");
                Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
                args.add(f.toString());
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
            int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
            assertEquals(0, rc, idl + "\n" + diagnostics.toString(StandardCharsets.UTF_8));
            // the descriptor class initialises: every constant is there, laid out, in an order that works
            try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {dir.resolve("classes").toUri().toURL()},
                    getClass().getClassLoader())) {
                for (java.lang.reflect.Field f : loader.loadClass("gen.r.RNdr").getFields()) {
                    dev.winrpc.async.stub.NdrType<?> t = (dev.winrpc.async.stub.NdrType<?>) f.get(null);
                    org.junit.jupiter.api.Assertions.assertTrue(t.size() > 0 && t.alignment() > 0, idl + "\n" + f);
                }
            }
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
