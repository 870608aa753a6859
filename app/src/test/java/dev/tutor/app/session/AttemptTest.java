package dev.tutor.app.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.TestFailure;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.progress.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttemptTest {
    private static GradeReport failedAt(String where) {
        TestFailure failure = new TestFailure("aTest", "saw 0", "AssertionError", where, List.of("hint:2"));
        return new GradeReport("a", new Verdict.TestsFailed(List.of(failure), 1, 1), "", 0, Duration.ofMillis(5),
                GradeReport.Phases.NONE);
    }

    private static Attempt attempt(String where) {
        return new Attempt(StandingTest.COURSE.requireExercise("a"),
                Map.of("dev/tutor/exercises/one/A.java", "class A {\n    int x() {\n        return 0;\n    }\n}\n"),
                failedAt(where), Progress.empty(), false);
    }

    @Test
    void theFailingLineComesFromTheFilesAsGraded() {
        assertThat(attempt("A.java:3").failingLine()).isEqualTo("        return 0;");
    }

    @Test
    void aFailureOutsideTheLearnersFilesOrPastTheirEndPointsNowhere() {
        assertThat(attempt("ATest.java:3").failingLine()).isEmpty();
        assertThat(attempt("A.java:99").failingLine()).isEmpty();
        assertThat(attempt("A.java:x").failingLine()).isEmpty();
    }
}
