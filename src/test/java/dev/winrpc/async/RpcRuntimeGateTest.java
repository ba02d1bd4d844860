package dev.winrpc.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.testing.GateProbe;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The availability gate: off Windows without a runtime library, every class of the library
 * loads and initialises, and the first use of the runtime throws an exception that names the
 * cause; never a crash, never an error from a static initialiser.
 */
class RpcRuntimeGateTest {

    @Test
    void offWindowsWithoutALibraryTheCauseNamesThePlatformAndTheProperty() {
        RpcRuntime.Backing b = RpcRuntime.decide(null, "auto", false, "Linux amd64");
        assertNotNull(b.unavailable);
        String m = b.failure().getMessage();
        assertTrue(m.contains("rpcrt4.dll"), m);
        assertTrue(m.contains("Linux amd64"), m);
        assertTrue(m.contains(RpcRuntime.LIBRARY_PROPERTY), m);
        assertNull(b.rpcrt4);
        assertNull(b.rpcrt4Binding);
        assertNull(b.rpcrt4Server);
    }

    @Test
    void aLibraryThatCannotBeLoadedIsNamedWithItsCause() {
        String missing = new File("target/does-not-exist/libnothing.so").getAbsolutePath();
        RpcRuntime.Backing b = RpcRuntime.decide(missing, "auto", false, "Linux amd64");
        RpcRuntimeUnavailableException e = b.failure();
        assertTrue(e.getMessage().contains(missing), e.getMessage());
        assertTrue(e.getCause() instanceof UnsatisfiedLinkError, String.valueOf(e.getCause()));
    }

    @Test
    void aLibraryThatLacksAnExportIsNamedWithTheMissingFunction() {
        // The JDK's own libjava exports none of the Windows functions.
        String libc = new File(System.getProperty("java.home"),
                "lib" + File.separator + System.mapLibraryName("java")).getPath();
        assertTrue(new File(libc).isFile(), libc);
        RpcRuntime.Backing b = RpcRuntime.decide(libc, "auto", false, "Linux amd64");
        String m = b.failure().getMessage();
        assertTrue(m.contains("does not export RpcAsyncInitializeHandle"), m);
    }

    @Test
    void theSimulatorIsAvailableThroughTheProperty() {
        assertTrue(RpcRuntime.isAvailable(), () -> String.valueOf(RpcRuntime.unavailabilityCause()));
        assertNull(RpcRuntime.unavailabilityCause());
        assertTrue(RpcRuntime.description().contains(RpcRuntime.LIBRARY_PROPERTY));
        assertNotNull(RpcRuntime.rpcrt4());
        assertNotNull(RpcRuntime.kernel32());
        assertNotNull(RpcRuntime.kernel32Ex());
        assertNotNull(RpcRuntime.rpcrt4Binding());
        assertNotNull(RpcRuntime.rpcrt4Server());
    }

    @Test
    void inAFreshJvmWithoutTheRuntimeEveryClassLoadsAndFirstUseExplains() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(GateProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("initialised classes: "), out);
        assertTrue(out.contains("RpcRuntimeUnavailableException: winrpc-async needs the Windows RPC runtime"), out);
        assertTrue(out.contains("isAvailable=false"), out);
        assertTrue(out.contains("rpcrt4Binding() threw"), out);
        assertTrue(out.contains("rpcrt4Server() threw"), out);
    }
}
