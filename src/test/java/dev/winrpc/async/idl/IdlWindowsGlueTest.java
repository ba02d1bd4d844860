package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Windows glue, checked as far as Linux allows (there is no MIDL and no MSVC here):
 * against a stand-in of MIDL's headers and stubs ({@link MidlStandin}), mingw-w64 (x64 and 32-bit
 * x86, {@code -Werror}) compiles {@code I_glue.c} and {@code I_glue_s.c} (the SEH guard compiled out,
 * gcc has no __try), asserts the EPV's layout against MIDL's manager EPV type, and links the DLL
 * through the generated {@code I.def} against mingw-w64's rpcrt4 and kernel32: it exports exactly
 * the contract's functions. For fixture.idl, and for subset.idl with its POINT renamed: MIDL's
 * header for subset.idl would declare a POINT that collides with {@code <windows.h>}'s, which the
 * glue must include. A missing mingw-w64 fails the test. windows-tests/check-mingw.sh compiles the
 * fixture's generated glue and its C peer server against the same stand-in ({@link MidlStandinTool}).
 */
class IdlWindowsGlueTest {

    @Test
    void fixtureGlueCompilesAndLinksWithMingw(@TempDir Path dir) throws Exception {
        check(dir, IdlCHeaderTest.FIXTURE, IdlCHeaderTest.FIXTURE_ACF);
    }

    @Test
    void subsetGlueCompilesAndLinksWithMingw(@TempDir Path dir) throws Exception {
        Path idl = dir.resolve("subset.idl");
        Files.writeString(idl, Files.readString(IdlModelTest.SUBSET).replaceAll("\\b(_?P?)POINT\\b", "$1SPOINT"));
        check(dir, idl, IdlModelTest.SUBSET_ACF);
        String s = Files.readString(dir.resolve("gen/c/Subset_glue.c"));
        assertTrue(s.contains("WINRPC_GUARDED(st, *pReturn = (uint8_t)(c_Ping((void *)h)));"), s);
        assertTrue(s.contains("c_Fill(pAsync, (void *)h, (unsigned long)max, (void *)buffer, (void *)written)"), s);
        assertTrue(s.contains("WINRPC_GUARDED(st, c_Rename(pAsync, (void *)h, (void *)name, tag));"), "[in, out, string]s: " + s);
        assertTrue(s.contains("c_Window((void *)h, (unsigned long)max, (unsigned long)used, (void *)window)"), "[in, out] array: " + s);
        assertTrue(Files.readString(dir.resolve("gen/c/Subset_server.acf")).contains("[async] Ping();"));
        String cmake = Files.readString(dir.resolve("gen/c/CMakeLists.txt"));
        assertTrue(cmake.contains("/use_epv /no_default_epv /prefix client c_ server s_ switch sw_"), cmake);
        assertTrue(cmake.contains("/acf \"${CMAKE_CURRENT_SOURCE_DIR}/Subset_server.acf\""), cmake);
    }

    @Test
    void anIdlTheWindowsGlueCannotServeGetsTheHeaderOnlyAndSaysWhy(@TempDir Path dir) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        // subset.idl without its ACF: Record, which takes pipes, stays synchronous
        assertEquals(0, IdlCompiler.run(new String[] {"--idl", IdlModelTest.SUBSET.toString(), "--java-out",
            dir.resolve("j").toString(), "--java-package", "gen", "--c-out", dir.resolve("c").toString()}, ps, ps));
        String said = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(said.contains("no Windows stub library: ") && said.contains("Record: a pipe parameter needs an [async]"), said);
        assertTrue(Files.isRegularFile(dir.resolve("c/Subset_winrpc.h")));
        assertFalse(Files.exists(dir.resolve("c/Subset_glue.c")));
        assertFalse(Files.exists(dir.resolve("c/CMakeLists.txt")));
    }

    private static void check(Path dir, Path idl, Path acf) throws Exception {
        Path c = IdlCHeaderTest.generate(dir.resolve("gen"), idl, acf);
        IdlModel model = Idl.parse(idl, acf);
        IdlInterface i = model.interfaces().get(0);
        String n = i.name();
        for (Map.Entry<String, String> e : new MidlStandin(model).files().entrySet()) {
            Files.writeString(c.resolve(e.getKey()), e.getValue());
        }
        List<String> expected = WindowsC.exports(i).stream().sorted().collect(Collectors.toList());
        assertEquals(expected, Files.readString(c.resolve(n + ".def")).lines().filter(l -> l.startsWith("    "))
                .map(String::strip).sorted().collect(Collectors.toList()));
        for (String cc : CCompiler.MINGW) {
            Path o = dir.resolve(cc);
            Files.createDirectories(o);
            List<String> objects = new ArrayList<>();
            for (String src : List.of(n + "_glue.c", n + "_glue_s.c", n + "_glue_static.c", n + "_standin.c",
                    n + "_epv_layout.c")) {
                List<String> args = new ArrayList<>(CCompiler.STRICT);
                args.addAll(List.of("-O2", "-DWINRPC_NO_SEH", "-I" + c, "-I" + CCompiler.nativeHeaders(), "-I" + idl.getParent(),
                        "-c", c.resolve(src).toString(), "-o", o.resolve(src + ".o").toString()));
                CCompiler.run(cc, args);
                if (!src.endsWith("_epv_layout.c")) {
                    objects.add(o.resolve(src + ".o").toString());
                }
            }
            Path dll = o.resolve(n + "-linkcheck.dll");
            List<String> link = new ArrayList<>(List.of("-shared", "-o", dll.toString()));
            link.addAll(objects);
            link.addAll(List.of(c.resolve(n + ".def").toString(), "-Wl,--enable-stdcall-fixup", "-lrpcrt4"));
            CCompiler.run(cc, link);
            String dump = CCompiler.run(cc.replace("-gcc", "-objdump"), List.of("-p", dll.toString()));
            assertEquals(expected, exports(dump), dump);
        }
    }

    /** The names of objdump -p's export table, sorted. */
    private static List<String> exports(String dump) {
        List<String> out = new ArrayList<>();
        boolean table = false;
        for (String line : dump.split("\n")) {
            if (line.contains("[Ordinal/Name Pointer] Table")) {
                table = true;
            } else if (table && line.isBlank()) {
                table = false;
            } else if (table) {
                String[] parts = line.trim().split("\\s+");
                out.add(parts[parts.length - 1]);
            }
        }
        return out.stream().sorted().collect(Collectors.toList());
    }
}
