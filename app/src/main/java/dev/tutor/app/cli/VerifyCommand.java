package dev.tutor.app.cli;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.ManifestLoader;
import dev.tutor.app.grading.CourseVerifier;
import dev.tutor.app.grading.Grader;
import dev.tutor.app.grading.VerificationJobs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tutor verify}: the course author's proof that the course is sound. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "For course authors: check the manifest, that every stub fails, every solution passes and"
                + " every known mistake fails with its own hint.")
final class VerifyCommand implements Callable<Integer> {
    private final TutorContext context;

    @Parameters(arity = "0..*", paramLabel = "ID", description = "Only these exercises (default: all).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--solution-runs", paramLabel = "N",
            description = "Grade each solution N times, each in a fresh JVM; all must pass (default 1, or --runs).")
    Integer solutionRuns;

    @Option(names = "--runs", paramLabel = "N",
            description = "Grade each solution and each known mistake N times, each in a fresh JVM; every run"
                    + " must give the same verdict and hint (default 1).")
    int runs = 1;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Verify N exercises at once, each grading in a fresh JVM as always; their lines come out"
                    + " in the course's order (default: one per processor, at most 4).")
    // At most 4: up to three jobs have been measured (on two cores, bench/RESULTS.md); more have not been tried.
    int jobs = Math.min(4, Runtime.getRuntime().availableProcessors());

    VerifyCommand(TutorContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (runs < 1 || solutionRuns != null && solutionRuns < 1 || jobs < 1) {
            context.err().println("--runs, --solution-runs and --jobs take a count of 1 or more.");
            return TutorCommand.USAGE;
        }
        // Parsed and checked here, not read from the build's image: this is the author's proof of the manifest.
        Course course = ManifestLoader.load(context.source());
        // A misspelt name would otherwise verify nothing and end in "Course verified.".
        ids.forEach(course::requireExercise);
        context.out().println("Manifest: " + course.lessons().size() + " lessons, "
                + course.exercises().size() + " exercises, valid.");
        context.grader().trainStartupCache();
        List<Exercise> chosen = course.exercises().stream()
                .filter(exercise -> ids.isEmpty() || ids.contains(exercise.id())).toList();
        List<String> problems = new ArrayList<>();
        List<CourseVerifier.WrongAnswerTime> times;
        try (VerificationJobs verification = new VerificationJobs(context.source(), context.grader(),
                Math.min(jobs, Math.max(1, chosen.size())), () -> Grader.forThisJvm(context.source()))) {
            for (var outcome : verification.start(chosen, solutionRuns == null ? runs : solutionRuns, runs,
                    line -> context.out().println("  " + line))) {
                problems.addAll(outcome.join().problems());
            }
            times = new ArrayList<>(verification.wrongAnswerTimes());
        }
        if (!times.isEmpty()) {
            times.sort(Comparator.comparing(CourseVerifier.WrongAnswerTime::verdict));
            CourseVerifier.WrongAnswerTime slowest = times.get(times.size() - 1);
            context.out().println("Wrong answers: " + times.size() + " verdicts, median "
                    + times.get(times.size() / 2).verdict().toMillis() + " ms, slowest "
                    + slowest.verdict().toMillis() + " ms (" + slowest.exercise() + " " + slowest.attempt() + ").");
        }
        problems.forEach(p -> context.out().println("PROBLEM " + p));
        context.out().println(problems.isEmpty() ? "Course verified." : problems.size() + " problem(s).");
        return problems.isEmpty() ? TutorCommand.PASSED : TutorCommand.NOT_PASSED;
    }
}
