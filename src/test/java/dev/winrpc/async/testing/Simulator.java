package dev.winrpc.async.testing;

import com.sun.jna.Native;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.raw.RpcEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime simulator as tests see it: its controls, the fixture it serves, and the misuse
 * oracle's record. Loaded from the same library as the bindings
 * ({@value RpcRuntime#LIBRARY_PROPERTY}); if that is not the simulator, every use fails.
 */
public final class Simulator {

    /** A recorded misuse. */
    public record Misuse(int kind, String detail) {
        @Override
        public String toString() {
            return "misuse " + kind + ": " + detail;
        }
    }

    private static SimControl control;
    private static WinRpcFixtureNative fixture;
    private static FixturePeer peer;

    private Simulator() {
    }

    private static String library() {
        RpcRuntime.ensureAvailable();
        String lib = System.getProperty(RpcRuntime.LIBRARY_PROPERTY);
        if (lib == null) {
            throw new AssertionError("the tests need the runtime simulator: set -D"
                    + RpcRuntime.LIBRARY_PROPERTY + " (Maven does)");
        }
        checkKernel32IsTheSimulator(lib);
        return lib;
    }

    private static boolean kernel32Checked;

    /**
     * jna-platform's Kernel32 loads a library named "kernel32" (found through jna.library.path,
     * which the build points at the simulator's directory): it must be the simulator, or the
     * kernel32 functions of jna-platform would reach another library.
     */
    private static synchronized void checkKernel32IsTheSimulator(String lib) {
        if (kernel32Checked) {
            return;
        }
        java.io.File k = com.sun.jna.NativeLibrary.getInstance("kernel32").getFile();
        try {
            if (!k.getCanonicalFile().equals(new java.io.File(lib).getCanonicalFile())) {
                throw new AssertionError("the library JNA finds as \"kernel32\" (" + k + ") is not the simulator " + lib);
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        kernel32Checked = true;
    }

    /** @return the simulator's test controls */
    public static synchronized SimControl control() {
        if (control == null) {
            control = Native.load(library(), SimControl.class);
        }
        return control;
    }

    /**
     * @return the generated binding of the fixture's stub library for the simulator,
     *         {@code libWinRpcFixture.so} (the build's build-stub-fixture writes it next to the
     *         simulator, on {@code jna.library.path})
     */
    public static synchronized WinRpcFixtureNative fixture() {
        if (fixture == null) {
            library();
            fixture = WinRpcFixtureNative.load();
        }
        return fixture;
    }

    /** @return the simulator's C peer server of the fixture interface ({@value SimControl#SIM_PEER_ENDPOINT}) */
    public static synchronized FixturePeer peer() {
        if (peer == null) {
            peer = Native.load(library(), FixturePeer.class, RpcEntry.OPTIONS);
        }
        return peer;
    }

    /** @return every misuse recorded since the last clear */
    public static List<Misuse> misuses() {
        SimControl c = control();
        int n = Math.min(c.sim_misuse_count(), 4096);
        List<Misuse> out = new ArrayList<>(n);
        byte[] buf = new byte[512];
        for (int i = 0; i < n; i++) {
            int kind = c.sim_misuse_get(i, buf, buf.length);
            int len = 0;
            while (len < buf.length && buf[len] != 0) {
                len++;
            }
            out.add(new Misuse(kind, new String(buf, 0, len, StandardCharsets.UTF_8)));
        }
        return out;
    }

    /**
     * Asserts that the record holds exactly the given kinds (in any order) and clears it: for
     * tests that commit a misuse on purpose.
     *
     * @param kinds the expected SIM_MISUSE_* kinds
     * @return the entries
     */
    public static List<Misuse> expectMisuses(int... kinds) {
        List<Misuse> got = misuses();
        List<Integer> want = new ArrayList<>();
        for (int k : kinds) {
            want.add(k);
        }
        List<Integer> gotKinds = new ArrayList<>();
        for (Misuse m : got) {
            gotKinds.add(m.kind());
        }
        List<Integer> a = new ArrayList<>(want);
        List<Integer> b = new ArrayList<>(gotKinds);
        a.sort(null);
        b.sort(null);
        if (!a.equals(b)) {
            throw new AssertionError("expected misuse kinds " + want + " but the oracle recorded " + got);
        }
        control().sim_misuse_clear();
        return got;
    }

    /**
     * Waits for the simulator to be idle, then asserts that it recorded no misuse and that
     * every live-resource counter is zero.
     *
     * @param what the test's name, for the message
     */
    public static void assertCleanAndIdle(String what) {
        SimControl c = control();
        StringBuilder problems = new StringBuilder();
        if (c.sim_quiesce(10_000) != 1) {
            problems.append("the simulator did not become idle within 10 s; ");
        }
        List<Misuse> m = misuses();
        if (!m.isEmpty()) {
            problems.append("the library committed misuses: ").append(m).append("; ");
        }
        // A thread that ended a moment ago may still be unwinding in native code (its queued
        // APCs are discarded by its thread-exit destructor), so the counters get a short grace.
        long deadline = System.nanoTime() + 5_000_000_000L;
        StringBuilder counters;
        do {
            counters = new StringBuilder();
            for (int i = 0; i < SimControl.SIM_COUNT__MAX; i++) {
                long v = c.sim_counter(i);
                if (v != 0) {
                    counters.append(SimControl.COUNTER_NAMES[i]).append(" = ").append(v).append("; ");
                }
            }
            if (counters.length() == 0) {
                break;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        problems.append(counters);
        if (problems.length() > 0) {
            throw new AssertionError(what + ": " + problems);
        }
    }
}
