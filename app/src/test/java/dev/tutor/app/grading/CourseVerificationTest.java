package dev.tutor.app.grading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.ClasspathCourseSource;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.ManifestLoader;
import java.util.ArrayList;
import java.util.List;
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
    private static Grader grader;

    @BeforeAll
    static void startGrader() {
        grader = new Grader(SOURCE, PackedClassPath.of(Grader.currentClassPath()), List.of());
        grader.trainStartupCache();
    }

    @AfterAll
    static void stopGrader() {
        grader.close();
    }

    @TestFactory
    Stream<DynamicTest> everyStubFailsEverySolutionPassesEveryMistakeOffersItsHint() {
        Course course = ManifestLoader.load(SOURCE);
        CourseVerifier verifier = new CourseVerifier(SOURCE, grader);
        // -Dtutor.verifyOnly=ID,ID proves only those exercises: the whole course takes a quarter of an hour.
        List<String> only = List.of(System.getProperty("tutor.verifyOnly", "").split(",")).stream()
                .filter(id -> !id.isBlank()).toList();
        return course.exercises().stream().filter(exercise -> only.isEmpty() || only.contains(exercise.id()))
                .map(exercise -> DynamicTest.dynamicTest(exercise.id(), () -> {
                    List<String> log = new ArrayList<>();
                    List<String> problems = verifier.verify(exercise, log::add);
                    assertThat(problems).as(String.join("\n", log)).isEmpty();
                }));
    }
}
