package dev.tutor.app.grading.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Pins that the worker's warm-up goes down the paths a learner's tests take: every warm-up test but the last
 * passes, including the one that needs the extension's parameter, and the last fails through the extension's
 * handler, as a wrong answer's test fails through Seeded's.
 */
class WarmUpTestsTest {

    @Test
    void everyWarmUpTestRunsAndOnlyTheLastFailsThroughTheExtensionsHandler() {
        Map<String, TestExecutionResult> results = run();
        assertTrue(results.containsKey("takesAParameterFromAnExtension(Random)"), "ran: " + results.keySet());
        assertTrue(results.containsKey("readsWhatACompiledClassUses"), "ran: " + results.keySet());
        assertFalse(results.containsKey("startsAChildProcess"), "a training-only test ran: " + results.keySet());
        String message = results.get("failsAsAWrongAnswerDoes").getThrowable().orElseThrow().getMessage();
        assertTrue(message.endsWith("\n(warm-up)"), "the extension's handler did not rewrite the failure: " + message);
    }

    @Test
    void whileTrainingTheStartupCacheItsOwnTestsRunAndPassToo() {
        String before = System.getProperty(TestWorker.TRAINING_PROPERTY);
        System.setProperty(TestWorker.TRAINING_PROPERTY, "true");
        try {
            Map<String, TestExecutionResult> results = run();
            for (String name : List.of("fillsATemporaryFolder(Path)", "fetchesAPageFromTheBundledServer",
                    "runsTheBundledEventLoop", "startsAChildProcess")) {
                assertTrue(results.containsKey(name), name + " did not run: " + results.keySet());
            }
        } finally {
            if (before == null) {
                System.clearProperty(TestWorker.TRAINING_PROPERTY);
            } else {
                System.setProperty(TestWorker.TRAINING_PROPERTY, before);
            }
        }
    }

    /** Runs the warm-up tests; checks that every one but the last passed and the last failed; returns them. */
    private static Map<String, TestExecutionResult> run() {
        Map<String, TestExecutionResult> results = new TreeMap<>();
        List<String> order = new ArrayList<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    String name = StreamingListener.displayName(id);
                    results.put(name, result);
                    order.add(name);
                }
            }
        };
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(WarmUpTests.class)).build(), listener);

        assertEquals("failsAsAWrongAnswerDoes", order.get(order.size() - 1), "run order: " + order);
        results.forEach((name, result) -> {
            boolean last = name.equals("failsAsAWrongAnswerDoes");
            assertEquals(last ? TestExecutionResult.Status.FAILED : TestExecutionResult.Status.SUCCESSFUL,
                    result.getStatus(), () -> name + ": " + result);
        });
        return results;
    }
}
