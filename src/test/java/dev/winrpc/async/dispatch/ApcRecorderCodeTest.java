package dev.winrpc.async.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.winrpc.async.dispatch.ApcRecorderCode.Abi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The APC recorder's bytes: they are what the sources under {@code src/main/asm/apc-recorder} assemble to,
 * and they execute correctly on every ABI (host gcc for x64 SysV and ms_abi, qemu-i386 and qemu-aarch64
 * for the cross-compiled x86 stdcall and ARM64 harnesses). A missing tool fails the test.
 */
class ApcRecorderCodeTest {

    private static final Path ASM = Path.of("src/main/asm/apc-recorder");
    private static final Path HARNESS = Path.of("src/test/c/apc-recorder/harness.c");

    @TempDir
    Path dir;

    @Test
    void layoutAndPlatforms() {
        for (Abi abi : Abi.values()) {
            int p = abi.pointerSize();
            assertEquals(2 * p, ApcRecorderCode.slotSize(abi));
            assertEquals(8 + 1024 * 2 * p, ApcRecorderCode.ringBytes(abi));
            byte[] code = ApcRecorderCode.code(abi);
            int lits = ApcRecorderCode.literalsOffset(abi);
            assertEquals(0, lits % p);
            assertEquals(lits + 2 * p, code.length);
            for (int i = lits; i < code.length; i++) {
                assertEquals(0, code[i], abi + " literal byte " + i);
            }
            code[0] ^= 1;
            assertEquals(lits + 2 * p, ApcRecorderCode.code(abi).length);
            assertTrue(code[0] != ApcRecorderCode.code(abi)[0], "code() returns a fresh copy");
        }
        assertEquals(Abi.X64_WINDOWS, ApcRecorderCode.forPlatform(true, "x86-64"));
        assertEquals(Abi.X64_SYSV, ApcRecorderCode.forPlatform(false, "x86-64"));
        assertEquals(Abi.X86_STDCALL, ApcRecorderCode.forPlatform(true, "x86"));
        assertNull(ApcRecorderCode.forPlatform(false, "x86"));
        assertEquals(Abi.ARM64, ApcRecorderCode.forPlatform(true, "aarch64"));
        assertEquals(Abi.ARM64, ApcRecorderCode.forPlatform(false, "aarch64"));
        assertNull(ApcRecorderCode.forPlatform(true, "ppc64le"));
        assertNull(ApcRecorderCode.forPlatform(false, null));
    }

    @ParameterizedTest
    @EnumSource(Abi.class)
    void bytesAreWhatTheSourceAssemblesTo(Abi abi) throws IOException {
        Path obj = dir.resolve("code.o");
        Path bin = dir.resolve("code.bin");
        switch (abi) {
            case X64_WINDOWS -> run(List.of("as", "--64", "-o", obj.toString(), ASM.resolve("x64-windows.S").toString()));
            case X64_SYSV -> run(List.of("as", "--64", "-o", obj.toString(), ASM.resolve("x64-sysv.S").toString()));
            case X86_STDCALL -> run(List.of("as", "--32", "-o", obj.toString(), ASM.resolve("x86-stdcall.S").toString()));
            case ARM64 -> run(List.of("aarch64-linux-gnu-as", "-o", obj.toString(), ASM.resolve("arm64.S").toString()));
            default -> fail("unknown ABI " + abi);
        }
        String objcopy = abi == Abi.ARM64 ? "aarch64-linux-gnu-objcopy" : "objcopy";
        run(List.of(objcopy, "-O", "binary", "-j", ".text", obj.toString(), bin.toString()));
        assertArrayEquals(Files.readAllBytes(bin), ApcRecorderCode.code(abi), abi + ": shipped bytes differ from the source");
    }

    @ParameterizedTest
    @EnumSource(Abi.class)
    void bytesExecuteCorrectly(Abi abi) throws IOException {
        byte[] code = ApcRecorderCode.code(abi);
        StringBuilder h = new StringBuilder("static const unsigned char APC_CODE[] = {");
        for (int i = 0; i < code.length; i++) {
            h.append(i == 0 ? "" : ",").append(code[i] & 0xff);
        }
        h.append("};\n#define APC_LITERALS ").append(ApcRecorderCode.literalsOffset(abi)).append('\n');
        Files.writeString(dir.resolve("apc_code.h"), h.toString(), StandardCharsets.US_ASCII);
        Path exe = dir.resolve("harness");
        List<String> cc = new ArrayList<>();
        List<String> runIt = new ArrayList<>();
        switch (abi) {
            case X64_SYSV -> cc.add("gcc");
            case X64_WINDOWS -> cc.addAll(List.of("gcc", "-DABI_MS"));
            case X86_STDCALL -> {
                cc.addAll(List.of("i686-linux-gnu-gcc", "-static", "-DABI_STDCALL"));
                runIt.add("qemu-i386");
            }
            case ARM64 -> {
                cc.addAll(List.of("aarch64-linux-gnu-gcc", "-static"));
                runIt.add("qemu-aarch64");
            }
            default -> fail("unknown ABI " + abi);
        }
        cc.addAll(List.of("-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I", dir.toString(),
                "-o", exe.toString(), HARNESS.toString()));
        run(cc);
        runIt.add(exe.toString());
        String out = run(runIt);
        assertTrue(out.startsWith("OK "), abi + ": " + out);
    }

    /** Runs a command, failing the test on a missing tool, a non-zero exit or a timeout; returns stdout+stderr. */
    private static String run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + " (install it, see .ci/run): " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + out);
        return out;
    }
}
