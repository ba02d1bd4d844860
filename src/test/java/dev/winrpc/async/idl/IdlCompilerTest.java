package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exactly its flags, exit 2 with the usage line on bad usage, 0 on success. */
class IdlCompilerTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return IdlCompiler.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private void assertUsage(String why, String... args) {
        assertEquals(2, run(args));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains(why), e);
        assertTrue(e.contains(IdlCompiler.USAGE), e);
        err.reset();
    }

    @Test
    void badUsageExitsWith2AndTheUsageLine() {
        assertUsage("--idl is required");
        assertUsage("unknown argument '--out'", "--out", "x");
        assertUsage("--idl needs a value", "--idl");
        assertUsage("--c-out is required", "--idl", "a.idl", "--java-out", "j", "--java-package", "p");
        assertUsage("given twice", "--idl", "a.idl", "--idl", "b.idl");
        assertUsage("not a Java package name", "--idl", "a.idl", "--java-out", "j", "--java-package", "a.class", "--c-out", "c");
        assertUsage("not a Java package name", "--idl", "a.idl", "--java-out", "j", "--java-package", "a..b", "--c-out", "c");
    }

    @Test
    void anUnreadableFileExitsWith1(@TempDir Path dir) {
        assertEquals(1, run("--idl", dir.resolve("missing.idl").toString(), "--java-out", dir.toString(), "--java-package", "p",
                "--c-out", dir.toString()));
    }

    @Test
    void aGoodIdlExitsWith0AndSaysWhatItWrote(@TempDir Path dir) throws Exception {
        assertEquals(0, run("--idl", IdlModelTest.SUBSET.toString(), "--java-out", dir.resolve("j").toString(),
                "--java-package", "a.b", "--c-out", dir.resolve("c").toString()), err.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        Path record = dir.resolve("j/a/b/RECORD.java");
        assertTrue(Files.isRegularFile(record));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("wrote " + record), out.toString(StandardCharsets.UTF_8));
        assertTrue(Files.readString(record).startsWith("package a.b;\n"));
        // The C directory builds on its own: the library's winrpc_async.h and the header it
        // includes are copied beside the header that includes them, byte for byte the project's
        // native-headers/ ones, and the generated header compiles with that directory alone.
        for (String h : IdlCompiler.NATIVE_HEADERS) {
            assertEquals(Files.readString(IdlModelTest.ROOT.resolve("native-headers/" + h)),
                    Files.readString(dir.resolve("c/" + h)), h);
        }
        assertTrue(Files.readString(dir.resolve("c/Subset_winrpc.h")).contains("#include \"winrpc_async.h\""));
        Path unit = dir.resolve("c/alone.c");
        Files.writeString(unit, "#include \"Subset_winrpc.h\"\nint winrpc_alone;\n");
        java.util.List<String> args = new java.util.ArrayList<>(CCompiler.STRICT);
        args.addAll(java.util.List.of("-I" + dir.resolve("c"), "-c", unit.toString(), "-o", dir.resolve("alone.o").toString()));
        CCompiler.run("gcc", args);
    }

    @Test
    void theConstantsClassIsNamedAfterTheIdlFile() {
        assertEquals("FixtureConstants", IdlCompiler.constantsClass(Path.of("x/fixture.idl")));
        assertEquals("MsEven6IeventserviceConstants", IdlCompiler.constantsClass(Path.of("ms-even6-ieventservice.idl")));
        assertEquals("Idl1xConstants", IdlCompiler.constantsClass(Path.of("1x.idl")));
    }
}
