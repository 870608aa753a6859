package dev.tutor.app.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.course.Topic;
import dev.tutor.app.progress.ExerciseStatus;
import dev.tutor.app.progress.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandingTest {
    static final Course COURSE = course("a", "b", "c", "d");

    static Course course(String... ids) {
        List<Exercise> exercises = java.util.Arrays.stream(ids).map(id -> new Exercise(id, "one", "Exercise " + id,
                List.of("T1"), List.of("dev/tutor/exercises/one/" + id.toUpperCase() + ".java"), List.of(),
                List.of("first " + id, "second " + id, "third " + id), Duration.ofSeconds(20), Duration.ofSeconds(5),
                1, List.of())).toList();
        return new Course(List.of(new Topic("T1", "t")), List.of(new Lesson("one", 1, "One", List.of("T1"), "1.md",
                List.of())), exercises);
    }

    private static Progress passed(Progress p, String... ids) {
        for (String id : ids) {
            p = p.withAttempt(id, true, Instant.EPOCH);
        }
        return p;
    }

    @Test
    void resumesTheExerciseTheLearnerIsOnWhileItIsUnfinished() {
        Progress p = Progress.empty().withAttempt("b", false, Instant.EPOCH).withCurrent("b");
        assertThat(Standing.resume(COURSE, p).id()).isEqualTo("b");
    }

    @Test
    void afterAPassResumesAtTheNextUnfinishedExerciseNotTheFinishedOne() {
        Progress p = passed(Progress.empty(), "a", "b", "d").withCurrent("b");
        assertThat(Standing.resume(COURSE, p).id()).isEqualTo("c");
    }

    @Test
    void whenEverythingAfterTheCurrentOnePassesGoesBackToTheFirstUnfinished() {
        Progress p = passed(Progress.empty(), "b", "c", "d").withCurrent("c");
        assertThat(Standing.resume(COURSE, p).id()).isEqualTo("a");
    }

    @Test
    void aFreshLearnerStartsAtTheFirstExerciseAndHasNotBegun() {
        assertThat(Standing.resume(COURSE, Progress.empty()).id()).isEqualTo("a");
        assertThat(Standing.begun(Progress.empty())).isFalse();
    }

    @Test
    void passedCountsTheLatestAttemptsOnly() {
        Progress p = passed(Progress.empty(), "a", "b").withAttempt("b", false, Instant.EPOCH);
        assertThat(Standing.passedCount(COURSE, p)).isEqualTo(1);
    }

    @Test
    void theSolutionStaysUnlockedAfterALaterFailingAttempt() {
        Progress p = passed(Progress.empty(), "a").withAttempt("a", false, Instant.EPOCH);
        assertThat(Standing.solutionUnlocked(p, "a")).isTrue();
        assertThat(Standing.solutionUnlocked(p, "b")).isFalse();
    }

    @Test
    void labelsSayTheStatusInWords() {
        assertThat(List.of(ExerciseStatus.values()).stream().map(Standing::label))
                .containsExactly("not started", "failing", "passed");
    }
}
