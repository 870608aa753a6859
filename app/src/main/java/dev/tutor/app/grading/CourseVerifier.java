package dev.tutor.app.grading;

import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Mistake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Proves a course to its author: every stub fails its tests, every solution passes them, and every known
 * mistake fails with a failure that offers the hint naming that mistake.
 *
 * <p>Used by {@code tutor verify} and by the build, with the same grader a learner meets.
 */
public final class CourseVerifier {
    private final CourseSource source;
    private final Grader grader;
    private final List<WrongAnswerTime> wrongAnswerTimes = new ArrayList<>();

    /**
     * How long one wrong answer (a stub or a known mistake) took from compiling to its verdict, without the
     * wait for a test JVM: a learner's spare JVM starts while they edit, so they never wait for one.
     */
    public record WrongAnswerTime(String exercise, String attempt, Duration verdict) {
    }

    public CourseVerifier(CourseSource source, Grader grader) {
        this.source = source;
        this.grader = grader;
    }

    /**
     * Checks one exercise, reporting each check as one line as it finishes.
     *
     * @return the problems found, one line each; empty when the exercise is sound
     */
    public List<String> verify(Exercise exercise, Consumer<String> log) {
        return verify(exercise, 1, 1, log);
    }

    /**
     * Checks one exercise, grading the solution {@code solutionRuns} times and each known mistake
     * {@code mistakeRuns} times, each in a fresh JVM: a solution's tests must pass every time and a mistake's
     * must fail offering its hint every time, on a busy machine too, or learners will distrust their verdicts.
     */
    public List<String> verify(Exercise exercise, int solutionRuns, int mistakeRuns, Consumer<String> log) {
        List<String> problems = new ArrayList<>();
        // A test JVM of the kind the exercise needs (Lincheck warm or not), booting while the stub compiles,
        // as a learner's spare would be; the last exercise's kind would leave a race exercise's stub to warm
        // Lincheck inside its tests' time.
        grader.startTestJvmFor(exercise);
        GradeRequest stubRequest = new GradeRequest(exercise, files(exercise, source::stub));
        // A learner's tutor compiles the exercise they are on while they read; so does this, before timing.
        grader.warmCompilerOn(stubRequest);
        // Graded by the grader itself, never through the session's attempts: they tell an untouched stub "not
        // started" without grading it, on the strength of this very run proving that the stub fails.
        GradeReport stub = grader.grade(stubRequest);
        log.accept(exercise.id() + " stub: " + stub.verdict().summary() + timing(stub));
        List<WrongAnswerTime> times = new ArrayList<>();
        times.add(new WrongAnswerTime(exercise.id(), "stub", verdictTime(stub)));
        if (stub.verdict().passed()) {
            problems.add(exercise.id() + ": the untouched stub passes its tests; the tests do not test it");
        } else if (stub.verdict() instanceof Verdict.CompileFailed) {
            problems.add(exercise.id() + ": the stub does not compile against its tests");
        }
        int passes = 0;
        for (int run = 1; run <= solutionRuns; run++) {
            GradeReport solution = grader.grade(new GradeRequest(exercise, files(exercise, source::solution)));
            log.accept(exercise.id() + " solution" + of(run, solutionRuns) + ": " + solution.verdict().summary()
                    + " in " + solution.elapsed().toMillis() + " ms (tests " + solution.phases().tests().toMillis()
                    + " ms)");
            if (solution.verdict().passed()) {
                passes++;
            } else {
                problems.add(exercise.id() + ": the solution does not pass"
                        + (solutionRuns == 1 ? "" : " on run " + run + " of " + solutionRuns) + ": "
                        + solution.verdict().summary() + detail(solution.verdict()));
            }
        }
        if (solutionRuns > 1) {
            log.accept(exercise.id() + " solution passed " + passes + " of " + solutionRuns + " gradings");
        }
        for (Mistake mistake : exercise.mistakes()) {
            Map<String, String> files = files(exercise, path -> source.mistake(exercise.id(), mistake.name(), path)
                    .or(() -> source.solution(path)));
            int right = 0;
            for (int run = 1; run <= mistakeRuns; run++) {
                GradeReport report = grader.grade(new GradeRequest(exercise, files));
                log.accept(exercise.id() + " mistake " + mistake.name() + of(run, mistakeRuns) + ": "
                        + report.verdict().summary() + firstFailure(report.verdict())
                        + report.suggestedHint().map(h -> ", offers hint " + h).orElse("") + timing(report));
                times.add(new WrongAnswerTime(exercise.id(), mistake.name(), verdictTime(report)));
                String where = mistakeRuns == 1 ? "" : " on run " + run + " of " + mistakeRuns;
                if (report.verdict().passed()) {
                    problems.add(exercise.id() + " mistake '" + mistake.name() + "': passes the tests" + where);
                } else if (!report.suggestedHint().equals(Optional.of(mistake.hint()))) {
                    problems.add(exercise.id() + " mistake '" + mistake.name() + "': offers hint "
                            + report.suggestedHint().map(String::valueOf).orElse("none") + where
                            + ", should offer hint " + mistake.hint()
                            + detail(report.verdict()));   // what the test saw, to tell a flake's cause
                } else {
                    right++;
                }
            }
            if (mistakeRuns > 1) {
                log.accept(exercise.id() + " mistake " + mistake.name() + " failed offering hint " + mistake.hint()
                        + " in " + right + " of " + mistakeRuns + " gradings");
            }
        }
        times.sort(Comparator.comparing(WrongAnswerTime::verdict));
        WrongAnswerTime slowest = times.get(times.size() - 1);
        log.accept(exercise.id() + " wrong answers: " + times.size() + " verdicts, median "
                + times.get(times.size() / 2).verdict().toMillis() + " ms, slowest " + slowest.verdict().toMillis()
                + " ms (" + slowest.attempt() + ")");
        synchronized (wrongAnswerTimes) {
            wrongAnswerTimes.addAll(times);
        }
        return problems;
    }

    /** Every wrong answer's verdict time so far, for a summary over the course. */
    public List<WrongAnswerTime> wrongAnswerTimes() {
        synchronized (wrongAnswerTimes) {
            return List.copyOf(wrongAnswerTimes);
        }
    }

    private static String of(int run, int runs) {
        return runs == 1 ? "" : " (" + run + "/" + runs + ")";
    }

    /** The test that failed first, for an author reading why a mistake got the hint it got. */
    private static String firstFailure(Verdict verdict) {
        return switch (verdict) {
            case Verdict.TestsFailed f -> " (" + f.failures().get(0).test() + ")";
            case Verdict.TimedOut t -> " (" + t.test() + ")";
            default -> "";
        };
    }

    private static Duration verdictTime(GradeReport report) {
        return report.elapsed().minus(report.phases().jvmReady());
    }

    private static String timing(GradeReport report) {
        return " in " + report.elapsed().toMillis() + " ms (verdict " + verdictTime(report).toMillis() + " ms after"
                + " the save: compile " + report.phases().compile().toMillis() + ", tests "
                + report.phases().tests().toMillis() + ")";
    }

    private static String detail(Verdict verdict) {
        return switch (verdict) {
            case Verdict.TestsFailed f -> " (" + f.failures().get(0).test() + ": " + f.failures().get(0).message() + ")";
            case Verdict.CompileFailed c -> " (" + c.errors().get(0).format().replace('\n', ' ') + ")";
            case Verdict.Crashed c -> " (" + c.detail() + ")";
            default -> "";
        };
    }

    private static Map<String, String> files(Exercise exercise, Function<String, Optional<String>> reader) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String path : exercise.files()) {
            files.put(path, reader.apply(path).orElseThrow(() -> new GradingException(
                    "Exercise '" + exercise.id() + "' has no source for " + path)));
        }
        return files;
    }
}
