package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import dev.winrpc.async.stub.NdrCodec;
import dev.winrpc.async.stub.NdrMemory;
import dev.winrpc.async.stub.NdrType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NDR descriptor class JavaNdr writes ({@code SubsetNdr}), compiled and loaded: its structs
 * have the sizes, alignments and field offsets gcc gives the generated header's structs on this
 * machine; values of the generated records round-trip through it; and the descriptor
 * expressions of every parameter of subset.idl ({@link JavaNdr#paramType}) compile and
 * describe what the stub export takes.
 */
class IdlJavaNdrTest {

    private static final String PKG = "gen.ndr";

    /** Generates subset.idl's Java and C, plus a class of every parameter's descriptor; compiles and loads the Java. */
    private static ClassLoader generate(Path dir, IdlModel model) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = IdlCompiler.run(new String[] {"--idl", IdlModelTest.SUBSET.toString(), "--acf", IdlModelTest.SUBSET_ACF.toString(),
            "--java-out", dir.resolve("java").toString(), "--java-package", PKG, "--c-out", dir.resolve("c").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        Path pkg = dir.resolve("java/gen/ndr");
        StringBuilder params = new StringBuilder("package " + PKG + ";\n\n/** Every parameter's descriptor. */\n"
                + "public final class Params {\n    private Params() {\n    }\n\n    /** By operation.parameter. */\n"
                + "    public static final java.util.Map<String, dev.winrpc.async.stub.NdrType<?>> ALL = java.util.Map.ofEntries(\n");
        List<String> entries = new ArrayList<>();
        IdlInterface itf = model.interfaces().get(0);
        for (Operation op : itf.operations()) {
            for (Param p : op.params().subList(1, op.params().size())) {
                entries.add("        java.util.Map.entry(\"" + op.name() + "." + p.name() + "\", "
                        + JavaNdr.paramType(model, itf, op, p, "SubsetNdr") + ")");
            }
        }
        params.append(String.join(",\n", entries)).append(");\n}\n");
        Files.writeString(pkg.resolve("Params.java"), params.toString());
        List<String> args = new ArrayList<>(List.of("-Xlint:all", "-Werror", "-d", dir.resolve("classes").toString(),
                "-classpath", System.getProperty("java.class.path")));
        try (Stream<Path> s = Files.list(pkg)) {
            s.map(Path::toString).sorted().forEach(args::add);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        assertEquals(0, javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new)),
                diagnostics.toString(StandardCharsets.UTF_8));
        return new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, IdlJavaNdrTest.class.getClassLoader());
    }

    private static NdrType<?> constant(ClassLoader l, String name) throws Exception {
        return (NdrType<?>) l.loadClass(PKG + ".SubsetNdr").getField(name).get(null);
    }

    @Test
    void layoutsAreTheOnesGccGivesTheGeneratedHeader(@TempDir Path dir) throws Exception {
        IdlModel model = Idl.parse(IdlModelTest.SUBSET, IdlModelTest.SUBSET_ACF);
        ClassLoader l = generate(dir, model);
        Map<String, List<String>> structs = new LinkedHashMap<>();
        for (String s : List.of("POINT", "SAMPLE", "NODE", "RECORD", "BLOB")) {
            IdlType.StructType st = (IdlType.StructType) model.resolve(new IdlType.Ref(s));
            structs.put(s, st.fields().stream().map(Field::name).toList());
        }
        StringBuilder c = new StringBuilder("#include \"Subset_winrpc.h\"\n#include <stddef.h>\n#include <stdio.h>\nint main(void)\n{\n");
        for (String t : List.of("COLOR", "SHAPE", "GUID")) {
            c.append("    printf(\"").append(t).append(" %zu %zu\\n\", sizeof(").append(t).append("), _Alignof(").append(t).append("));\n");
        }
        for (Map.Entry<String, List<String>> e : structs.entrySet()) {
            c.append("    printf(\"").append(e.getKey()).append(" %zu %zu");
            for (String f : e.getValue()) {
                c.append(" %zu");
            }
            c.append("\\n\", sizeof(").append(e.getKey()).append("), _Alignof(").append(e.getKey()).append(")");
            for (String f : e.getValue()) {
                c.append(", offsetof(").append(e.getKey()).append(", ").append(f).append(")");
            }
            c.append(");\n");
        }
        c.append("    return 0;\n}\n");
        Path src = dir.resolve("layout.c");
        Files.writeString(src, c.toString());
        Path exe = dir.resolve("layout");
        List<String> args = new ArrayList<>(CCompiler.STRICT);
        args.addAll(List.of("-I" + dir.resolve("c"), "-I" + CCompiler.nativeHeaders(), src.toString(), "-o", exe.toString()));
        CCompiler.run("gcc", args);
        Process p = new ProcessBuilder(exe.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Map<String, NdrType<?>> java = new LinkedHashMap<>();
        java.put("COLOR", constant(l, "COLOR"));
        java.put("SHAPE", constant(l, "SHAPE"));
        java.put("GUID", NdrType.GUID);
        for (String s : structs.keySet()) {
            java.put(s, constant(l, s));
        }
        List<String> lines = out.lines().toList();
        assertEquals(java.size(), lines.size(), out);
        for (String line : lines) {
            String[] w = line.split(" ");
            NdrType<?> t = java.get(w[0]);
            StringBuilder mine = new StringBuilder(w[0] + " " + t.size() + " " + t.alignment());
            for (String f : structs.getOrDefault(w[0], List.of())) {
                mine.append(' ').append(t.offset(f));
            }
            assertEquals(line, mine.toString(), "gcc's layout, then the descriptor's");
        }
    }

    private static Object construct(ClassLoader l, String record, Object... values) throws Throwable {
        Class<?> c = l.loadClass(PKG + "." + record);
        Class<?>[] types = Stream.of(c.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<?> k = c.getConstructor(types);
        try {
            return k.newInstance(values);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(ClassLoader l, String e, String name) throws Exception {
        return Enum.valueOf((Class) l.loadClass(PKG + "." + e), name);
    }

    @SuppressWarnings("unchecked")
    private static Object roundTrip(NdrType<?> type, Object value, Object[] siblings) {
        NdrType<Object> t = (NdrType<Object>) type;
        try (NdrMemory m = new NdrMemory()) {
            Pointer p = m.write(t, value, siblings);
            return NdrCodec.read(t, p, 0, siblings);
        }
    }

    private static Object get(Object record, String component) throws Exception {
        return record.getClass().getMethod(component).invoke(record);
    }

    @Test
    void generatedRecordsRoundTripThroughTheGeneratedDescriptors(@TempDir Path dir) throws Throwable {
        ClassLoader l = generate(dir, Idl.parse(IdlModelTest.SUBSET, IdlModelTest.SUBSET_ACF));
        Object point = construct(l, "POINT", 3, -4);
        assertEquals(point, roundTrip(constant(l, "POINT"), point, null));
        Object tail = construct(l, "NODE", 2, null);
        Object list = construct(l, "NODE", 1, tail);
        assertEquals(list, roundTrip(constant(l, "NODE"), list, null));
        UUID id = UUID.randomUUID();
        Object rec = construct(l, "RECORD", "n\u00e4me", "ansi", null, id, point, null, point, enumConstant(l, "SHAPE", "SHAPE_SQUARE"),
                new short[] {1, 2, 3, 4}, 2, new int[] {10, 20});
        Object back = roundTrip(constant(l, "RECORD"), rec, null);
        for (String c : List.of("name", "ansi", "alias", "id", "corner", "optional", "required", "shape", "count")) {
            assertEquals(get(rec, c), get(back, c), c);
        }
        assertArrayEquals((short[]) get(rec, "flags"), (short[]) get(back, "flags"));
        assertArrayEquals((int[]) get(rec, "values"), (int[]) get(back, "values"));
        Object blob = construct(l, "BLOB", 3, new byte[] {1, 2, 3}, java.util.Arrays.asList("a", null), List.of("r"));
        Object blobBack = roundTrip(constant(l, "BLOB"), blob, null);
        assertArrayEquals((byte[]) get(blob, "data"), (byte[]) get(blobBack, "data"));
        assertEquals(get(blob, "labels"), get(blobBack, "labels"));
        assertEquals(get(blob, "required"), get(blobBack, "required"));
        Object sample = construct(l, "SAMPLE", 5L, 1.5, enumConstant(l, "COLOR", "COLOR_BLUE"), new byte[] {9, 8, 7, 6});
        Object sampleBack = roundTrip(constant(l, "SAMPLE"), sample, null);
        assertEquals(get(sample, "color"), get(sampleBack, "color"));
        assertArrayEquals((byte[]) get(sample, "tag"), (byte[]) get(sampleBack, "tag"));
    }

    @Test
    void parameterDescriptorsDescribeWhatTheStubTakes(@TempDir Path dir) throws Throwable {
        IdlModel model = Idl.parse(IdlModelTest.SUBSET, IdlModelTest.SUBSET_ACF);
        IdlInterface itf = model.interfaces().get(0);
        Operation sum = itf.operation("Sum").orElseThrow();
        assertEquals("dev.winrpc.async.stub.NdrType.conformantArray(dev.winrpc.async.stub.NdrType.INT32, "
                + "v -> java.lang.Integer.toUnsignedLong((java.lang.Integer) v[1]), null, false)",
                JavaNdr.paramType(model, itf, sum, sum.params().get(2), "SubsetNdr"));
        Operation hello = itf.operation("Hello").orElseThrow();
        assertEquals("dev.winrpc.async.stub.NdrType.wideString(false)", JavaNdr.paramType(model, itf, hello, hello.params().get(1), "X"));
        assertEquals("java.lang.String", JavaNdr.paramJavaType(model, hello.params().get(2)));
        assertEquals("java.lang.Object", JavaNdr.paramJavaType(model, sum.params().get(2)));
        assertEquals("SAMPLE", JavaNdr.paramJavaType(model, itf.operation("Record").orElseThrow().params().get(1)));
        Operation swap = itf.operation("Swap").orElseThrow();
        assertTrue(JavaNdr.paramUnique(model, swap.params().get(2)));
        assertTrue(!JavaNdr.paramUnique(model, swap.params().get(1)));

        ClassLoader l = generate(dir, model);
        Map<?, ?> all = (Map<?, ?>) l.loadClass(PKG + ".Params").getField("ALL").get(null);
        NdrType<?> values = (NdrType<?>) all.get("Sum.values");
        assertArrayEquals(new int[] {1, 2, 3}, (int[]) roundTrip(values, new int[] {1, 2, 3}, new Object[] {null, 3, null}));
        NdrType<?> greeting = (NdrType<?>) all.get("Hello.greeting");
        assertEquals(NdrType.wideString(false).size(), greeting.size(), "a block for the uint16_t * the stub writes");
        try (NdrMemory m = new NdrMemory()) {
            Pointer block = m.allocate(greeting.size());
            Pointer chars = m.allocate(6);
            chars.write(0, new short[] {'h', 'i', 0}, 0, 3);
            block.setPointer(0, chars);
            assertEquals("hi", NdrCodec.read(greeting, block, 0, null));
        }
        // Fill: [out, size_is(max), length_is(*written)] byte *buffer, read once written is
        NdrType<?> buffer = (NdrType<?>) all.get("Fill.buffer");
        try (NdrMemory m = new NdrMemory()) {
            Pointer b = m.allocate(4);
            b.write(0, new byte[] {5, 6, 7, 8}, 0, 4);
            assertArrayEquals(new byte[] {5, 6}, (byte[]) NdrCodec.read(buffer, b, 0, new Object[] {null, 4, null, 2}));
        }
        NdrType<?> chars = (NdrType<?>) all.get("Scaled.chars");
        assertArrayEquals("abc".toCharArray(), (char[]) roundTrip(chars, "abc".toCharArray(), new Object[] {null, (short) 1, null}));
        assertEquals(constant(l, "SAMPLE"), all.get("Record.samples"), "a pipe's element type");
        assertEquals(constant(l, "POINT"), all.get("Swap.p"));
        assertEquals(NdrType.INT32, all.get("Swap.optional"));
        assertEquals(constant(l, "COLOR"), all.get("Describe.color"));
        assertEquals(constant(l, "BLOB"), all.get("Describe.blob"));
        assertEquals(constant(l, "RECORD"), all.get("Describe.record"));
        assertEquals(NdrType.UINT32, all.get("Fill.written"));
        assertThrows(IllegalArgumentException.class, () -> roundTrip(values, new int[] {1}, new Object[] {null, 3, null}));
    }
}
