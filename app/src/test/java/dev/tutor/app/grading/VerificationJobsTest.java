package dev.tutor.app.grading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Mistake;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several exercises verified at once: each exercise's problems its own, and the lines in the course's order. */
@Timeout(180)
class VerificationJobsTest {
    /** The fixture exercise under another name, with "subtracts" filed under the given hint. */
    private static Exercise named(String id, int hintOfSubtracts) {
        Exercise fixture = FixtureCourse.exercise(1);
        return new Exercise(id, fixture.lessonId(), fixture.title(), fixture.topics(), fixture.files(),
                fixture.tests(), fixture.hints(), fixture.timeLimit(), fixture.testTimeLimit(), 1,
                List.of(new Mistake("subtracts", hintOfSubtracts, "a minus")));
    }

    @Test
    void eachExercisesProblemsAreItsOwnAndItsLinesComeOutTogetherInTheCoursesOrder() {
        CourseVerifierTest.AuthoredCourse source = new CourseVerifierTest.AuthoredCourse();
        // The fixture test that "subtracts" fails first is tagged hint 2: filed under hint 1, it is a problem.
        List<Exercise> exercises = List.of(named("first", 2), named("second", 1), named("third", 2));
        List<String> log = new CopyOnWriteArrayList<>();
        try (Grader first = Grader.forThisJvm(source);
             VerificationJobs jobs = new VerificationJobs(source, first, 2, () -> Grader.forThisJvm(source))) {
            List<CompletableFuture<VerificationJobs.Outcome>> outcomes = jobs.start(exercises, 1, 1, log::add);

            assertThat(outcomes.get(0).join().problems()).as(String.join("\n", log)).isEmpty();
            assertThat(outcomes.get(1).join().problems()).singleElement().asString()
                    .startsWith("second mistake 'subtracts': offers hint 2").contains("should offer hint 1");
            assertThat(outcomes.get(2).join().problems()).as(String.join("\n", log)).isEmpty();
            assertThat(jobs.wrongAnswerTimes()).hasSize(6);
            assertThat(outcomes.get(1).join().log()).hasSize(4).allSatisfy(line -> assertThat(line).startsWith("second "));
        }
        List<String> exerciseOfEachLine = log.stream().map(line -> line.substring(0, line.indexOf(' '))).toList();
        assertThat(exerciseOfEachLine).as(String.join("\n", log)).hasSize(12)
                .containsExactly("first", "first", "first", "first", "second", "second", "second", "second",
                        "third", "third", "third", "third");
    }
}
