package dev.tutor.app.tui;

import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.LearnerDemos;
import dev.tutor.app.tui.demo.GilMeasurement;
import dev.tutor.app.tui.demo.MeterBoard;
import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilStats;
import dev.tutor.runtime.loop.LoopEvent;
import java.util.List;
import java.util.Map;

/**
 * Something that happened, for {@link Update} to react to: the only way anything reaches the screen's state.
 *
 * <p>The UI thread makes key and resize messages; the gradings and the ticker make the
 * others and only ever put them on the UI thread's queue. Names are in the past tense.
 */
sealed interface Msg {
    /** The learner pressed a key. */
    record KeyPressed(Key key) implements Msg {
    }

    /** The terminal is now {@code cols} by {@code rows}. */
    record Resized(int cols, int rows) implements Msg {
    }

    /** The grader began on {@code exerciseId} at {@code nanos} (System.nanoTime). */
    record GradingStarted(String exerciseId, long nanos) implements Msg {
    }

    /**
     * The grader's verdict on {@code exerciseId}, with the progress as recorded after it, the text of the
     * learner's line the verdict points to (empty when it points nowhere in their files), whether the files
     * graded were still the untouched stub, and those files as graded.
     */
    record GradeFinished(String exerciseId, GradeReport report, Progress progress, String learnerLine,
                         boolean untouched, Map<String, String> sources) implements Msg {
        public GradeFinished {
            learnerLine = learnerLine == null ? "" : learnerLine;
            sources = Map.copyOf(sources);
        }

        GradeFinished(String exerciseId, GradeReport report, Progress progress, String learnerLine,
                      boolean untouched) {
            this(exerciseId, report, progress, learnerLine, untouched, Map.of());
        }
    }

    /** Grading could not even start, for example because the learner's file is gone; {@code message} says why. */
    record GradeFailed(String exerciseId, String message) implements Msg {
    }

    /** The lessons and solutions were read from tutor.jar, after the first frame: see {@link CourseTexts}. */
    record TextsRead(CourseTexts texts) implements Msg {
    }

    /** The progress on disk changed (a hint taken, the solution viewed). */
    record ProgressSaved(Progress progress) implements Msg {
    }

    /** Time passed; it is now {@code nanos} (System.nanoTime). Drives the spinner and the elapsed time. */
    record Tick(long nanos) implements Msg {
    }

    /**
     * One frame of the GIL demo {@code run}: the events of the panel with the GIL and of the free-threaded panel
     * since the last frame, their counters, and the demo clock's time at the end of the frame.
     */
    record GilTraced(int run, List<GilEvent> withGil, GilStats gilStats, List<GilEvent> freeThreaded,
                     long clockNanos) implements Msg {
        public GilTraced {
            withGil = List.copyOf(withGil);
            freeThreaded = List.copyOf(freeThreaded);
        }
    }

    /** The loop demo {@code run} ran a turn (or a few); these are its events, in order. */
    record LoopTraced(int run, List<LoopEvent> events) implements Msg {
        public LoopTraced {
            events = List.copyOf(events);
        }
    }

    /** The meters of demo {@code run} took a look at their three echo servers. */
    record MetersRead(int run, MeterBoard board) implements Msg {
    }

    /** The predict-then-measure run {@code run} finished: see {@link GilMeasurement}. */
    record GilMeasured(int run, GilMeasurement measurement) implements Msg {
    }

    /** A demo could not run; {@code message} says why. */
    record DemoFailed(int run, String message) implements Msg {
    }

    /** The learner's code for a lesson's demo was compiled, or could not be: ready to run, or why not. */
    record LearnerDemoPrepared(LearnerDemos.Prepared prepared) implements Msg {
    }
}
