package dev.winrpc.async.testing;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.raw.RpcEntry;
import java.io.File;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the scenario suite (src/test/java/dev/winrpc/async/scenario) runs against, decided once
 * from system properties, so that the same test classes run against the runtime simulator
 * here and against rpcrt4 with the windows-tests fixture on Windows:
 *
 * <ul>
 *   <li>{@link Kind#SIMULATOR}: {@value RpcRuntime#LIBRARY_PROPERTY} names the simulator
 *       (Maven's default build sets it). The fixture is the stub library the IDL compiler
 *       generated from windows-tests/fixture.idl ({@code libWinRpcFixture.so}, found on
 *       {@code jna.library.path}), the peer server is the simulator's scripted C server
 *       ({@value SimControl#SIM_PEER_ENDPOINT}), and the misuse oracle checks every test
 *       ({@link SimulatorOracleExtension}).</li>
 *   <li>{@link Kind#WINDOWS}: {@value RpcRuntime#LIBRARY_PROPERTY} is not set, this is Windows,
 *       {@value #FIXTURE_LIBRARY_PROPERTY} names the generated stub library
 *       {@code WinRpcFixture.dll} and {@value #FIXTURE_PEER_PROPERTY} the C peer's
 *       {@code winrpc_fixture_peer.dll} (the {@code windows-it} Maven profile builds both and
 *       sets the properties). The bindings use rpcrt4.dll and kernel32.dll; the peer server is
 *       the peer DLL's C manager routines ({@link FixturePeer}), served by this process on
 *       {@value #WINDOWS_PEER_ENDPOINT} through the library's RpcServer, with the same semantics
 *       as the simulator's; there is no oracle.</li>
 * </ul>
 * Anything else (both set, neither set, the DLL named off Windows) fails every use with a
 * message that says what to set: a missing runtime is never a skip.
 */
public final class FixtureRuntime {

    /** System property: the path of the generated stub library WinRpcFixture.dll (Windows only). */
    public static final String FIXTURE_LIBRARY_PROPERTY = "winrpc.fixture.library";

    /** System property: the path of windows-tests' C peer server, winrpc_fixture_peer.dll (Windows only). */
    public static final String FIXTURE_PEER_PROPERTY = "winrpc.fixture.peer";

    /** The elements per chunk the fixture's servers (the C peer's, the tests' Java ones) push. */
    public static final int CHUNK_ELEMENTS = 1024;

    /** The endpoint on which this process serves the fixture DLL's C server on Windows ({@link #ensurePeer()}). */
    public static final String WINDOWS_PEER_ENDPOINT = "winrpc-fixture-peer";

    /** What backs the fixture. */
    public enum Kind {
        /** The runtime simulator (simulator/), with its misuse oracle. */
        SIMULATOR,
        /** rpcrt4.dll with the generated WinRpcFixture.dll and windows-tests' C peer. */
        WINDOWS
    }

    private static final AtomicInteger ENDPOINTS = new AtomicInteger();
    private static WinRpcFixtureNative fixture;
    private static Pointer peerEpv;

    private FixtureRuntime() {
    }

    /**
     * Decides what backs the fixture. Pure, for tests.
     *
     * @param libraryProperty the value of {@value RpcRuntime#LIBRARY_PROPERTY}, or null
     * @param fixtureProperty the value of {@value #FIXTURE_LIBRARY_PROPERTY}, or null
     * @param windows whether this is Windows
     * @return the kind
     * @throws IllegalStateException with what to set, if neither or both are usable
     */
    static Kind decide(String libraryProperty, String fixtureProperty, boolean windows) {
        boolean simulator = libraryProperty != null && !libraryProperty.isBlank();
        boolean dll = fixtureProperty != null && !fixtureProperty.isBlank();
        if (simulator && dll) {
            throw new IllegalStateException("both -D" + RpcRuntime.LIBRARY_PROPERTY + " (the "
                    + "runtime simulator) and -D" + FIXTURE_LIBRARY_PROPERTY + " (the Windows "
                    + "fixture DLL) are set: set the first to run against the simulator, the "
                    + "second (on Windows, without the first) to run against rpcrt4");
        }
        if (simulator) {
            return Kind.SIMULATOR;
        }
        if (dll) {
            if (!windows) {
                throw new IllegalStateException("-D" + FIXTURE_LIBRARY_PROPERTY + " names "
                        + "the fixture's WinRpcFixture.dll, which runs only on Windows, and this "
                        + "is " + System.getProperty("os.name") + ": run the suite against the "
                        + "simulator instead (mvn verify sets -D" + RpcRuntime.LIBRARY_PROPERTY + ")");
            }
            return Kind.WINDOWS;
        }
        throw new IllegalStateException("the scenario suite needs a runtime: -D"
                + RpcRuntime.LIBRARY_PROPERTY + "=<libwinrpcsim.so> for the runtime simulator "
                + "(mvn verify sets it), or on Windows -D" + FIXTURE_LIBRARY_PROPERTY
                + "=<WinRpcFixture.dll> and -D" + FIXTURE_PEER_PROPERTY
                + "=<winrpc_fixture_peer.dll> for rpcrt4 (mvn -Pwindows-it verify sets it; see "
                + "windows-tests/README.md)");
    }

    /** @return what backs the fixture in this JVM */
    public static Kind kind() {
        return decide(System.getProperty(RpcRuntime.LIBRARY_PROPERTY),
                System.getProperty(FIXTURE_LIBRARY_PROPERTY), Platform.isWindows());
    }

    /**
     * Whether this JVM runs on the real Windows runtime: Windows, and no
     * {@value RpcRuntime#LIBRARY_PROPERTY}. Never throws; the simulator's oracle has nothing to
     * check then.
     *
     * @return true on real Windows
     */
    public static boolean onRealWindows() {
        String lib = System.getProperty(RpcRuntime.LIBRARY_PROPERTY);
        return Platform.isWindows() && (lib == null || lib.isBlank());
    }

    /**
     * @return the generated binding of the fixture's stub library: {@code libWinRpcFixture.so}
     *         on the simulator, {@value #FIXTURE_LIBRARY_PROPERTY}'s WinRpcFixture.dll on Windows
     */
    public static synchronized WinRpcFixtureNative fixture() {
        if (fixture == null) {
            if (kind() == Kind.SIMULATOR) {
                fixture = Simulator.fixture();
            } else {
                RpcRuntime.ensureAvailable();
                String path = windowsFile(FIXTURE_LIBRARY_PROPERTY, "WinRpcFixture.dll");
                fixture = loadOnWindows(path, () -> WinRpcFixtureNative.load(path));
            }
        }
        return fixture;
    }

    /**
     * @return the C peer server's manager routines ({@link FixturePeer#fx_PeerEpv()}): the
     *         simulator's, or on Windows those of {@value #FIXTURE_PEER_PROPERTY}'s DLL
     */
    public static synchronized Pointer peerEpv() {
        if (peerEpv == null) {
            if (kind() == Kind.SIMULATOR) {
                peerEpv = Simulator.peer().fx_PeerEpv();
            } else {
                RpcRuntime.ensureAvailable();
                String path = windowsFile(FIXTURE_PEER_PROPERTY, "winrpc_fixture_peer.dll");
                peerEpv = loadOnWindows(path,
                        () -> Native.load(path, FixturePeer.class, RpcEntry.OPTIONS)).fx_PeerEpv();
            }
        }
        return peerEpv;
    }

    private static String windowsFile(String property, String what) {
        String path = System.getProperty(property);
        if (path == null || path.isBlank()) {
            throw new IllegalStateException("-D" + property + " is not set: it names " + what
                    + " (mvn -Pwindows-it verify builds it and sets it; see windows-tests/README.md)");
        }
        path = path.trim();
        if (!new File(path).isFile()) {
            throw new IllegalStateException("-D" + property + "=" + path + ": no such file ("
                    + "mvn -Pwindows-it verify builds " + what + ")");
        }
        return path;
    }

    private static <T> T loadOnWindows(String path, java.util.function.Supplier<T> load) {
        try {
            return load.get();
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load " + path + " into this "
                    + System.getProperty("os.arch") + " JVM (was it built by a developer "
                    + "environment for another architecture?): " + e.getMessage(), e);
        }
    }

    /** @return whether the simulator's misuse oracle checks every test */
    public static boolean hasOracle() {
        return kind() == Kind.SIMULATOR;
    }

    private static dev.winrpc.async.rpc.RpcServer peerServer;

    /**
     * Makes sure the C peer server answers on {@link #peerEndpoint()}: the simulator's is always
     * there (as another process's would be); on Windows this process serves the peer DLL's
     * C manager routines ({@link #peerEpv()}) there through the library's RpcServer, once, for
     * the life of the process.
     */
    public static synchronized void ensurePeer() {
        if (kind() == Kind.SIMULATOR || peerServer != null) {
            return;
        }
        peerServer = FixtureHost.serve(fixture(), WINDOWS_PEER_ENDPOINT, peerEpv());
    }

    /** @return the endpoint of the C server that implements the fixture's semantics */
    public static String peerEndpoint() {
        return kind() == Kind.SIMULATOR ? SimControl.SIM_PEER_ENDPOINT : WINDOWS_PEER_ENDPOINT;
    }

    /**
     * A new endpoint name for a server of the test's own, unique in this process and (through
     * the process id) among processes on the machine, which Windows' ncalrpc endpoints are
     * shared by. Short, letters, digits and '-' only.
     *
     * @param purpose a short word
     * @return the name
     */
    public static String newEndpoint(String purpose) {
        return "wrt-" + purpose + "-" + ProcessHandle.current().pid() + "-" + ENDPOINTS.incrementAndGet();
    }

    /**
     * @param endpoint the endpoint
     * @return a binding to it, freed by close
     */
    public static Binding bind(String endpoint) {
        return new Binding(endpoint);
    }

    /** @return a line for logs: what backs the fixture */
    public static String describe() {
        Kind k = kind();
        return k == Kind.SIMULATOR
                ? "the runtime simulator (" + System.getProperty(RpcRuntime.LIBRARY_PROPERTY) + ")"
                : "rpcrt4 with " + System.getProperty(FIXTURE_LIBRARY_PROPERTY);
    }
}
