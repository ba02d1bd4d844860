package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stub library off Windows (docs/idl.md, "The stub library"): IdlCompiler writes
 * {@code I_sim.c} for subset.idl and fixture.idl, {@code simulator/build-stub.sh} builds it into
 * {@code libI.so} against the simulator the build made ({@code dev.winrpc.async.library}), and the
 * C programs of {@code simulator/test-generated/} call the generated exports with a C server
 * answering: every copy rule of NDR, a pipe of structs, the synchronous Ping, the fixture's Add
 * and PipeEcho. Each prints "ok" and exits 0 only if every check held and the simulator's oracle
 * recorded no misuse. gcc missing fails the test.
 */
class IdlSimulatorCTest {

    private static final Path TESTS = IdlModelTest.ROOT.resolve("simulator/test-generated");

    @Test
    void subsetsStubLibraryCopiesAsNdrDoes(@TempDir Path dir) throws Exception {
        runGenerated(dir, IdlModelTest.SUBSET, IdlModelTest.SUBSET_ACF, "Subset", "test_subset.c");
    }

    @Test
    void theFixturesGeneratedStubLibraryServesAddAndPipeEcho(@TempDir Path dir) throws Exception {
        runGenerated(dir, IdlCHeaderTest.FIXTURE, IdlCHeaderTest.FIXTURE_ACF, "WinRpcFixture",
                "test_fixture_generated.c");
    }

    @Test
    void theGeneratedSourceHasTheContractsExports(@TempDir Path dir) throws Exception {
        Path c = IdlCHeaderTest.generate(dir, IdlModelTest.SUBSET, IdlModelTest.SUBSET_ACF);
        String s = Files.readString(c.resolve("Subset_sim.c"));
        assertTrue(s.contains("NDR_EXPORT RPC_STATUS WINRPC_ENTRY Subset_Ping(void *h, uint8_t *pReturn)"), s);
        assertTrue(s.contains("return sim_ndr_call_sync(&ndr_iface, 7, h, args, pReturn);"), s);
        assertTrue(s.contains("return sim_ndr_start(&ndr_iface, 1, pAsync, h, args);"), s);
        assertTrue(s.contains("{0x4e5a1f6cu, 0x8d3bu, 0x4c2au, {0x9b, 0x1e, 0x7f, 0x0a, 0x6d, 0x5c, 0x4b, 0x3a}}, {2, 1}}"), s);
    }

    private static void runGenerated(Path dir, Path idl, Path acf, String name, String test) throws Exception {
        String lib = System.getProperty("dev.winrpc.async.library");
        assertNotNull(lib, "dev.winrpc.async.library (the simulator the build made) is not set");
        Path simDir = Path.of(lib).toAbsolutePath().getParent();
        Path c = IdlCHeaderTest.generate(dir, idl, acf);
        Path out = Files.createDirectories(dir.resolve("out"));
        run(List.of("sh", IdlModelTest.ROOT.resolve("simulator/build-stub.sh").toString(), out.toString(), c.toString(),
                name), List.of("WINRPCSIM_DIR=" + simDir));
        Path exe = out.resolve(test.replace(".c", ""));
        List<String> args = new ArrayList<>(CCompiler.STRICT);
        args.addAll(List.of("-D_GNU_SOURCE", "-pthread", "-I" + IdlModelTest.ROOT.resolve("simulator/src"),
                "-I" + CCompiler.nativeHeaders(), "-I" + c, "-o", exe.toString(), TESTS.resolve(test).toString(),
                "-L" + out, "-l" + name, "-L" + simDir, "-lwinrpcsim", "-Wl,-rpath," + out, "-Wl,-rpath," + simDir));
        CCompiler.run("gcc", args);
        String printed = run(List.of(exe.toString()), List.of());
        assertEquals("ok", printed.strip(), printed);
    }

    /** Runs a command (with extra environment entries NAME=VALUE); fails unless it exits with 0. */
    private static String run(List<String> cmd, List<String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            for (String e : env) {
                int eq = e.indexOf('=');
                pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
            }
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("did not finish: " + cmd);
            }
            assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + out);
            return out;
        } catch (IOException e) {
            return fail("cannot run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }
}
