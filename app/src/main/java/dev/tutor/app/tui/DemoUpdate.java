package dev.tutor.app.tui;

import dev.tutor.app.course.Lesson;
import dev.tutor.app.session.LearnerDemos;
import dev.tutor.app.tui.Key.Kind;
import dev.tutor.app.tui.demo.DemoState;
import dev.tutor.app.tui.demo.DemoState.Phase;
import dev.tutor.app.tui.demo.DemoState.Scenario;
import java.util.Map;

/**
 * The demo runner's part of {@link Update}: opening a lesson's demo, its keys, and the traces arriving. Pure;
 * the demo itself runs in {@link DemoRunner}, told what to do by effects.
 */
final class DemoUpdate {
    /** The scenario of each timeline a lesson may name in the manifest ({@code timeline = "..."}). */
    private static final Map<String, Scenario> TIMELINES = Map.of("two-cpu", Scenario.TWO_CPU, "cpu-and-io",
            Scenario.CPU_AND_IO);

    private DemoUpdate() {
    }

    /** Whether {@code v} draws the GIL timeline in the lesson being read. */
    static boolean hasGilTimeline(TutorState s) {
        return scenarioOf(s) != null;
    }

    /** The GIL scenario the lesson being read names in the manifest, or null. */
    private static Scenario scenarioOf(TutorState s) {
        return s.course().lesson(s.reader().lessonId()).map(Lesson::timeline).map(TIMELINES::get).orElse(null);
    }

    /** {@code d} in the reader: the lesson's demo program, on the real terminal; a notice when it has none. */
    static Next runLessonDemo(TutorState s) {
        if (s.course().lesson(s.reader().lessonId()).map(lesson -> lesson.demos().isEmpty()).orElse(true)) {
            return Next.of(s.withNotice("This lesson has no demo; t shows the event loop at work."));
        }
        return Next.of(s, new Effect.RunLessonDemo(s.reader().lessonId()));
    }

    /**
     * {@code m} in the reader: the lesson's demo on the learner's own code, where the lesson has one, once its
     * exercise passes; before that, one line saying so and nothing runs.
     */
    static Next runLearnerDemo(TutorState s) {
        Lesson lesson = s.course().lesson(s.reader().lessonId()).orElse(null);
        if (lesson == null || lesson.learnerDemo() == null) {
            return Next.of(s.withNotice("This lesson has no demo for your own code; d runs its demo."));
        }
        if (!LearnerDemos.unlocked(lesson, s.learner().progress())) {
            // One line of the footer, 78 columns at the smallest screen: the full screen's own words, shorter than
            // the command line's.
            String exercise = lesson.learnerDemo().exercise();
            return Next.of(s.withNotice(s.course().requireExercise(exercise).mainFileName() + " must pass " + exercise
                    + " first; then press m again."));
        }
        // Compiling the learner's class takes a moment: say so, and do it off the UI thread.
        return Next.of(s.withNotice("Compiling your " + lesson.learnerDemo().exercise() + " for the demo…"),
                new Effect.PrepareLearnerDemo(lesson.id()));
    }

    /** The learner's code for the demo is compiled: lend it the terminal, or say in one line why not. */
    static Next learnerDemoPrepared(TutorState s, LearnerDemos.Prepared prepared) {
        return switch (prepared) {
            case LearnerDemos.Ready ready -> Next.of(s.withNotice(""), new Effect.RunLearnerDemo(ready));
            case LearnerDemos.Refused refused -> Next.of(s.withNotice(refused.message()));
        };
    }

    /** {@code v} in the reader: the GIL timeline, where the lesson has one. */
    static Next openGilTimeline(TutorState s) {
        Scenario scenario = scenarioOf(s);
        if (scenario == null) {
            return Next.of(s.withNotice("This lesson has no GIL timeline; d runs its demo, t shows the event loop."));
        }
        DemoState d = DemoState.gil(s.reader().lessonId(), scenario, nextRun(s));
        if (scenario == Scenario.CPU_AND_IO) {
            // The convoy has nothing to measure before it runs: its question is read off the io lane.
            DemoState running = d.withPhase(Phase.RUNNING, 0);
            return Next.of(s.openDemo(running), start(running));
        }
        return Next.of(s.openDemo(d));
    }

    /** {@code t} in any lesson: the event-loop trace. */
    static Next openLoop(TutorState s) {
        DemoState d = DemoState.loop(s.reader().lessonId(), nextRun(s));
        return Next.of(s.openDemo(d), new Effect.StartDemo(d.run(), DemoState.Kind.LOOP, d.scenario(), d.settings()));
    }

    /** Whether {@code s} opens the echo servers' meters in the lesson being read. */
    static boolean hasMeters(TutorState s) {
        return s.course().lesson(s.reader().lessonId()).map(Lesson::meters).orElse(false);
    }

    /** {@code s} in the reader: three echo servers' live meters, where the lesson has them (7 to 9). */
    static Next openMeters(TutorState s) {
        if (!hasMeters(s)) {
            return Next.of(s.withNotice("The echo servers' meters are in lessons 7 to 9; t shows the event loop."));
        }
        DemoState d = DemoState.meters(s.reader().lessonId(), nextRun(s));
        return Next.of(s.openDemo(d), start(d));
    }

    private static int nextRun(TutorState s) {
        return s.demo() == null ? 1 : s.demo().run() + 1;
    }

    static Next key(TutorState s, Key key) {
        DemoState d = s.demo();
        if (key.kind() == Kind.ESCAPE || key.kind() == Kind.BACKSPACE || key.kind() == Kind.LEFT) {
            // The run number moves on, so late messages of the stopped demo are dropped.
            DemoState stopped = d.withRun(d.run() + 1, d.scenario());
            return Next.of(s.withDemo(stopped).withFocus(Focus.LESSON), new Effect.StopDemo());
        }
        if (d.phase() == Phase.PREDICT) {
            if (key.is('1') || key.is('2') || key.is('3')) {
                return Next.of(s.withDemo(d.withPhase(Phase.MEASURING, key.ch() - '0')), new Effect.MeasureGil(d.run()));
            }
            return Next.of(s);
        }
        if (d.phase() == Phase.MEASURING) {
            return Next.of(s);
        }
        DemoState.Settings set = d.settings();
        if (key.is(' ')) {
            return control(s, d, set.withPaused(!set.paused()));
        }
        if (d.kind() == DemoState.Kind.METERS) {
            return Next.of(s); // live meters: no steps and no speed, only a pause
        }
        if (key.is('.')) {
            return set.paused() ? Next.of(s, new Effect.StepDemo()) : Next.of(s);
        }
        if (key.is('+') || key.is('=')) {
            return control(s, d, set.withSpeed(set.speed() + 1));
        }
        if (key.is('-') || key.is('_')) {
            return control(s, d, set.withSpeed(set.speed() - 1));
        }
        if (d.kind() == DemoState.Kind.GIL) {
            if (key.is('[')) {
                return control(s, d, set.withInterval(set.interval() - 1));
            }
            if (key.is(']')) {
                return control(s, d, set.withInterval(set.interval() + 1));
            }
            if (key.is('f')) {
                return Next.of(s.withDemo(d.withShowFree(!d.showFree())));
            }
            if (key.is('s')) {
                DemoState next = d.withRun(d.run() + 1, d.scenario().next());
                return Next.of(s.withDemo(next), start(next));
            }
        }
        return Next.of(s);
    }

    private static Next control(TutorState s, DemoState d, DemoState.Settings set) {
        return set.equals(d.settings()) ? Next.of(s)
                : Next.of(s.withDemo(d.withSettings(set)), new Effect.ControlDemo(set));
    }

    static Effect start(DemoState d) {
        return new Effect.StartDemo(d.run(), d.kind(), d.scenario(), d.settings());
    }

    /** A demo message: folded into the state when it belongs to the run on screen, dropped otherwise. */
    static Next message(TutorState s, Msg msg) {
        DemoState d = s.demo();
        if (d == null || s.focus() != Focus.DEMO) {
            return Next.of(s);
        }
        return switch (msg) {
            case Msg.GilTraced t when t.run() == d.run() -> Next.of(s.withDemo(d.withGil(
                    d.gil().plus(t.withGil(), t.gilStats(), t.clockNanos()),
                    d.free().plus(t.freeThreaded(), null, t.clockNanos()))));
            case Msg.LoopTraced t when t.run() == d.run() -> Next.of(s.withDemo(d.withLoop(d.loop().plus(t.events()))));
            case Msg.MetersRead m when m.run() == d.run() -> Next.of(s.withDemo(d.withMeters(m.board())));
            case Msg.GilMeasured m when m.run() == d.run() -> {
                DemoState measured = d.withMeasurement(m.measurement());
                yield Next.of(s.withDemo(measured), start(measured));
            }
            case Msg.DemoFailed f when f.run() == d.run() -> Next.of(s.withDemo(d.withMessage(f.message())));
            default -> Next.of(s);
        };
    }
}
