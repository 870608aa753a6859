package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.LearnerDemo;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.LearnerDemos;
import dev.tutor.app.tui.Key.Kind;
import dev.tutor.app.tui.demo.DemoFixtures;
import dev.tutor.app.tui.demo.DemoState;
import dev.tutor.app.tui.demo.GilMeasurement;
import dev.tutor.app.tui.text.Glyphs;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo runner's keys and messages, as pure calls of {@link Update#update}. */
class DemoUpdateTest {
    private static Next press(TutorState s, Key key) {
        return Update.update(s, new Msg.KeyPressed(key));
    }

    private static TutorState gilLesson() {
        return TuiFixtures.stateWithTimelines(80, 24).openLesson("gil");
    }

    private static TutorState running() {
        TutorState asked = press(press(gilLesson(), Key.ch('v')).state(), Key.ch('3')).state();
        return Update.update(asked, new Msg.GilMeasured(1, new GilMeasurement(1.1, 0.5, 100))).state();
    }

    @Test
    void vInTheGilLessonAsksForAPredictionBeforeAnythingRuns() {
        Next next = press(gilLesson(), Key.ch('v'));
        assertThat(next.state().focus()).isEqualTo(Focus.DEMO);
        assertThat(next.state().demo().phase()).isEqualTo(DemoState.Phase.PREDICT);
        assertThat(next.state().demo().scenario()).isEqualTo(DemoState.Scenario.TWO_CPU);
        assertThat(next.effects()).isEmpty();
    }

    @Test
    void theThreadsIoLessonOpensOnTheConvoyRunningAtOnceWithNoCpuSplitToPredict() {
        Next next = press(TuiFixtures.stateWithTimelines(80, 24).openLesson("threadsio"), Key.ch('v'));
        assertThat(next.state().demo().scenario()).isEqualTo(DemoState.Scenario.CPU_AND_IO);
        assertThat(next.state().demo().phase()).isEqualTo(DemoState.Phase.RUNNING);
        assertThat(next.effects()).containsExactly(new Effect.StartDemo(1, DemoState.Kind.GIL,
                DemoState.Scenario.CPU_AND_IO, DemoState.Settings.DEFAULT));
    }

    @Test
    void aGuessStartsTheMeasurementAndItsResultStartsTheTimeline() {
        Next guessed = press(press(gilLesson(), Key.ch('v')).state(), Key.ch('3'));
        assertThat(guessed.state().demo().guess()).isEqualTo(3);
        assertThat(guessed.state().demo().phase()).isEqualTo(DemoState.Phase.MEASURING);
        assertThat(guessed.effects()).containsExactly(new Effect.MeasureGil(1));

        Next measured = Update.update(guessed.state(), new Msg.GilMeasured(1, new GilMeasurement(1.1, 0.5, 100)));
        assertThat(measured.state().demo().phase()).isEqualTo(DemoState.Phase.RUNNING);
        assertThat(measured.effects()).containsExactly(new Effect.StartDemo(1, DemoState.Kind.GIL,
                DemoState.Scenario.TWO_CPU, DemoState.Settings.DEFAULT));
    }

    @Test
    void spacePausesAndADotStepsOnlyWhilePaused() {
        TutorState s = running();
        assertThat(press(s, Key.ch('.')).effects()).isEmpty();
        Next paused = press(s, Key.ch(' '));
        assertThat(paused.state().demo().settings().paused()).isTrue();
        assertThat(paused.effects()).containsExactly(new Effect.ControlDemo(new DemoState.Settings(true, 2, 2)));
        assertThat(press(paused.state(), Key.ch('.')).effects()).containsExactly(new Effect.StepDemo());
    }

    @Test
    void plusMinusAndBracketsChangeSpeedAndSwitchIntervalWithinTheirRange() {
        TutorState s = running();
        TutorState faster = press(press(press(s, Key.ch('+')).state(), Key.ch('+')).state(), Key.ch('+')).state();
        assertThat(faster.demo().settings().speed()).isEqualTo(DemoState.SPEEDS.length - 1);
        Next longer = press(s, Key.ch(']'));
        assertThat(longer.state().demo().settings().switchIntervalMicros()).isEqualTo(10_000);
        assertThat(longer.effects()).containsExactly(new Effect.ControlDemo(new DemoState.Settings(false, 2, 3)));
        assertThat(press(s, Key.ch('[')).state().demo().settings().switchIntervalMicros()).isEqualTo(2_000);
    }

    @Test
    void sSwitchesScenarioAsANewRunAndFHidesTheFreeThreadedPanel() {
        TutorState s = running();
        Next next = press(s, Key.ch('s'));
        assertThat(next.state().demo().run()).isEqualTo(2);
        assertThat(next.state().demo().scenario()).isEqualTo(DemoState.Scenario.CPU_AND_IO);
        assertThat(next.effects()).hasSize(1).first().isInstanceOf(Effect.StartDemo.class);
        assertThat(press(s, Key.ch('f')).state().demo().showFree()).isFalse();
    }

    @Test
    void tracesOfTheRunOnScreenAreFoldedInAndLateOnesDropped() {
        TutorState s = running();
        Msg current = new Msg.GilTraced(1, DemoFixtures.convoy(), DemoFixtures.convoyStats(), List.of(), 15_000_000);
        Msg late = new Msg.GilTraced(0, DemoFixtures.convoy(), DemoFixtures.convoyStats(), List.of(), 99_000_000);
        TutorState after = Update.update(Update.update(s, current).state(), late).state();
        assertThat(after.demo().gil().clockNanos()).isEqualTo(15_000_000);
        assertThat(after.demo().gil().events()).hasSize(DemoFixtures.convoy().size());
    }

    @Test
    void escapeStopsTheDemoAndGoesBackToTheLesson() {
        Next back = press(running(), Key.of(Kind.ESCAPE));
        assertThat(back.state().focus()).isEqualTo(Focus.LESSON);
        assertThat(back.effects()).containsExactly(new Effect.StopDemo());
        Msg stale = new Msg.LoopTraced(1, DemoFixtures.twoTurns());
        assertThat(Update.update(back.state(), stale).state()).isEqualTo(back.state());
    }

    @Test
    void tOpensTheEventLoopTraceFromAnyLessonAndStartsItAtOnce() {
        Next next = press(TuiFixtures.state(80, 24).openLesson("threads"), Key.ch('t'));
        assertThat(next.state().demo().kind()).isEqualTo(DemoState.Kind.LOOP);
        assertThat(next.effects()).containsExactly(new Effect.StartDemo(1, DemoState.Kind.LOOP,
                DemoState.Scenario.TWO_CPU, DemoState.Settings.DEFAULT));
        TutorState traced = Update.update(next.state(), new Msg.LoopTraced(1, DemoFixtures.twoTurns())).state();
        assertThat(traced.demo().loop().turns()).hasSize(2);
        assertThat(traced.demo().loop().slowCount()).isEqualTo(1);
    }

    @Test
    void sInASocketLessonOpensTheMetersAndStartsThemAtOnce() {
        TutorState lesson = TuiFixtures.stateWithMeters(100, 24).openLesson("selectors");
        assertThat(rows(lesson).getLast()).contains("s servers  t loop");
        Next next = press(lesson, Key.ch('s'));
        assertThat(next.state().focus()).isEqualTo(Focus.DEMO);
        assertThat(next.state().demo().kind()).isEqualTo(DemoState.Kind.METERS);
        assertThat(next.effects()).containsExactly(new Effect.StartDemo(1, DemoState.Kind.METERS,
                DemoState.Scenario.TWO_CPU, DemoState.Settings.DEFAULT));

        TutorState looked = Update.update(next.state(), new Msg.MetersRead(1, DemoFixtures.meterBoard())).state();
        assertThat(looked.demo().meters()).isEqualTo(DemoFixtures.meterBoard());
        Msg stale = new Msg.MetersRead(0, DemoFixtures.meterBoard());
        assertThat(Update.update(next.state(), stale).state()).isEqualTo(next.state());
    }

    @Test
    void theMetersPauseButHaveNoStepsOrSpeedsAndEscapeStopsThem() {
        TutorState open = press(TuiFixtures.stateWithMeters(100, 24).openLesson("selectors"), Key.ch('s')).state();
        Next paused = press(open, Key.ch(' '));
        assertThat(paused.effects()).containsExactly(new Effect.ControlDemo(DemoState.Settings.DEFAULT
                .withPaused(true)));
        assertThat(press(open, Key.ch('+')).effects()).isEmpty();
        assertThat(press(open, Key.ch('.')).effects()).isEmpty();
        Next back = press(open, Key.of(Kind.ESCAPE));
        assertThat(back.state().focus()).isEqualTo(Focus.LESSON);
        assertThat(back.effects()).containsExactly(new Effect.StopDemo());
        Msg late = new Msg.MetersRead(1, DemoFixtures.meterBoard());
        assertThat(Update.update(back.state(), late).state()).isEqualTo(back.state());
    }

    @Test
    void sOutsideTheSocketLessonsSaysWhereTheMetersAre() {
        TutorState lesson = TuiFixtures.state(100, 24).openLesson("threads");
        assertThat(rows(lesson).getLast()).doesNotContain("servers");
        Next next = press(lesson, Key.ch('s'));
        assertThat(next.state().focus()).isEqualTo(Focus.LESSON);
        assertThat(next.effects()).isEmpty();
        assertThat(next.state().notice()).contains("lessons 7 to 9");
    }

    @Test
    void dLendsTheTerminalToTheLessonsOwnDemoProgram() {
        TutorState lesson = TuiFixtures.state(80, 24).openLesson("threads");
        Next next = press(lesson, Key.ch('d'));
        assertThat(next.state().focus()).isEqualTo(Focus.LESSON);
        assertThat(next.effects()).containsExactly(new Effect.RunLessonDemo("threads"));
    }

    /** The fixture course whose "waiting" lesson runs a demo on the learner's workload-probe once it passes. */
    private static TutorState withLearnerDemo(Progress progress) {
        Course one = TuiFixtures.course();
        List<Lesson> lessons = new java.util.ArrayList<>(one.lessons());
        Lesson waiting = lessons.get(0);
        lessons.set(0, new Lesson(waiting.id(), waiting.number(), waiting.title(), waiting.topics(), waiting.text(),
                waiting.demos(), null, new LearnerDemo("workload-probe", "dev.tutor.lessons.waiting.MineDemo")));
        return TutorState.initial(new Course(one.topics(), lessons, one.exercises()), TuiFixtures.texts(), progress,
                80, 24, Glyphs.UNICODE.monochrome()).openLesson("waiting");
    }

    @Test
    void mRunsTheDemoOnTheLearnersCodeOnlyOnceItsExercisePasses() {
        Next before = press(withLearnerDemo(Progress.empty()), Key.ch('m'));
        assertThat(before.effects()).isEmpty();
        assertThat(before.state().notice()).isEqualTo("WorkloadProbe.java must pass workload-probe first; then press m"
                + " again.");
        assertThat(Views.render(before.state()).text()).as("the footer at 80x24").contains(before.state().notice());

        Next after = press(withLearnerDemo(Progress.empty().withAttempt("workload-probe", true, Instant.EPOCH)),
                Key.ch('m'));
        assertThat(after.effects()).containsExactly(new Effect.PrepareLearnerDemo("waiting"));
        assertThat(after.state().notice()).isEqualTo("Compiling your workload-probe for the demo…");
        LearnerDemos.Ready ready = new LearnerDemos.Ready("waiting", "workload-probe", List.of("java", "MineDemo"));
        Next compiled = Update.update(after.state(), new Msg.LearnerDemoPrepared(ready));
        assertThat(compiled.effects()).containsExactly(new Effect.RunLearnerDemo(ready));
        assertThat(compiled.state().notice()).isEmpty();
        Next refused = Update.update(after.state(), new Msg.LearnerDemoPrepared(new LearnerDemos.Refused(
                "MiniLoop.java:3: ';' expected (your mini-loop no longer compiles; fix it, then run this again)", false)));
        assertThat(refused.effects()).isEmpty();
        assertThat(refused.state().notice()).startsWith("MiniLoop.java:3: ';' expected");

        Next elsewhere = press(TuiFixtures.state(80, 24).openLesson("threads"), Key.ch('m'));
        assertThat(elsewhere.effects()).isEmpty();
        assertThat(elsewhere.state().notice()).isEqualTo("This lesson has no demo for your own code; d runs its demo.");
    }

    @Test
    void vOutsideTheGilLessonsSaysWhereTheTimelineIs() {
        TutorState s = press(TuiFixtures.state(80, 24).openLesson("threads"), Key.ch('v')).state();
        assertThat(s.focus()).isEqualTo(Focus.LESSON);
        assertThat(s.demo()).isNull();
        assertThat(s.notice()).contains("no GIL timeline", "d runs its demo");
    }

    @Test
    void theDemoScreenIsTheDemosBodyBetweenItsTitleAndItsKeys() {
        List<String> convoy = rows(TuiFixtures.state(80, 24).openDemo(DemoFixtures.convoyDemo()));
        assertThat(convoy.getFirst())
                .isEqualTo(" Concurrency Tutor › Demo · GIL timeline                             0/1 passed");
        assertThat(convoy.get(1)).startsWith("── GIL: a CPU-bound and an I/O-bound thread (convoy)");
        assertThat(convoy.getLast())
                .isEqualTo(" space pause  . step  + - speed  [ ] interval  s scenario  f free  esc back");

        List<String> loop = rows(TuiFixtures.state(100, 24).openDemo(DemoFixtures.loopDemo()));
        assertThat(loop.getFirst()).isEqualTo(" Concurrency Tutor › Demo · Event loop, turn by turn"
                + "                                     0/1 passed");
        assertThat(loop.getLast()).isEqualTo(" space pause  . step  + - speed  esc back  ? help");

        List<String> meters = rows(TuiFixtures.state(80, 24).openDemo(DemoFixtures.metersDemo()));
        assertThat(meters.getFirst()).startsWith(" Concurrency Tutor › Demo · Echo servers, live meters");
        assertThat(meters.getLast()).isEqualTo(" space pause  esc back  ? help");

        TutorState predicting = TuiFixtures.state(80, 24).openDemo(DemoState.gil("gil", DemoState.Scenario.TWO_CPU, 1));
        assertThat(rows(predicting).getLast()).isEqualTo(" 1 2 3 faster / same / slower  esc back  q quit");
    }

    private static List<String> rows(TutorState s) {
        return Views.render(s).text().lines().toList();
    }
}
