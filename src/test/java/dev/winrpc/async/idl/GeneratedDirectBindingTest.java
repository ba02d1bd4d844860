package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.generated.values.ValuesNative;
import dev.winrpc.async.raw.RpcEntry;
import dev.winrpc.async.stub.StubLibrary;
import dev.winrpc.async.testing.Simulator;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated binding {@code <I>Native} calls the stub library through JNA's direct mapping
 * ({@link JavaDirect}): {@code load} returns {@code <I>Native.Direct}, whose exports are static
 * native methods registered to the library; loading the same file again (by name or path) gives
 * the same binding, another file of the same interface gets JNA's interface mapping; an export
 * whose types JNA's direct mapping refuses goes through the interface mapping of the same library.
 */
class GeneratedDirectBindingTest {

    private static File fixtureFile() {
        Simulator.fixture();
        File f = NativeLibrary.getInstance(WinRpcFixtureNative.LIBRARY, RpcEntry.OPTIONS).getFile();
        assertNotNull(f, "libWinRpcFixture.so is a file on jna.library.path");
        return f;
    }

    private static Set<String> staticNatives(Class<?> c) {
        return Arrays.stream(c.getDeclaredMethods())
                .filter(m -> Modifier.isNative(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toSet());
    }

    private static Class<?> nested(Class<?> c, String simpleName) {
        return Arrays.stream(c.getDeclaredClasses()).filter(n -> n.getSimpleName().equals(simpleName)).findFirst()
                .orElseThrow(() -> new AssertionError(c + " has no nested " + simpleName));
    }

    @Test
    void loadReturnsTheDirectMappingWhoseNativesAreEveryExportAndRegistered() throws Exception {
        WinRpcFixtureNative lib = Simulator.fixture();
        assertInstanceOf(WinRpcFixtureNative.Direct.class, lib);
        assertFalse(Proxy.isProxyClass(lib.getClass()));
        Class<?> exports = nested(WinRpcFixtureNative.Direct.class, "Exports");
        IdlModel m = Idl.parse(IdlCHeaderTest.FIXTURE, IdlCHeaderTest.FIXTURE_ACF);
        assertEquals(Set.copyOf(WindowsC.exports(m.interfaces().get(0))), staticNatives(exports));
        assertEquals(Set.of(), Arrays.stream(WinRpcFixtureNative.Direct.class.getDeclaredFields())
                .map(Field::getName).collect(Collectors.toSet()), "no export goes through the interface mapping");

        Pointer ifSpec = lib.WinRpcFixture_IfSpec();
        assertNotNull(ifSpec);
        WinRpcFixtureNative mapped = StubLibrary.load(WinRpcFixtureNative.LIBRARY, WinRpcFixtureNative.class);
        assertTrue(Proxy.isProxyClass(mapped.getClass()));
        assertEquals(mapped.WinRpcFixture_IfSpec(), ifSpec, "the same export of the same library");
        Method raw = exports.getDeclaredMethod("WinRpcFixture_IfSpec");
        raw.setAccessible(true);
        assertEquals(ifSpec, raw.invoke(null), "the static native is registered to the library");

        Pointer p = lib.WinRpcFixture_Allocate(new BaseTSD.SIZE_T(16));
        assertNotNull(p);
        p.setInt(12, 0x5eed);
        assertEquals(0x5eed, p.getInt(12));
        lib.WinRpcFixture_Free(p);
    }

    @Test
    void theByValueStructuresAreMappedDirectlyToo() {
        ValuesNative lib = ValuesNative.load();
        assertInstanceOf(ValuesNative.Direct.class, lib);
        assertTrue(staticNatives(nested(ValuesNative.Direct.class, "Exports")).containsAll(Set.of("Values_Mix", "Values_Echo")));
        assertEquals(0, ValuesNative.Direct.class.getDeclaredFields().length, "no export goes through the interface mapping");
        assertNotNull(lib.Values_IfSpec());
    }

    @Test
    void theSameFileByAnyNameIsTheSameBindingAndAnotherFileGetsTheInterfaceMapping(@TempDir Path dir) throws Exception {
        File file = fixtureFile();
        WinRpcFixtureNative lib = Simulator.fixture();
        assertSame(lib, WinRpcFixtureNative.load());
        assertSame(lib, WinRpcFixtureNative.load(file.getPath()));
        assertSame(lib, WinRpcFixtureNative.load(file.getAbsoluteFile().getParentFile().toPath().resolve(".")
                .resolve(file.getName()).toString()), "a path of the same file, spelt otherwise");

        Path copy = Files.copy(file.toPath(), dir.resolve(file.getName()));
        WinRpcFixtureNative other = WinRpcFixtureNative.load(copy.toString());
        assertTrue(Proxy.isProxyClass(other.getClass()), "another file of the same interface: interface mapping");
        Pointer otherIfSpec = other.WinRpcFixture_IfSpec();
        assertNotNull(otherIfSpec);
        assertNotEquals(lib.WinRpcFixture_IfSpec(), otherIfSpec, "the copy is loaded apart, with data of its own");
        assertSame(lib, WinRpcFixtureNative.load(), "the first file keeps the direct mapping");
    }

    @Test
    void anExportWithATypeDirectMappingRefusesGoesThroughTheInterfaceMapping(@TempDir Path dir) throws Exception {
        IdlModel m = Idl.parse(IdlCHeaderTest.FIXTURE, IdlCHeaderTest.FIXTURE_ACF);
        IdlInterface itf = m.interfaces().get(0);
        Map<String, String> sources = new LinkedHashMap<>();
        assertEquals(null, JavaStubs.generate(m, "gen.direct", sources));
        String binding = sources.get("WinRpcFixtureNative");
        String direct = JavaDirect.generate(m, itf);
        assertTrue(binding.contains(direct), binding);
        String refusing = JavaDirect.generate("WinRpcFixtureNative", JavaDirect.exports(m, itf),
                t -> !t.equals("BaseTSD.SIZE_T") && JavaDirect.direct("WinRpcFixtureNative", t));
        assertTrue(refusing.contains("// Interface mapping: JNA's direct mapping refuses parameter n's BaseTSD.SIZE_T.\n"
                + "        public Pointer WinRpcFixture_Allocate(BaseTSD.SIZE_T n) {\n"
                + "            return this.mapped.WinRpcFixture_Allocate(n);"), refusing);
        assertFalse(refusing.contains("static native Pointer WinRpcFixture_Allocate"), refusing);

        Path src = dir.resolve("src/gen/direct/WinRpcFixtureNative.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, binding.replace(direct, refusing));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the tests run on a JDK");
        Path classes = dir.resolve("classes");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror", "-d", classes.toString(),
                "-classpath", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));

        File file = fixtureFile();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> itfClass = loader.loadClass("gen.direct.WinRpcFixtureNative");
            Object lib = itfClass.getMethod("load", String.class).invoke(null, file.getPath());
            assertEquals("gen.direct.WinRpcFixtureNative$Direct", lib.getClass().getName());
            Field mappedField = lib.getClass().getDeclaredField("mapped");
            mappedField.setAccessible(true);
            assertTrue(Proxy.isProxyClass(mappedField.get(lib).getClass()));
            assertEquals(List.of("WinRpcFixture_Allocate"), List.copyOf(Set.copyOf(WindowsC.exports(itf)).stream()
                    .filter(e -> !staticNatives(nested(lib.getClass(), "Exports")).contains(e)).toList()));

            Pointer p = (Pointer) itfClass.getMethod("WinRpcFixture_Allocate", BaseTSD.SIZE_T.class).invoke(lib,
                    new BaseTSD.SIZE_T(8));
            assertNotNull(p, "allocated through the interface mapping");
            p.setLong(0, 42);
            itfClass.getMethod("WinRpcFixture_Free", Pointer.class).invoke(lib, p);
            assertEquals(Simulator.fixture().WinRpcFixture_IfSpec(), itfClass.getMethod("WinRpcFixture_IfSpec").invoke(lib),
                    "the direct natives of this class are registered to the same file");
        }
    }
}
