package dev.tutor.app.grading;

import static dev.tutor.app.grading.FixtureCourse.adder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.MemoryCourseSource;
import dev.tutor.app.course.Mistake;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A course author's proof of one exercise: every run of the solution and of each known mistake is graded and judged. */
@Timeout(120)
class CourseVerifierTest {
    /** The fixture's adder with a stub, a solution and three known mistakes, one of them misfiled. */
    static final class AuthoredCourse extends MemoryCourseSource {
        AuthoredCourse() {
            super(adder("return 0;"), Map.of(FixtureCourse.TEST_FILE, FixtureCourse.TEST));
        }

        @Override
        public Optional<String> solution(String path) {
            return Optional.ofNullable(adder("return a + b;").get(path));
        }

        @Override
        public Optional<String> mistake(String exerciseId, String mistakeName, String path) {
            String body = switch (mistakeName) {
                case "subtracts" -> "return a - b;";
                case "drops-the-sign" -> "return a + Math.abs(b);";
                case "adds-the-long-way" -> "int sum = a; for (int i = 0; i < Math.abs(b); i++) sum += Integer.signum(b); return sum;";
                default -> throw new AssertionError(mistakeName);
            };
            return Optional.ofNullable(adder(body).get(path));
        }
    }

    private static Grader grader;
    private final List<String> log = new ArrayList<>();

    @BeforeAll
    static void startGrader() {
        grader = Grader.forThisJvm(new AuthoredCourse());
    }

    @AfterAll
    static void stopGrader() {
        grader.close();
    }

    private static Exercise exerciseWith(Mistake... mistakes) {
        Exercise fixture = FixtureCourse.exercise(1);
        return new Exercise(fixture.id(), fixture.lessonId(), fixture.title(), fixture.topics(), fixture.files(),
                fixture.tests(), fixture.hints(), fixture.timeLimit(), fixture.testTimeLimit(), 1, List.of(mistakes));
    }

    private List<String> verify(Exercise exercise, int solutionRuns, int mistakeRuns) {
        return new CourseVerifier(new AuthoredCourse(), grader).verify(exercise, solutionRuns, mistakeRuns, log::add);
    }

    @Test
    void gradesTheSolutionAndEachMistakeAsOftenAsAskedAndCountsTheRunsThatGaveTheirHint() {
        List<String> problems = verify(exerciseWith(new Mistake("subtracts", 2, "a minus")), 2, 3);

        assertThat(problems).as(String.join("\n", log)).isEmpty();
        assertThat(log).filteredOn(line -> line.startsWith("fixture solution (")).hasSize(2);
        assertThat(log).filteredOn(line -> line.startsWith("fixture mistake subtracts (")).hasSize(3)
                .allSatisfy(line -> assertThat(line).contains("offers hint 2"));
        assertThat(log).contains("fixture solution passed 2 of 2 gradings",
                "fixture mistake subtracts failed offering hint 2 in 3 of 3 gradings");
        assertThat(log).last().asString().startsWith("fixture wrong answers: 4 verdicts, median ");
    }

    @Test
    void aMistakeThatOffersAnotherHintIsAProblemOnEveryRunWithWhatItsFirstFailingTestSaw() {
        List<String> problems = verify(exerciseWith(new Mistake("drops-the-sign", 2, "abs")), 1, 2);

        assertThat(problems).as(String.join("\n", log)).hasSize(2).allSatisfy(problem -> assertThat(problem)
                .contains("mistake 'drops-the-sign': offers hint none on run ", ", should offer hint 2",
                        "addsNegativeNumbers", "2 + -3 should be -1"));
        assertThat(log).contains("fixture mistake drops-the-sign failed offering hint 2 in 0 of 2 gradings");
    }

    @Test
    void aMistakeThatPassesIsAProblemAndAStubThatFailsIsNot() {
        List<String> problems = verify(exerciseWith(new Mistake("adds-the-long-way", 1, "a loop")), 1, 1);

        assertThat(problems).as(String.join("\n", log))
                .containsExactly("fixture mistake 'adds-the-long-way': passes the tests");
        assertThat(log).first().asString().startsWith("fixture stub: failed");
    }
}
