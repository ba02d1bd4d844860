package dev.winrpc.async.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test (registered for all tests through JUnit's extension auto-detection): the
 * simulator must be idle, its misuse oracle empty and its live-resource counters zero.
 * Whatever the outcome, the simulator is reset so that one failure does not cascade.
 *
 * <p>On real Windows ({@link FixtureRuntime#onRealWindows()}: Windows, and no
 * {@value dev.winrpc.async.RpcRuntime#LIBRARY_PROPERTY}) there is no simulator and no oracle,
 * and this does nothing. Everywhere else it checks, and a simulator that cannot be loaded fails
 * the test: a missing simulator is never a skip.
 */
public final class SimulatorOracleExtension implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        if (FixtureRuntime.onRealWindows()) {
            return;
        }
        try {
            Simulator.assertCleanAndIdle(context.getDisplayName());
        } finally {
            Simulator.control().sim_reset();
        }
    }
}
