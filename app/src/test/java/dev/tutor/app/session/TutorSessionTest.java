package dev.tutor.app.session;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The session's life: what it makes, and what it refuses to make once the tutor is closing. */
class TutorSessionTest {
    @Test
    void aClosedSessionMakesNoGraderSoAWarmUpStillStartingLeavesNoTestJvmBehind() {
        TutorSession session = new TutorSession(warning -> { });
        session.close();

        assertThatThrownBy(session::grader).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closing");
    }
}
