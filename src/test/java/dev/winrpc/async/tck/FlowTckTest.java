package dev.winrpc.async.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.testng.ITestResult;
import org.testng.TestListenerAdapter;
import org.testng.TestNG;

/**
 * The Reactive Streams TCK (reactive-streams-tck-flow) against the pipes' Flow forms, through
 * TestNG's API: every required rule must pass, and a test the TCK skips must be one it skips by
 * design here, listed below with the reason. A skip not listed, a failure, or a run that
 * verified too little fails this test.
 */
class FlowTckTest {

    static final long TIMEOUT_MS = 1000;
    static final long NO_SIGNAL_MS = 100;

    /**
     * The TCK's own skips that apply to the reader's publisher, with why. (The TCK's
     * {@code untested_*} tests are placeholders for rules no test can check: they always skip,
     * in both verifications.)
     */
    private static final Map<String, String> PUBLISHER_SKIPS = Map.of(
            "optional_spec111_maySupportMultiSubscribe",
            "a pipe is read once: a second subscriber is refused with onSubscribe, onError (rule 1.9)",
            "optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals",
            "single subscriber",
            "optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne",
            "single subscriber",
            "optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront",
            "single subscriber",
            "optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfrontAndCompleteAsExpected",
            "single subscriber",
            "required_spec317_mustNotSignalOnErrorWhenPendingAboveLongMaxValue",
            "needs a pipe of Integer.MAX_VALUE elements; the other two 3.17 tests check the pending count");

    @Test
    void pipeReaderPublisher() {
        verify(PipeReaderPublisherVerification.class, PUBLISHER_SKIPS.keySet(), 25);
    }

    @Test
    void pipeWriterSubscriber() {
        verify(PipeWriterSubscriberVerification.class, Set.of(), 11);
    }

    private static void verify(Class<?> verification, Set<String> expectedSkips, int minimumPassed) {
        TestListenerAdapter results = new TestListenerAdapter();
        try (TckRig rig = TckRig.open()) {
            TestNG testng = new TestNG(false);
            testng.setTestClasses(new Class<?>[] {verification});
            testng.setUseDefaultListeners(false);
            testng.setVerbose(0);
            testng.addListener(results);
            testng.run();
            assertEquals(List.of(), rig.reports, "the dispatcher's reports during the TCK");
        }
        String name = verification.getSimpleName();
        List<String> failures = new ArrayList<>();
        for (ITestResult r : results.getFailedTests()) {
            failures.add(r.getName() + ": " + stack(r.getThrowable()));
        }
        for (ITestResult r : results.getConfigurationFailures()) {
            failures.add("configuration " + r.getName() + ": " + stack(r.getThrowable()));
        }
        assertEquals(List.of(), failures, name + ": TCK failures");
        Map<String, String> skipped = new TreeMap<>();
        for (ITestResult r : results.getSkippedTests()) {
            if (!r.getName().startsWith("untested_")) {
                skipped.put(r.getName(), String.valueOf(r.getThrowable()));
            }
        }
        assertEquals(new TreeSet<>(expectedSkips), new TreeSet<>(skipped.keySet()),
                name + ": the TCK's skips, other than its untested_ placeholders (" + skipped + ")");
        int passed = results.getPassedTests().size();
        assertTrue(passed >= minimumPassed, name + ": only " + passed + " TCK tests passed");
        System.out.println(name + ": " + passed + " TCK tests passed, " + results.getSkippedTests().size()
                + " skipped by design");
    }

    private static String stack(Throwable t) {
        if (t == null) {
            return "(no throwable)";
        }
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }
}
