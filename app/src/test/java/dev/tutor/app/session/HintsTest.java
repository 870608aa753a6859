package dev.tutor.app.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import org.junit.jupiter.api.Test;

class HintsTest {
    private final Exercise exercise = StandingTest.COURSE.requireExercise("a");

    @Test
    void takingAHintShowsOnlyTheNextOneAndCountsOnlyIt() {
        Hints.Shown first = Hints.takeNext(exercise, Progress.empty()).orElseThrow();
        assertThat(first.number()).isEqualTo(1);
        assertThat(first.text()).isEqualTo("first a");
        assertThat(first.progress().exercise("a").hintsTaken()).isEqualTo(1);
        Hints.Shown second = Hints.takeNext(exercise, first.progress()).orElseThrow();
        assertThat(second.text()).isEqualTo("second a");
        assertThat(second.last()).isFalse();
        assertThat(second.progress().current()).isEqualTo("a");
    }

    @Test
    void afterTheLastHintThereIsNoneToTake() {
        Progress p = Progress.empty();
        for (int i = 0; i < 3; i++) {
            p = Hints.takeNext(exercise, p).orElseThrow().progress();
        }
        assertThat(Hints.takeNext(exercise, p)).isEmpty();
    }

    @Test
    void takingUpToAHintCountsEveryHintBeforeIt() {
        Hints.Shown shown = Hints.takeUpTo(exercise, Progress.empty(), 2).orElseThrow();
        assertThat(shown.number()).isEqualTo(2);
        assertThat(shown.progress().exercise("a").hintsTaken()).isEqualTo(2);
        assertThat(Hints.takeUpTo(exercise, shown.progress(), 2)).isEmpty();
    }
}
