package dev.tutor.app.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final Instant T1 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-01-01T10:05:00Z");

    @Test
    void emptyProgressKnowsEveryExerciseAsNotStarted() {
        assertThat(Progress.empty().exercise("loop-01")).isEqualTo(ExerciseProgress.notStarted());
        assertThat(Progress.empty().current()).isNull();
    }

    @Test
    void attemptsCountAndTheFirstPassIsRemembered() {
        Progress p = Progress.empty()
                .withAttempt("loop-01", false, T1)
                .withAttempt("loop-01", true, T2)
                .withAttempt("loop-01", true, T2.plusSeconds(60));

        ExerciseProgress e = p.exercise("loop-01");
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.status()).isEqualTo(ExerciseStatus.PASSED);
        assertThat(e.firstPassedAt()).isEqualTo(T2);
        assertThat(e.lastAttemptAt()).isEqualTo(T2.plusSeconds(60));
    }

    @Test
    void stubsAgainAreNotStartedAndKeepWhatWasDoneAndAPassOnceMade() {
        Progress before = Progress.empty().withAttempt("loop-01", true, T1).withAttempt("loop-01", false, T2)
                .withHintTaken("loop-01").withSolutionViewed("loop-01");

        ExerciseProgress e = before.withStubsAgain("loop-01").exercise("loop-01");

        assertThat(e.status()).isEqualTo(ExerciseStatus.NOT_STARTED);
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.hintsTaken()).isEqualTo(1);
        assertThat(e.everPassed()).isTrue();
        assertThat(e.solutionViewed()).isTrue();
        assertThat(Progress.empty().withStubsAgain("loop-02")).as("an exercise not begun is left out")
                .isEqualTo(Progress.empty());
    }

    @Test
    void aFailureAfterAPassShowsFailingButStillCountsAsEverPassed() {
        ExerciseProgress e = Progress.empty()
                .withAttempt("loop-01", true, T1)
                .withAttempt("loop-01", false, T2)
                .exercise("loop-01");

        assertThat(e.status()).isEqualTo(ExerciseStatus.FAILING);
        assertThat(e.everPassed()).isTrue();
    }

    @Test
    void hintsAndSolutionAreRecordedPerExercise() {
        Progress p = Progress.empty().withHintTaken("a").withHintTaken("a").withSolutionViewed("b");

        assertThat(p.exercise("a").hintsTaken()).isEqualTo(2);
        assertThat(p.exercise("a").solutionViewed()).isFalse();
        assertThat(p.exercise("b").solutionViewed()).isTrue();
        assertThat(p.exercise("b").status()).isEqualTo(ExerciseStatus.NOT_STARTED);
    }

    @Test
    void withMethodsLeaveTheOriginalUnchanged() {
        Progress before = Progress.empty().withCurrent("a");
        Progress after = before.withAttempt("a", true, T1).withCurrent("b");

        assertThat(before.exercises()).isEmpty();
        assertThat(before.current()).isEqualTo("a");
        assertThat(after.current()).isEqualTo("b");
    }

    @Test
    void exercisesMapCannotBeChangedFromOutside() {
        Progress p = Progress.empty().withHintTaken("a");

        assertThatThrownBy(() -> p.exercises().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void blankIdsAreRejectedWithTheBadValue() {
        assertThatThrownBy(() -> Progress.empty().withHintTaken(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("' '");
        assertThatThrownBy(() -> new Progress(Progress.SCHEMA_VERSION, Map.of("", ExerciseProgress.notStarted()), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
