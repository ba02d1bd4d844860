package dev.winrpc.async.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.winrpc.async.RpcRuntime;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@link Soak} in a JVM of its own (a native crash there fails this test, and does not
 * kill the build's JVM) and checks that it exited 0 after checking every lifecycle with no
 * misuse and no leak. The short form runs in every build; the long one with
 * {@code -Dwinrpc.soak.lifecycles=100000}; {@code -Dwinrpc.soak.seed=...} replays a run (every
 * {@code winrpc.soak.*} property is passed on). On JDK 17 the child runs with the incubating
 * foreign linker, so that its APC routine is the upcall stub the build's other tests do not use
 * there. On failure the message holds the child's first line (the seed) and the tail of its output.
 */
class SoakTest {

    /** JDK 17's incubating foreign linker, which the soak's JVM is given there. */
    private static final String INCUBATOR = "jdk.incubator.foreign";

    /** The short form's lifecycles, unless -Dwinrpc.soak.lifecycles says otherwise. */
    private static final int SHORT_FORM = 5000;

    @Test
    void randomCallLifecyclesEndAsTheSpecificationAllowsAndLeaveNothingBehind() throws Exception {
        String n = System.getProperty("winrpc.soak.lifecycles", "");
        int lifecycles = n.isBlank() ? SHORT_FORM : Integer.parseInt(n.trim());
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        boolean nativeAccess = false;
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("-Xss") || arg.startsWith("--add-modules")) {
                cmd.add(arg);
                nativeAccess |= arg.startsWith("--enable-native-access");
            }
        }
        if (Runtime.version().feature() == 17) {
            // The build's tests run the APC recorder (the default), whose full ring falls back to
            // JNA's callback; the soak runs the other JDK 17 routine alone, the incubating
            // linker's upcall stub (dispatch.IncubatorApcUpcall), with the recorder off.
            cmd.add("--add-modules=" + INCUBATOR);
            cmd.add("-Dwinrpc.apcRecorder=false");
            if (!nativeAccess) {
                cmd.add("--enable-native-access=ALL-UNNAMED");
            }
        }
        cmd.add("-Xmx384m");
        for (String p : List.of(RpcRuntime.LIBRARY_PROPERTY, "jna.library.path")) {
            String v = System.getProperty(p);
            assertTrue(v != null && !v.isBlank(), "the build passes -D" + p + " (the simulator)");
            cmd.add("-D" + p + "=" + v);
        }
        for (String p : System.getProperties().stringPropertyNames()) {
            if (p.startsWith("winrpc.soak.") && !System.getProperty(p).isBlank()) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add("-Dwinrpc.soak.lifecycles=" + lifecycles);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Soak.class.getName());

        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> read(child, lines), "soak-output");
        reader.setDaemon(true);
        reader.start();
        // Generous: the long form runs at several hundred lifecycles a second on two cores.
        long limitMinutes = 5 + lifecycles / 2_000;
        if (!child.waitFor(limitMinutes, TimeUnit.MINUTES)) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            reader.join(10_000);
            fail("the soak did not end within " + limitMinutes + " minutes:\n" + tail(lines));
        }
        reader.join(30_000);
        assertEquals(0, child.exitValue(), () -> "the soak failed:\n" + tail(lines));
        if (Runtime.version().feature() == 17 && com.sun.jna.Native.POINTER_SIZE == 8) {
            String incubator = Soak.UPCALL + "ffm-incubator";
            assertTrue(snapshot(lines).contains(incubator), () -> "no line \"" + incubator + "\":\n" + tail(lines));
        }
        String ok = Soak.OK + lifecycles + " lifecycles with 0 misuses and 0 leaks";
        assertTrue(snapshot(lines).stream().anyMatch(l -> l.startsWith(ok)),
                () -> "no line \"" + ok + "\" in the soak's output:\n" + tail(lines));
    }

    private static void read(Process child, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(l);
                }
                System.out.println("[soak] " + l);
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("(reading the soak's output failed: " + e + ")");
            }
        }
    }

    private static List<String> snapshot(List<String> lines) {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** The first line (the seed) and the last 200. */
    private static String tail(List<String> lines) {
        List<String> all = snapshot(lines);
        if (all.isEmpty()) {
            return "(no output)";
        }
        int from = Math.max(1, all.size() - 200);
        return all.get(0) + "\n" + (from > 1 ? "...\n" : "") + String.join("\n", all.subList(from, all.size()));
    }
}
