package dev.tutor.app.grading;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The result of grading one attempt: the verdict, what the learner's code printed, and how long it took.
 *
 * @param exerciseId    the exercise graded
 * @param verdict       the outcome
 * @param output        what the learner's code printed, up to the cap
 * @param droppedOutput how many bytes were printed past the cap and dropped
 * @param elapsed       from the request to the verdict
 * @param phases        where that time went, for benchmarks and {@code --verbose}
 * @param measurements  the figures the tests measured on the learner's code, in the order first published
 */
public record GradeReport(String exerciseId, Verdict verdict, String output, long droppedOutput, Duration elapsed,
                          Phases phases, List<Measurement> measurements) {

    public GradeReport {
        measurements = List.copyOf(measurements);
    }

    /** A report with no measurements, as most exercises' tests publish none. */
    public GradeReport(String exerciseId, Verdict verdict, String output, long droppedOutput, Duration elapsed,
                       Phases phases) {
        this(exerciseId, verdict, output, droppedOutput, elapsed, phases, List.of());
    }

    /**
     * Where one grading's time went.
     *
     * @param compile  compiling the learner's files and the tests
     * @param jvmReady waiting for a warm test JVM (zero when the spare was ready)
     * @param tests    from sending the request to the verdict
     */
    public record Phases(Duration compile, Duration jvmReady, Duration tests) {
        public static final Phases NONE = new Phases(Duration.ZERO, Duration.ZERO, Duration.ZERO);

        @Override
        public String toString() {
            return "compile " + compile.toMillis() + " ms, waiting for a test JVM " + jvmReady.toMillis()
                    + " ms, tests " + tests.toMillis() + " ms";
        }
    }

    /**
     * The hint that answers this attempt's mistake, from the first failing or timed-out test's tag; empty
     * when that test has none. A later test's hint is never offered for it: it may name another mistake.
     */
    public Optional<Integer> suggestedHint() {
        return switch (verdict) {
            case Verdict.TestsFailed f -> f.failures().isEmpty() ? Optional.empty() : f.failures().get(0).hint();
            case Verdict.TimedOut t -> TestFailure.hintOf(t.tags());
            // Memory or stack used up under one test's inputs: that test's hint is about what ran out.
            case Verdict.Crashed c -> TestFailure.hintOf(c.tags());
            default -> Optional.empty();
        };
    }
}
