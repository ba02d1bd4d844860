package dev.winrpc.async.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

/** How the scenario suite decides what it runs against, and that it never decides "skip". */
class FixtureRuntimeTest {

    @Test
    void theSimulatorWhenItsLibraryIsNamed() {
        assertEquals(FixtureRuntime.Kind.SIMULATOR, FixtureRuntime.decide("/x/libwinrpcsim.so", null, false));
        assertEquals(FixtureRuntime.Kind.SIMULATOR, FixtureRuntime.decide("/x/libwinrpcsim.so", " ", true));
    }

    @Test
    void rpcrt4WithTheFixtureDllOnWindows() {
        assertEquals(FixtureRuntime.Kind.WINDOWS, FixtureRuntime.decide(null, "C:\\f\\winrpc_fixture.dll", true));
        assertEquals(FixtureRuntime.Kind.WINDOWS, FixtureRuntime.decide("", "C:\\f\\winrpc_fixture.dll", true));
    }

    @Test
    void everythingElseFailsWithWhatToSet() {
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> FixtureRuntime.decide(null, null, false));
        assertTrue(none.getMessage().contains("dev.winrpc.async.library")
                && none.getMessage().contains("winrpc.fixture.library"), none.getMessage());
        assertThrows(IllegalStateException.class, () -> FixtureRuntime.decide(null, null, true));
        IllegalStateException both = assertThrows(IllegalStateException.class,
                () -> FixtureRuntime.decide("/x/libwinrpcsim.so", "C:\\f.dll", true));
        assertTrue(both.getMessage().contains("both"), both.getMessage());
        IllegalStateException dllOffWindows = assertThrows(IllegalStateException.class,
                () -> FixtureRuntime.decide(null, "/x/winrpc_fixture.dll", false));
        assertTrue(dllOffWindows.getMessage().contains("only on Windows"), dllOffWindows.getMessage());
    }

    @Test
    void thisBuildRunsOnTheSimulatorHereAndTheOracleStaysOn() {
        if (!Platform.isWindows()) {
            assertEquals(FixtureRuntime.Kind.SIMULATOR, FixtureRuntime.kind());
            assertTrue(FixtureRuntime.hasOracle());
            assertEquals(SimControl.SIM_PEER_ENDPOINT, FixtureRuntime.peerEndpoint());
            assertEquals(false, FixtureRuntime.onRealWindows(), "off Windows the oracle always checks");
        }
    }

    @Test
    void endpointNamesAreShortAndPlain() {
        String a = FixtureRuntime.newEndpoint("java");
        String b = FixtureRuntime.newEndpoint("java");
        assertTrue(!a.equals(b) && a.matches("[A-Za-z0-9-]{1,63}"), a + " " + b);
    }
}
