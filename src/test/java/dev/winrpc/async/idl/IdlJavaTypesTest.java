package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java types generated from the second test IDL compile (javax.tools, with -Xlint and
 * -Werror) and behave as the IDL says: records refuse a null where the IDL allows none, a
 * fixed array of the wrong length, an array shorter than its size_is, a string with an embedded
 * NUL; enums map wire values; constants have the IDL's values.
 */
class IdlJavaTypesTest {

    private static int compile(Path javaOut, Path cOut, Path idl, Path acf, ByteArrayOutputStream err) {
        List<String> args = new ArrayList<>(List.of("--idl", idl.toString()));
        if (acf != null) {
            args.addAll(List.of("--acf", acf.toString()));
        }
        args.addAll(List.of("--java-out", javaOut.toString(), "--java-package", "gen.subset", "--c-out", cOut.toString()));
        return IdlCompiler.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static ClassLoader generateAndLoad(Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, compile(dir.resolve("java"), dir.resolve("c"), IdlModelTest.SUBSET, IdlModelTest.SUBSET_ACF, err),
                err.toString(StandardCharsets.UTF_8));
        List<String> sources;
        try (Stream<Path> s = Files.list(dir.resolve("java/gen/subset"))) {
            sources = s.map(Path::toString).sorted().toList();
        }
        assertEquals(List.of("BLOB", "COLOR", "NODE", "POINT", "RECORD", "SAMPLE", "SHAPE", "SubsetBulkServer", "SubsetClient", "SubsetConstants",
                "SubsetNative", "SubsetNdr", "SubsetServer"),
                sources.stream().map(f -> Path.of(f).getFileName().toString().replace(".java", "")).toList());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the tests run on a JDK");
        Path classes = dir.resolve("classes");
        List<String> args = new ArrayList<>(List.of("-Xlint:all", "-Werror", "-d", classes.toString(),
                "-classpath", System.getProperty("java.class.path")));
        args.addAll(sources);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, IdlJavaTypesTest.class.getClassLoader());
    }

    private static Object construct(Class<?> record, Object... values) throws Throwable {
        Class<?>[] types = Stream.of(record.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<?> c = record.getConstructor(types);
        try {
            return c.newInstance(values);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> e, String name) {
        return Enum.valueOf((Class) e, name);
    }

    @Test
    void theGeneratedTypesCompileAndCheckWhatTheIdlConstrains(@TempDir Path dir) throws Throwable {
        try (URLClassLoader loader = (URLClassLoader) generateAndLoad(dir)) {
            Class<?> point = loader.loadClass("gen.subset.POINT");
            Class<?> record = loader.loadClass("gen.subset.RECORD");
            Class<?> shape = loader.loadClass("gen.subset.SHAPE");
            assertTrue(record.isRecord());
            assertEquals(UUID.class, record.getRecordComponents()[3].getType(), "GUID is java.util.UUID");
            Object p = construct(point, 1, 2);
            assertEquals("POINT[x=1, y=2]", p.toString());
            Object square = enumConstant(shape, "SHAPE_SQUARE");
            UUID id = UUID.randomUUID();
            short[] flags = new short[4];
            Object ok = construct(record, "name", null, null, id, p, null, p, square, flags, 2, new int[] {7, 8});
            flags[0] = 9;
            assertEquals(0, ((short[]) record.getMethod("flags").invoke(ok))[0], "arrays are copied in");
            assertThrows(NullPointerException.class, () -> construct(record, "n", null, null, id, p, null, null, square, new short[4], 0, new int[0]),
                    "[ref] required is never null");
            assertThrows(IllegalArgumentException.class, () -> construct(record, "n", null, null, id, p, null, p, square, new short[3], 0, new int[0]),
                    "flags[MAX_NAME / 16] has 4 elements");
            IllegalArgumentException shortArray = assertThrows(IllegalArgumentException.class,
                    () -> construct(record, "n", null, null, id, p, null, p, square, new short[4], 3, new int[] {1, 2}));
            assertTrue(shortArray.getMessage().contains("size_is(count)"), shortArray.getMessage());
            assertThrows(IllegalArgumentException.class, () -> construct(record, "a\0b", null, null, id, p, null, p, square, new short[4], 0, new int[0]),
                    "a [string] cannot hold NUL");
            assertThrows(IllegalArgumentException.class, () -> construct(record, null, null, null, id, p, null, p, square, new short[4], -1, new int[3]),
                    "count is unsigned: 0xFFFFFFFF elements");

            Class<?> blob = loader.loadClass("gen.subset.BLOB");
            List<String> labels = java.util.Arrays.asList("a", null);
            List<String> required = List.of("r");
            construct(blob, 5, null, labels, required);
            assertThrows(IllegalArgumentException.class, () -> construct(blob, 5, new byte[4], labels, required));
            assertThrows(IllegalArgumentException.class, () -> construct(blob, 0, null, java.util.Arrays.asList("a\0", null), required),
                    "no NUL in a string of an array");
            assertThrows(NullPointerException.class, () -> construct(blob, 0, null, labels, java.util.Arrays.asList((String) null)),
                    "a [ref] string of an array is never null");
            assertThrows(IllegalArgumentException.class, () -> construct(blob, 0, null, List.of("a"), required),
                    "labels[2] has two elements");

            Class<?> node = loader.loadClass("gen.subset.NODE");
            Object tail = construct(node, 2, null);
            assertEquals("NODE[value=1, next=NODE[value=2, next=null]]", construct(node, 1, tail).toString(), "a struct that points to itself");

            Class<?> color = loader.loadClass("gen.subset.COLOR");
            Object blue = color.getMethod("of", int.class).invoke(null, 8);
            assertEquals("COLOR_BLUE", ((Enum<?>) blue).name());
            assertEquals(2, color.getMethod("value").invoke(enumConstant(color, "COLOR_GREEN")));
            InvocationTargetException unknown = assertThrows(InvocationTargetException.class,
                    () -> color.getMethod("of", int.class).invoke(null, 3));
            assertInstanceOf(IllegalArgumentException.class, unknown.getCause());

            Class<?> constants = loader.loadClass("gen.subset.SubsetConstants");
            assertEquals(0x0102, constants.getField("SUBSET_VERSION").get(null));
            assertEquals(-128, constants.getField("SUBSET_MIN").get(null));
            assertEquals(true, constants.getField("SUBSET_STRICT").get(null));
            assertEquals("subset", constants.getField("SUBSET_NAME").get(null));
            assertEquals((byte) ':', constants.getField("SUBSET_SEPARATOR").get(null));
        }
    }

    @Test
    void theFixtureHasNoTypesToWriteButItsDescriptorBindingClientAndServer(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path root = IdlModelTest.ROOT;
        assertEquals(0, compile(dir.resolve("java"), dir.resolve("c"), root.resolve("windows-tests/fixture.idl"),
                root.resolve("windows-tests/fixture.acf"), err), err.toString(StandardCharsets.UTF_8));
        try (Stream<Path> s = Files.list(dir.resolve("java/gen/subset"))) {
            assertEquals(java.util.Set.of("WinRpcFixtureNdr.java", "WinRpcFixtureNative.java", "WinRpcFixtureClient.java",
                    "WinRpcFixtureServer.java", "WinRpcFixtureBulkServer.java"), s.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void aJavaNameClashIsAnIdlError() throws Exception {
        IdlModel m = Idl.parse("c.idl", "typedef struct A { long x; } B;\nstruct B { long y; };\n"
                + "[uuid(11111111-2222-3333-4444-555555555555)] interface I { long Op([in] handle_t h); }\n", null, null);
        IdlException e = assertThrows(IdlException.class, () -> JavaTypes.generate(m, "p", "CConstants"));
        assertTrue(e.getMessage().contains("Java name B"), e.getMessage());
        assertFalse(e.diagnostics().isEmpty());
    }
}
