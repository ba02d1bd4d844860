package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stub library's header ({@code I_winrpc.h}, docs/idl.md "The stub library"): generated for
 * fixture.idl and subset.idl, it compiles with gcc and mingw-w64 (x64, 32-bit x86) against
 * native-headers/winrpc_async.h, both headers in one translation unit too, and subset.idl's structs,
 * pipes and EPV have the layout C's rules give (src/test/resources/idl/subset_layout.c).
 */
class IdlCHeaderTest {

    static final Path FIXTURE = IdlModelTest.ROOT.resolve("windows-tests/fixture.idl");
    static final Path FIXTURE_ACF = IdlModelTest.ROOT.resolve("windows-tests/fixture.acf");

    /** Runs IdlCompiler on an IDL and returns its --c-out. */
    static Path generate(Path dir, Path idl, Path acf) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path c = dir.resolve("c");
        int status = IdlCompiler.run(new String[] {"--idl", idl.toString(), "--acf", acf.toString(), "--java-out",
            dir.resolve("j").toString(), "--java-package", "gen", "--c-out", c.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return c;
    }

    @Test
    void theHeadersCompileEverywhereAndSubsetsLayoutIsCs(@TempDir Path dir) throws Exception {
        Path c = generate(dir.resolve("f"), FIXTURE, FIXTURE_ACF);
        generate(dir.resolve("s"), IdlModelTest.SUBSET, IdlModelTest.SUBSET_ACF);
        Files.copy(dir.resolve("s/c/Subset_winrpc.h"), c.resolve("Subset_winrpc.h"));
        Path both = c.resolve("both.c");
        Files.writeString(both, "#include \"WinRpcFixture_winrpc.h\"\n#include \"Subset_winrpc.h\"\n"
                + "#include \"WinRpcFixture_winrpc.h\"\nint both_compiled;\n");
        for (String cc : CCompiler.ALL) {
            for (Path src : List.of(both, IdlModelTest.ROOT.resolve("src/test/resources/idl/subset_layout.c"))) {
                List<String> args = new ArrayList<>(CCompiler.STRICT);
                args.addAll(List.of("-pedantic", "-I" + c, "-I" + CCompiler.nativeHeaders(), "-c", src.toString(), "-o",
                        dir.resolve(cc + "-" + src.getFileName() + ".o").toString()));
                CCompiler.run(cc, args);
            }
        }
    }

    @Test
    void theHeaderSaysWhatTheContractSays(@TempDir Path dir) throws Exception {
        String f = Files.readString(generate(dir.resolve("f"), FIXTURE, FIXTURE_ACF).resolve("WinRpcFixture_winrpc.h"));
        assertTrue(f.contains("RPC_STATUS WINRPC_ENTRY WinRpcFixture_PipeEcho(PRPC_ASYNC_STATE pAsync, void *h, int32_t a, "
                + "ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int32_t *b);"), f);
        assertTrue(f.contains("    void (*Sleep)(PRPC_ASYNC_STATE pAsync, void *h, uint32_t ms);"), f);
        assertTrue(f.contains("void *WINRPC_ENTRY WinRpcFixture_IfSpec(void);"), f);
        assertFalse(f.contains("typedef struct ASYNC_INTPIPE"), "winrpc_async.h declares ASYNC_INTPIPE already");
        String s = Files.readString(generate(dir.resolve("s"), IdlModelTest.SUBSET, IdlModelTest.SUBSET_ACF)
                .resolve("Subset_winrpc.h"));
        assertTrue(s.contains("RPC_STATUS WINRPC_ENTRY Subset_Ping(void *h, uint8_t *pReturn);"), s);
        assertTrue(s.contains("    void (*Ping)(PRPC_ASYNC_STATE pAsync, void *h);"), s);
        assertTrue(s.contains("RPC_STATUS WINRPC_ENTRY Subset_Sum(PRPC_ASYNC_STATE pAsync, void *h, uint32_t n, int32_t *values);"), s);
        assertTrue(s.contains("#define SUBSET_NAME u\"subset\""), s);
    }

    @Test
    void aParameterNamedLikeTheSurfacesOwnIsRefused(@TempDir Path dir) throws Exception {
        Path idl = dir.resolve("clash.idl");
        Files.writeString(idl, "[uuid(4e5a1f6c-8d3b-4c2a-9b1e-7f0a6d5c4b3b), version(1.0)]\n"
                + "interface Clash { long Op([in] handle_t h, [in] long pReturn); }\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = IdlCompiler.run(new String[] {"--idl", idl.toString(), "--java-out", dir.resolve("j").toString(),
            "--java-package", "gen", "--c-out", dir.resolve("c").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("clash.idl:2:"), err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(dir.resolve("c/Clash_winrpc.h")), "nothing is written");
    }
}
