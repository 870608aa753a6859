package dev.tutor.app.grading.worker;

import dev.tutor.app.grading.WorkerMessage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.platform.engine.CancellationToken;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Sends one message per test as it starts and finishes, so that the tutor knows what happened even if
 * the JVM dies a moment later, and stops the run at the first failure: that settles the verdict, and a
 * wrong answer should not wait for the tests after it.
 */
final class StreamingListener implements TestExecutionListener {
    private final TestWorker worker;
    private final int run;
    private final CancellationToken stopAfterFailure;
    private boolean failed;
    private boolean timedOut;

    StreamingListener(TestWorker worker, int run, CancellationToken stopAfterFailure) {
        this.worker = worker;
        this.run = run;
        this.stopAfterFailure = stopAfterFailure;
    }

    boolean failed() {
        return failed;
    }

    boolean timedOut() {
        return timedOut;
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (id.isTest()) {
            worker.testStarted(displayName(id), tags(id));
            worker.send(new WorkerMessage.TestStarted(run, displayName(id), tags(id)));
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL
                || stopAfterFailure.isCancellationRequested() && result.getStatus() == TestExecutionResult.Status.ABORTED) {
            return;
        }
        Optional<Throwable> thrown = result.getThrowable();
        String name = displayName(id);
        if (thrown.isPresent() && isTimeout(thrown.get())) {
            timedOut = true;
            worker.send(new WorkerMessage.TestTimedOut(name, tags(id), worker.threadDump(), null, 0));
            return;
        }
        // ABORTED is a test whose assumption did not hold (a check this system cannot make): not a failure.
        if (result.getStatus() == TestExecutionResult.Status.FAILED) {
            failed = true;
            stopAfterFailure.cancel();
        }
        worker.testFinished();
        worker.send(new WorkerMessage.TestFinished(run, name, result.getStatus().name(),
                thrown.map(TestWorker::messageOf).orElse(null), thrown.map(t -> t.getClass().getName()).orElse(null),
                thrown.map(worker::learnerLine).orElse(null), tags(id)));
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        String name = displayName(id);
        entry.getKeyValuePairs().forEach((key, value) -> worker.send(new WorkerMessage.Measured(name, key, value)));
    }

    private static boolean isTimeout(Throwable t) {
        return t instanceof TimeoutException
                || t.getClass().getName().equals("org.opentest4j.AssertionFailedError")
                && String.valueOf(t.getMessage()).contains("timed out after");
    }

    private static List<String> tags(TestIdentifier id) {
        return id.getTags().stream().map(TestTag::getName).sorted().toList();
    }

    static String displayName(TestIdentifier id) {
        String name = id.getDisplayName();
        return name.endsWith("()") ? name.substring(0, name.length() - 2) : name;
    }
}
