package dev.tutor.app.grading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.ClasspathCourseSource;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.ManifestLoader;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The build's proof of the course, with the grader a learner meets: every stub fails its tests, every
 * solution passes them (as many runs as the manifest asks), and every known mistake fails offering the
 * hint that names it.
 */
class CourseVerificationTest {
    private static final ClasspathCourseSource SOURCE = new ClasspathCourseSource();
    /** How many exercises are proved at once unless -Dtutor.verifyJobs says otherwise. */
    private static final int JOBS = 2;
    private static List<String> classPath;
    private static Grader grader;
    private static VerificationJobs jobs;

    @BeforeAll
    static void startGrader() {
        classPath = PackedClassPath.of(Grader.currentClassPath());
        grader = new Grader(SOURCE, classPath, List.of());
        grader.trainStartupCache();
    }

    @AfterAll
    static void stopGrader() {
        if (jobs != null) {
            jobs.close();
        }
        grader.close();
    }

    @TestFactory
    Stream<DynamicTest> everyStubFailsEverySolutionPassesEveryMistakeOffersItsHint() {
        Course course = ManifestLoader.load(SOURCE);
        // -Dtutor.verifyOnly=ID,ID proves only those exercises: the whole course takes minutes.
        List<String> only = List.of(System.getProperty("tutor.verifyOnly", "").split(",")).stream()
                .filter(id -> !id.isBlank()).toList();
        List<Exercise> chosen = course.exercises().stream()
                .filter(exercise -> only.isEmpty() || only.contains(exercise.id())).toList();
        // Two at a time by default, as tutor verify --jobs 2: each exercise's waits leave the other core to the next.
        jobs = new VerificationJobs(SOURCE, grader, Integer.getInteger("tutor.verifyJobs", JOBS),
                () -> new Grader(SOURCE, classPath, List.of()));
        List<CompletableFuture<VerificationJobs.Outcome>> outcomes = jobs.start(chosen, 1, 1, line -> { });
        return IntStream.range(0, chosen.size()).mapToObj(i -> DynamicTest.dynamicTest(chosen.get(i).id(), () -> {
            VerificationJobs.Outcome outcome = outcomes.get(i).join();
            assertThat(outcome.problems()).as(String.join("\n", outcome.log())).isEmpty();
        }));
    }
}
