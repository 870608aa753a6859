package dev.tutor.app.tui;

import dev.tutor.app.session.LearnerDemos;
import dev.tutor.app.tui.demo.DemoState;

/**
 * Work that {@link Update} asks for and {@link EffectRunner} does, off the UI thread where it is slow. Names are
 * imperative.
 */
sealed interface Effect {
    /** Grade the learner's files of {@code exerciseId} now, or after the grading under way. */
    record RunGrade(String exerciseId) implements Effect {
    }

    /**
     * Ready the grader for a save of {@code exerciseId}, which the learner has just opened: its tests compiled and
     * a test JVM of the kind it needs waiting, before the first save rather than during it.
     */
    record PrepareGrading(String exerciseId) implements Effect {
    }

    /** Record in the progress file that the learner took a hint of {@code exerciseId}. */
    record SaveHintTaken(String exerciseId) implements Effect {
    }

    /** Record in the progress file that the learner viewed the solution of {@code exerciseId}. */
    record SaveSolutionViewed(String exerciseId) implements Effect {
    }

    /**
     * Lend the terminal to the lesson's demo program until it ends. Carried out on the UI thread, which owns
     * the screen it puts away.
     */
    record RunLessonDemo(String lessonId) implements Effect {
    }

    /**
     * Compile the learner's own code for the lesson's demo (lesson 10's trace from their MiniLoop), off the UI
     * thread; what came of it arrives as {@link Msg.LearnerDemoPrepared}.
     */
    record PrepareLearnerDemo(String lessonId) implements Effect {
    }

    /**
     * Lend the terminal to the lesson's demo on the learner's own code, prepared by {@link PrepareLearnerDemo}.
     * Carried out on the UI thread, as {@link RunLessonDemo}.
     */
    record RunLearnerDemo(LearnerDemos.Ready demo) implements Effect {
    }

    /** Leave the tutor, restoring the terminal. */
    record Quit() implements Effect {
    }

    /** Stop any demo under way and start {@code kind} as run {@code run}, with {@code settings}. */
    record StartDemo(int run, DemoState.Kind kind, DemoState.Scenario scenario, DemoState.Settings settings)
            implements Effect {
    }

    /** Apply new pause, speed and switch-interval settings to the demo under way. */
    record ControlDemo(DemoState.Settings settings) implements Effect {
    }

    /** Move the paused demo on by one frame. */
    record StepDemo() implements Effect {
    }

    /** Stop the demo under way, if any. */
    record StopDemo() implements Effect {
    }

    /** Time two CPU-bound threads against one, with the GIL and without, for run {@code run}. */
    record MeasureGil(int run) implements Effect {
    }
}
