package dev.winrpc.async.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Around every test (registered for all tests through JUnit's extension auto-detection):
 *
 * <ul>
 *   <li>before it, the runtime simulator plays the behaviours the system property
 *       {@value SimBehaviours#PROPERTY} names, and only those ({@link SimBehaviours#apply()}),
 *       recorded in the test's report as "{@value SimBehaviours#REPORT_KEY}";</li>
 *   <li>after it, the simulator must be idle, its misuse oracle empty and its live-resource
 *       counters zero. Whatever the outcome, the simulator is reset (behaviours included) so
 *       that one failure does not cascade.</li>
 * </ul>
 *
 * <p>On real Windows ({@link FixtureRuntime#onRealWindows()}: Windows, and no
 * {@value dev.winrpc.async.RpcRuntime#LIBRARY_PROPERTY}) there is no simulator and no oracle:
 * after a test it does nothing, and before one it fails a test run that asks for simulator
 * behaviours. Everywhere else it checks, and a simulator that cannot be loaded fails the test: a
 * missing simulator is never a skip.
 */
public final class SimulatorOracleExtension implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        int mask = SimBehaviours.apply();
        context.publishReportEntry(SimBehaviours.REPORT_KEY, SimBehaviours.names(mask));
    }

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
