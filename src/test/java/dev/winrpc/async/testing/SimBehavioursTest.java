package dev.winrpc.async.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Reporter;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The simulator's behaviours as test support sees them: their names and bits match
 * simulator/src/winrpcsim.h and the simulator itself, a name that is not one fails, and the
 * system property {@value SimBehaviours#PROPERTY} is what both the JUnit extension and the jqwik
 * hook apply before a test (or try) and record in its report.
 */
class SimBehavioursTest {

    private static final Path HEADER = Path.of(System.getProperty("basedir", "."))
            .toAbsolutePath().resolve("simulator/src/winrpcsim.h");

    private final SimControl sim = Simulator.control();
    private String saved;

    @BeforeEach
    void saveTheProperty() {
        saved = System.getProperty(SimBehaviours.PROPERTY);
    }

    @AfterEach
    void restoreTheProperty() {
        if (saved == null) {
            System.clearProperty(SimBehaviours.PROPERTY);
        } else {
            System.setProperty(SimBehaviours.PROPERTY, saved);
        }
    }

    @Test
    void namesAndBitsAreTheSimulatorsOwn() throws IOException {
        String h = Files.readString(HEADER);
        Matcher m = Pattern.compile("SIM_BEHAVIOUR_([A-Z_]+) = 1u << (\\d+),").matcher(h);
        Map<String, Integer> inHeader = new LinkedHashMap<>();
        while (m.find()) {
            inHeader.put(m.group(1), 1 << Integer.parseInt(m.group(2)));
        }
        Map<String, Integer> here = new LinkedHashMap<>();
        for (SimBehaviours.Behaviour b : SimBehaviours.Behaviour.values()) {
            here.put(b.name(), b.bit());
        }
        assertEquals(inHeader, here);
        int all = 0;
        for (int bit : here.values()) {
            all |= bit;
        }
        assertEquals(SimControl.SIM_BEHAVIOURS_ALL, all);
        sim.sim_set_behaviours(-1); // unknown bits are ignored
        assertEquals(SimControl.SIM_BEHAVIOURS_ALL, sim.sim_behaviours());
        sim.sim_reset();
        assertEquals(0, sim.sim_behaviours());
        assertEquals(SimControl.SIM_PIPE_WINDOW_DEFAULT, sim.sim_pipe_window());
        sim.sim_set_pipe_window(7);
        assertEquals(7, sim.sim_pipe_window());
        sim.sim_set_pipe_window(0);
        assertEquals(SimControl.SIM_PIPE_WINDOW_DEFAULT, sim.sim_pipe_window());
    }

    @Test
    void parsesListsOfNames() {
        assertEquals(0, SimBehaviours.parse(null));
        assertEquals(0, SimBehaviours.parse(" "));
        assertEquals(SimControl.SIM_BEHAVIOUR_APC_EVENT_AT_RUN | SimControl.SIM_BEHAVIOUR_BACK_PRESSURE,
                SimBehaviours.parse("APC_EVENT_AT_RUN, back_pressure"));
        for (int mask = 1; mask <= SimControl.SIM_BEHAVIOURS_ALL; mask++) {
            assertEquals(mask, SimBehaviours.parse(SimBehaviours.names(mask)));
        }
        assertEquals("none", SimBehaviours.names(0));
        assertEquals("INITIAL_SEND_COMPLETE,SEND_COMPLETE_APC_ONLY", SimBehaviours.names(
                SimControl.SIM_BEHAVIOUR_SEND_COMPLETE_APC_ONLY | SimControl.SIM_BEHAVIOUR_INITIAL_SEND_COMPLETE));
    }

    @Test
    void aNameThatIsNotOneFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimBehaviours.parse("APC_EVENT_AT_RUN,BACKPRESSURE"));
        assertTrue(e.getMessage().contains("\"BACKPRESSURE\"") && e.getMessage().contains("BACK_PRESSURE"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SimBehaviours.parse("APC_EVENT_AT_RUN,"));
        System.setProperty(SimBehaviours.PROPERTY, "NONE");
        assertThrows(IllegalArgumentException.class, SimBehaviours::apply);
    }

    @Test
    void theExtensionAppliesThePropertyAndReportsIt() {
        System.setProperty(SimBehaviours.PROPERTY, "BACK_PRESSURE,APC_EVENT_AT_RUN");
        ExtensionContext context = mock(ExtensionContext.class);
        new SimulatorOracleExtension().beforeEach(context);
        assertEquals(SimControl.SIM_BEHAVIOUR_APC_EVENT_AT_RUN | SimControl.SIM_BEHAVIOUR_BACK_PRESSURE,
                sim.sim_behaviours());
        verify(context).publishReportEntry(SimBehaviours.REPORT_KEY, "APC_EVENT_AT_RUN,BACK_PRESSURE");

        // Only those: an earlier test's behaviours do not stay.
        sim.sim_set_behaviours(SimControl.SIM_BEHAVIOURS_ALL);
        System.clearProperty(SimBehaviours.PROPERTY);
        ExtensionContext none = mock(ExtensionContext.class);
        new SimulatorOracleExtension().beforeEach(none);
        assertEquals(0, sim.sim_behaviours());
        verify(none).publishReportEntry(SimBehaviours.REPORT_KEY, "none");
    }

    @Test
    void theJqwikHookAppliesThePropertyBeforeEveryTryAndReportsIt() throws Throwable {
        System.setProperty(SimBehaviours.PROPERTY, "CALL_COMPLETE_BEFORE_DRAIN");
        SimBehavioursHook hook = new SimBehavioursHook();
        AtomicInteger seen = new AtomicInteger(-1);
        TryExecutor aTry = parameters -> {
            seen.set(sim.sim_behaviours());
            return TryExecutionResult.satisfied();
        };
        sim.sim_reset(); // as the previous try's end does
        TryExecutionResult r = hook.aroundTry(mock(TryLifecycleContext.class), aTry, List.of());
        assertEquals(TryExecutionResult.Status.SATISFIED, r.status());
        assertEquals(SimControl.SIM_BEHAVIOUR_CALL_COMPLETE_BEFORE_DRAIN, seen.get());

        PropertyLifecycleContext context = mock(PropertyLifecycleContext.class);
        Reporter reporter = mock(Reporter.class);
        when(context.reporter()).thenReturn(reporter);
        PropertyExecutor property = mock(PropertyExecutor.class);
        PropertyExecutionResult done = mock(PropertyExecutionResult.class);
        when(property.execute()).thenReturn(done);
        assertEquals(done, hook.aroundProperty(context, property));
        verify(reporter).publishValue(SimBehaviours.REPORT_KEY, "CALL_COMPLETE_BEFORE_DRAIN");
        verify(property).execute();
    }

    @Test
    void theHookIsRegisteredForEveryJqwikProperty() throws IOException {
        Path services = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
                .resolve("src/test/resources/META-INF/services/net.jqwik.api.lifecycle.LifecycleHook");
        assertTrue(Files.readAllLines(services).contains(SimBehavioursHook.class.getName()));
        assertEquals(net.jqwik.api.lifecycle.PropagationMode.ALL_DESCENDANTS, new SimBehavioursHook().propagateTo());
    }
}
