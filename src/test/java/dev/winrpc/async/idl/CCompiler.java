package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a C compiler for the tests of the generated C: a compiler that is missing, fails or hangs
 * fails the test (never a skip; CI installs gcc and gcc-mingw-w64, see .ci/run).
 */
final class CCompiler {

    /** The host compiler and mingw-w64's two, as check-mingw.sh uses them. */
    static final List<String> ALL = List.of("gcc", "x86_64-w64-mingw32-gcc", "i686-w64-mingw32-gcc");
    /** mingw-w64's compilers: 64-bit and 32-bit x86. */
    static final List<String> MINGW = List.of("x86_64-w64-mingw32-gcc", "i686-w64-mingw32-gcc");
    /** What the generated C must compile with: C11, every warning an error. */
    static final List<String> STRICT = List.of("-std=c11", "-Wall", "-Wextra", "-Werror");

    private CCompiler() {
    }

    /**
     * Runs {@code cc args...} and fails the test with its output unless it exits with 0.
     *
     * @param cc the compiler
     * @param args its arguments
     * @return its output
     */
    static String run(String cc, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(cc);
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail(cc + " did not finish: " + cmd);
            }
            assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + out);
            return out;
        } catch (IOException e) {
            return fail(cc + " cannot be run (install gcc and gcc-mingw-w64): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }

    /** {@return the project's native-headers/ directory (winrpc_async.h)} */
    static Path nativeHeaders() {
        return IdlModelTest.ROOT.resolve("native-headers");
    }
}
