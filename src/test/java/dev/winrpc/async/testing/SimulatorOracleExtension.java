package dev.winrpc.async.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test (registered for all tests through JUnit's extension auto-detection): the
 * simulator must be idle, its misuse oracle empty and its live-resource counters zero.
 * Whatever the outcome, the simulator is reset so that one failure does not cascade.
 */
public final class SimulatorOracleExtension implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            Simulator.assertCleanAndIdle(context.getDisplayName());
        } finally {
            Simulator.control().sim_reset();
        }
    }
}
