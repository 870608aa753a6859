package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rehearsal draws the exercise panel with each kind of verdict, so that the first real one finds it warm. */
class VerdictRehearsalTest {
    @Test
    void drawsTheFirstExercisesPanelWithACompileErrorAFailedTestAndAPass() {
        TutorState start = TuiFixtures.state(100, 40);
        List<String> drawn = VerdictRehearsal.run(start);

        assertThat(drawn).hasSize(7); // the panel, then each verdict while graded and once in
        assertThat(drawn.get(0)).contains("workload-probe");
        assertThat(drawn.get(2)).contains("';' expected");
        assertThat(drawn.get(4)).contains("expected 2 but was 1");
        assertThat(drawn.get(6)).containsIgnoringCase("passed");
        assertThat(drawn.get(6)).isNotEqualTo(drawn.get(4)).isNotEqualTo(drawn.get(2));
    }

    @Test
    void leavesTheStateItWasGivenAsItWas() {
        TutorState start = TuiFixtures.state(100, 40);
        String before = Views.render(start).text();
        VerdictRehearsal.run(start);
        assertThat(Views.render(start).text()).isEqualTo(before);
        assertThat(start.focus()).isEqualTo(Focus.COURSE_MAP);
    }
}
