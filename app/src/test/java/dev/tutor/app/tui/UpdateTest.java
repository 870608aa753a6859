package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.TestFailure;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.progress.ExerciseStatus;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.tui.Key.Kind;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.tui.text.Line;
import dev.tutor.app.workspace.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpdateTest {
    private static TutorState press(TutorState s, Key... keys) {
        for (Key key : keys) {
            s = Update.update(s, new Msg.KeyPressed(key)).state();
        }
        return s;
    }

    @Test
    void arrowKeysMoveTheSelectionWithinTheCourseMap() {
        TutorState s = TuiFixtures.state(80, 24);
        assertThat(press(s, Key.of(Kind.DOWN)).selected()).isEqualTo(1);
        assertThat(press(s, Key.of(Kind.DOWN), Key.of(Kind.DOWN), Key.of(Kind.DOWN), Key.of(Kind.DOWN)).selected())
                .isEqualTo(2);
        assertThat(press(s, Key.of(Kind.UP)).selected()).isZero();
    }

    @Test
    void enterOnALessonOpensTheReaderAtItsTop() {
        TutorState s = press(TuiFixtures.state(80, 24), Key.of(Kind.ENTER));
        assertThat(s.focus()).isEqualTo(Focus.LESSON);
        assertThat(s.reader().lessonId()).isEqualTo("waiting");
        assertThat(s.reader().scroll()).isZero();
    }

    @Test
    void theFirstFrameNeedsNoTextAndALessonOpenedBeforeTheTextsArriveSaysSoUntilTheyDo() {
        CourseTexts all = TuiFixtures.texts();
        CourseTexts pending = CourseTexts.pending(TuiFixtures.course(), new Workspace(Path.of("/ws")));
        TutorState withAll = TutorState.initial(TuiFixtures.course(), all, Progress.empty(), 80, 24,
                Glyphs.UNICODE.monochrome());
        TutorState early = TutorState.initial(TuiFixtures.course(), pending, Progress.empty(), 80, 24,
                Glyphs.UNICODE.monochrome());
        assertThat(Views.render(early).text()).isEqualTo(Views.render(withAll).text());

        TutorState panel = press(early, Key.of(Kind.DOWN), Key.of(Kind.ENTER));
        assertThat(Views.render(panel).text()).contains(all.filePaths("workload-probe"));

        TutorState lesson = press(early, Key.of(Kind.ENTER));
        assertThat(Views.render(lesson).text()).contains(CourseTexts.READING).doesNotContain("First paragraph");
        TutorState read = Update.update(lesson, new Msg.TextsRead(all)).state();
        assertThat(Views.render(read).text()).contains("First paragraph").doesNotContain(CourseTexts.READING);
        assertThat(Views.render(read).text()).isEqualTo(Views.render(press(withAll, Key.of(Kind.ENTER))).text());
    }

    @Test
    void enterOnAnExerciseOpensItsPanelAndEscapeGoesBackToItsRow() {
        TutorState s = press(TuiFixtures.state(80, 24), Key.of(Kind.DOWN), Key.of(Kind.ENTER));
        assertThat(s.focus()).isEqualTo(Focus.EXERCISE);
        assertThat(s.panel().exerciseId()).isEqualTo("workload-probe");
        TutorState back = press(s, Key.of(Kind.ESCAPE));
        assertThat(back.focus()).isEqualTo(Focus.COURSE_MAP);
        assertThat(back.selected()).isEqualTo(1);
    }

    @Test
    void openingAnExerciseFromTheMapOrItsLessonReadiesTheGraderForItsFirstSave() {
        TutorState map = TuiFixtures.state(80, 24);
        assertThat(Update.update(map, new Msg.KeyPressed(Key.of(Kind.DOWN))).effects()).isEmpty();
        TutorState onExercise = press(map, Key.of(Kind.DOWN));
        assertThat(Update.update(onExercise, new Msg.KeyPressed(Key.of(Kind.ENTER))).effects())
                .containsExactly(new Effect.PrepareGrading("workload-probe"));
        TutorState lesson = press(map, Key.of(Kind.ENTER));
        assertThat(Update.update(lesson, new Msg.KeyPressed(Key.ch('e'))).effects())
                .containsExactly(new Effect.PrepareGrading("workload-probe"));
        assertThat(Update.update(map, new Msg.KeyPressed(Key.of(Kind.ENTER))).effects())
                .as("a lesson opened: nothing to grade yet").isEmpty();
    }

    @Test
    void theMapResumesAtTheExerciseTheLearnerWasOn() {
        TutorState s = TutorState.initial(TuiFixtures.course(), TuiFixtures.texts(), TuiFixtures.progressAfter(false),
                80, 24, Glyphs.ASCII);
        assertThat(s.selected()).isEqualTo(1);
    }

    @Test
    void pageDownScrollsTheLessonAndEndStopsAtItsLastPage() {
        TutorState s = press(TuiFixtures.state(80, 24), Key.of(Kind.ENTER), Key.of(Kind.PAGE_DOWN));
        assertThat(s.reader().scroll()).isEqualTo(20);
        TutorState end = press(s, Key.of(Kind.END), Key.of(Kind.DOWN));
        assertThat(end.reader().scroll()).isEqualTo(LessonView.maxScroll(end)).isPositive();
    }

    @Test
    void aFinishedGradingPutsTheVerdictAndTheNewProgressInThePanel() {
        TutorState s = press(TuiFixtures.state(80, 24), Key.of(Kind.DOWN), Key.of(Kind.ENTER));
        s = Update.update(s, new Msg.GradingStarted("workload-probe", 1_000)).state();
        assertThat(s.learner().grade("workload-probe")).isInstanceOf(GradeStatus.Grading.class);
        s = Update.update(s, new Msg.GradeFinished("workload-probe", TuiFixtures.failed(),
                TuiFixtures.progressAfter(false), "return Duration.ZERO;", false)).state();
        assertThat(s.learner().grade("workload-probe")).isInstanceOf(GradeStatus.Graded.class);
        assertThat(s.learner().progress().exercise("workload-probe").status()).isEqualTo(ExerciseStatus.FAILING);
        assertThat(Views.render(s).text()).contains("failed: 1 test failed", "wallTimeCoversTheWholeTask",
                "WorkloadProbe.java:12", "return Duration.ZERO;", "measure() reported 0 ns");
    }

    @Test
    void ticksMoveTheClockOnlyWhileSomethingIsBeingGraded() {
        TutorState idle = TuiFixtures.state(80, 24);
        assertThat(Update.update(idle, new Msg.Tick(5)).state()).isSameAs(idle);
        TutorState grading = Update.update(idle, new Msg.GradingStarted("workload-probe", 1)).state();
        assertThat(Update.update(grading, new Msg.Tick(1_500_000_001L)).state().now()).isEqualTo(1_500_000_001L);
    }

    @Test
    void aTerminalBelowTheMinimumShowsTheSizeItNeeds() {
        TutorState s = Update.update(TuiFixtures.state(80, 24), new Msg.Resized(60, 20)).state();
        assertThat(s.display().tooSmall()).isTrue();
        assertThat(Views.render(s).text()).contains("at least 80x24", "This one is 60x20");
        TutorState enlarged = Update.update(s, new Msg.Resized(100, 30)).state();
        assertThat(Views.render(enlarged).text()).contains("Lesson 1", "workload-probe");
    }

    @Test
    void questionMarkOpensHelpAndAnyKeyClosesIt() {
        TutorState s = press(TuiFixtures.state(80, 24), Key.ch('?'));
        assertThat(s.help()).isTrue();
        assertThat(Views.render(s).text()).contains("show the next hint", "quit");
        assertThat(press(s, Key.ch('?')).help()).isFalse();
    }

    @Test
    void qAndCtrlCQuitFromAnyScreen() {
        TutorState lesson = press(TuiFixtures.state(80, 24), Key.of(Kind.ENTER));
        assertThat(Update.update(lesson, new Msg.KeyPressed(Key.ch('q'))).effects()).containsExactly(new Effect.Quit());
        assertThat(Update.update(lesson, new Msg.KeyPressed(Key.ctrl('c'))).effects())
                .containsExactly(new Effect.Quit());
    }

    @Test
    void hShowsOneMoreHintAndRecordsIt() {
        TutorState s = press(TuiFixtures.state(80, 24), Key.of(Kind.DOWN), Key.of(Kind.ENTER));
        Next next = Update.update(s, new Msg.KeyPressed(Key.ch('h')));
        assertThat(next.state().panel().hintsShown()).isEqualTo(1);
        assertThat(next.effects()).containsExactly(new Effect.SaveHintTaken("workload-probe"));
        assertThat(Views.render(next.state()).text()).contains("Read System.nanoTime() twice.");
    }

    @Test
    void theSolutionIsShownOnlyAfterAYesBeforeAPass() {
        TutorState s = press(TuiFixtures.state(80, 24), Key.of(Kind.DOWN), Key.of(Kind.ENTER), Key.ch('s'));
        assertThat(s.panel().solution()).isEqualTo(Panel.SolutionView.ASKING);
        assertThat(Views.render(s).text()).contains("Show the reference solution? (y/n)");
        assertThat(press(s, Key.ch('n')).panel().solution()).isEqualTo(Panel.SolutionView.HIDDEN);
        Next yes = Update.update(s, new Msg.KeyPressed(Key.ch('y')));
        assertThat(yes.effects()).containsExactly(new Effect.SaveSolutionViewed("workload-probe"));
        assertThat(Views.render(yes.state()).text()).contains("the answer");
    }

    @Test
    void afterAPassTheSolutionNeedsNoConfirmation() {
        TutorState s = press(TuiFixtures.state(80, 24), Key.of(Kind.DOWN), Key.of(Kind.ENTER));
        s = Update.update(s, new Msg.GradeFinished("workload-probe", TuiFixtures.passed(),
                TuiFixtures.progressAfter(true), "", false)).state();
        assertThat(Views.render(s).text()).contains("Passed", "n next exercise");
        assertThat(press(s, Key.ch('s')).panel().solution()).isEqualTo(Panel.SolutionView.SHOWN);
    }

    private static GradeReport failedFittingHint(int hint) {
        TestFailure failure = new TestFailure("usesTheCpuClock", "measured with the wall clock", "AssertionError",
                "WorkloadProbe.java:20", List.of("hint:" + hint));
        return new GradeReport("workload-probe", new Verdict.TestsFailed(List.of(failure), 1, 1), "", 0,
                Duration.ofMillis(300), GradeReport.Phases.NONE);
    }

    @Test
    void oneKeyShowsTheHintTheVerdictPointsToAndCountsTheOnesBeforeIt() {
        TutorState s = press(TuiFixtures.state(100, 30), Key.of(Kind.DOWN), Key.of(Kind.ENTER));
        s = Update.update(s, new Msg.GradeFinished("workload-probe", failedFittingHint(2),
                TuiFixtures.progressAfter(false), "", false)).state();
        assertThat(Views.render(s).text()).contains("Hint 2 fits this mistake: press h to see it.");
        Next next = Update.update(s, new Msg.KeyPressed(Key.ch('h')));
        assertThat(next.state().panel().hintsShown()).isEqualTo(2);
        assertThat(next.state().learner().progress().exercise("workload-probe").hintsTaken()).isEqualTo(2);
        assertThat(next.effects()).containsExactly(new Effect.SaveHintTaken("workload-probe"),
                new Effect.SaveHintTaken("workload-probe"));
        assertThat(Views.render(next.state()).text()).contains("Use the thread's CPU clock.", "(shown below)");
        assertThat(press(next.state(), Key.ch('h')).panel().hintsShown()).isEqualTo(3);
    }

    @Test
    void anUntouchedStubIsNotStartedNotAMistakeWithAHint() {
        TutorState s = press(TuiFixtures.state(100, 30), Key.of(Kind.DOWN), Key.of(Kind.ENTER));
        s = Update.update(s, new Msg.GradeFinished("workload-probe", failedFittingHint(1), Progress.empty()
                .withCurrent("workload-probe"), "", true)).state();
        assertThat(Views.render(s).text()).contains("Not started yet", "/ws/src/main/java/" + TuiFixtures.FILE)
                .doesNotContain("Hint 1 fits");
        assertThat(press(s, Key.ch('h')).panel().hintsShown()).isEqualTo(1);
    }

    @Test
    void aVerdictThatArrivesWhileTheLearnerReadsIsNoticedOnTheLessonScreenUntilTheNextKey() {
        TutorState s = press(TuiFixtures.state(100, 30), Key.of(Kind.ENTER));
        assertThat(s.focus()).isEqualTo(Focus.LESSON);
        s = Update.update(s, new Msg.GradeFinished("workload-probe", TuiFixtures.failed(),
                TuiFixtures.progressAfter(false), "", false)).state();
        String bottom = Views.render(s).lines().getLast().text();
        assertThat(bottom).contains("workload-probe: failed: 1 test failed");
        TutorState after = press(s, Key.of(Kind.DOWN));
        assertThat(Views.render(after).lines().getLast().text()).doesNotContain("workload-probe");
    }

    @Test
    void theMapPointsAtTheNextUnfinishedExerciseAndRSelectsIt() {
        Progress passedTheFirst = TuiFixtures.progressAfter(true);
        TutorState s = TutorState.initial(TuiFixtures.twoExerciseCourse(), TuiFixtures.texts(), passedTheFirst,
                100, 30, Glyphs.UNICODE.monochrome());
        String next = TuiFixtures.SECOND;
        assertThat(s.selected()).isEqualTo(CourseMapRows.indexOfExercise(s.course(), next));
        assertThat(Views.render(s).text()).contains("Next up: " + next + ": it is selected");
        TutorState moved = press(s, Key.of(Kind.HOME));
        assertThat(Views.render(moved).text()).contains("Next up: " + next + " (press r to select it)");
        assertThat(press(moved, Key.ch('r')).selected()).isEqualTo(s.selected());
    }

    @Test
    void theSolutionIsShownAsTheDifferencesFromTheFileAsGradedThenInFull() {
        String reference = "class WorkloadProbe {\n    long measure() {\n        return System.nanoTime();\n    }\n}\n";
        String yours = "class WorkloadProbe {\n    long measure() {\n        return System.currentTimeMillis();\n    }\n}\n";
        CourseTexts texts = new CourseTexts(TuiFixtures.texts().lessonMarkdown(), Map.of("workload-probe", reference),
                TuiFixtures.texts().filePaths(), Map.of(TuiFixtures.FILE, reference), true);
        TutorState s = TutorState.initial(TuiFixtures.course(), texts, Progress.empty(), 100, 40,
                Glyphs.UNICODE.monochrome());
        s = press(s, Key.of(Kind.DOWN), Key.of(Kind.ENTER));
        s = Update.update(s, new Msg.GradeFinished("workload-probe", TuiFixtures.passed(),
                TuiFixtures.progressAfter(true), "", false, Map.of(TuiFixtures.FILE, yours))).state();
        TutorState shown = press(s, Key.ch('s'));
        List<String> lines = ExercisePanelView.lines(shown).stream().map(Line::text).toList();
        int diff = lines.indexOf(lines.stream().filter(l -> l.contains("against the reference")).findFirst()
                .orElseThrow());
        assertThat(lines.subList(diff, lines.size())).contains("  -         return System.currentTimeMillis();",
                "  +         return System.nanoTime();");
        assertThat(lines.stream().filter(l -> l.contains("Reference solution")).count()).isEqualTo(1);
        assertThat(shown.panel().scroll()).isLessThanOrEqualTo(diff);
    }
}
