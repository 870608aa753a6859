package dev.tutor.app.tui;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.Hints;
import dev.tutor.app.session.Standing;
import dev.tutor.app.tui.Effect.PrepareGrading;
import dev.tutor.app.tui.Effect.Quit;
import dev.tutor.app.tui.Effect.RunGrade;
import dev.tutor.app.tui.Effect.SaveHintTaken;
import dev.tutor.app.tui.Effect.SaveSolutionViewed;
import dev.tutor.app.tui.Key.Kind;
import dev.tutor.app.tui.Panel.SolutionView;
import dev.tutor.app.tui.demo.DemoState;
import java.util.List;

/**
 * The tutor's one decision-maker: given the state and a message, the next state and the effects to run.
 *
 * <p>A pure function: no I/O, no clock, no threads, so every key and verdict can be tested as a plain call.
 * Called only on the UI thread.
 */
final class Update {
    private Update() {
    }

    static Next update(TutorState s, Msg msg) {
        return switch (msg) {
            case Msg.Resized r -> Next.of(clampScrolls(s.withDisplay(s.display().withSize(r.cols(), r.rows()))));
            // Only a running grading shows time passing; otherwise the same state, so nothing is redrawn.
            case Msg.Tick t -> Next.of(s.learner().grading() || measuring(s) ? s.withNow(t.nanos()) : s);
            case Msg.GradingStarted g -> Next.of(s.withLearner(s.learner().withGrade(g.exerciseId(),
                    new GradeStatus.Grading(g.nanos()))).withNow(Math.max(s.now(), g.nanos())));
            case Msg.GradeFinished g -> Next.of(s.withLearner(s.learner().withGrade(g.exerciseId(),
                    new GradeStatus.Graded(g.report(), g.learnerLine(), g.untouched(), g.sources()))
                    .withProgress(g.progress())).withPanel(s.panel().withScroll(0))
                    .withNotice(s.focus() == Focus.EXERCISE && g.exerciseId().equals(s.panel().exerciseId()) ? ""
                            : g.untouched() ? g.exerciseId() + ": not started yet"
                            : (g.report().verdict().passed() ? s.display().glyphs().pass()
                            : s.display().glyphs().fail()) + " "
                            + g.exerciseId() + ": " + g.report().verdict().summary()));
            case Msg.GradeFailed g -> Next.of((g.exerciseId().isEmpty() ? s
                    : s.withLearner(s.learner().withGrade(g.exerciseId(), new GradeStatus.Failed(g.message()))))
                    .withNotice(g.message()));
            case Msg.TextsRead t -> Next.of(s.withTexts(t.texts()));
            case Msg.ProgressSaved p -> Next.of(s.withLearner(s.learner().withProgress(p.progress())));
            case Msg.KeyPressed k -> key(s, k.key());
            case Msg.GilTraced t -> DemoUpdate.message(s, t);
            case Msg.LoopTraced t -> DemoUpdate.message(s, t);
            case Msg.MetersRead m -> DemoUpdate.message(s, m);
            case Msg.GilMeasured m -> DemoUpdate.message(s, m);
            case Msg.DemoFailed f -> DemoUpdate.message(s, f);
            case Msg.LearnerDemoPrepared p -> DemoUpdate.learnerDemoPrepared(s, p.prepared());
        };
    }

    private static Next key(TutorState shown, Key key) {
        TutorState s = shown.notice().isEmpty() ? shown : shown.withNotice(""); // a notice lasts until a key
        if (key.ctrl() && key.ch() == 'c') {
            return Next.of(s, new Quit());
        }
        if (key.is('q') && s.panel().solution() != SolutionView.ASKING) {
            return Next.of(s, new Quit());
        }
        if (s.display().tooSmall()) {
            return Next.of(s); // nothing to act on until the learner can see it
        }
        if (s.help()) {
            return Next.of(s.withHelp(false)); // any key closes the overlay
        }
        if (key.is('?')) {
            return Next.of(s.withHelp(true));
        }
        return switch (s.focus()) {
            case COURSE_MAP -> mapKey(s, key);
            case LESSON -> lessonKey(s, key);
            case EXERCISE -> exerciseKey(s, key);
            case DEMO -> s.demo() == null ? Next.of(s.withFocus(Focus.LESSON)) : DemoUpdate.key(s, key);
        };
    }

    private static Next mapKey(TutorState s, Key key) {
        List<CourseMapRows.Row> rows = CourseMapRows.rows(s.course());
        int last = rows.size() - 1;
        if (isUp(key)) {
            return Next.of(s.withSelected(Math.max(0, s.selected() - 1)));
        }
        if (isDown(key)) {
            return Next.of(s.withSelected(Math.min(last, s.selected() + 1)));
        }
        if (key.kind() == Kind.HOME || key.is('g')) {
            return Next.of(s.withSelected(0));
        }
        if (key.kind() == Kind.END || key.is('G')) {
            return Next.of(s.withSelected(Math.max(0, last)));
        }
        if (key.is('r') && Standing.begun(s.learner().progress()) && !s.course().exercises().isEmpty()) {
            return Next.of(s.withSelected(Math.max(0, CourseMapRows.indexOfExercise(s.course(),
                    Standing.resume(s.course(), s.learner().progress()).id()))));
        }
        if ((key.kind() == Kind.ENTER || key.kind() == Kind.RIGHT || key.is('l')) && !rows.isEmpty()) {
            CourseMapRows.Row row = rows.get(Math.min(s.selected(), last));
            return row.isLesson() ? Next.of(s.openLesson(row.lesson().id())) : openExercise(s, row.exercise().id());
        }
        return Next.of(s);
    }

    /** Opens an exercise's panel, and readies the grader for its first save while the learner reads it. */
    private static Next openExercise(TutorState s, String exerciseId) {
        return Next.of(s.openExercise(exerciseId), new PrepareGrading(exerciseId));
    }

    private static Next lessonKey(TutorState s, Key key) {
        int page = Math.max(1, s.display().bodyRows() - 2); // keep two lines of context across a page turn
        int max = LessonView.maxScroll(s);
        int at = s.reader().scroll();
        int to = switch (key.kind()) {
            case UP -> at - 1;
            case DOWN -> at + 1;
            case PAGE_UP -> at - page;
            case PAGE_DOWN -> at + page;
            case HOME -> 0;
            case END -> max;
            case CHAR -> key.is('k') ? at - 1 : key.is('j') ? at + 1
                    : key.is(' ') ? at + page : key.is('b') ? at - page
                    : key.is('g') ? 0 : key.is('G') ? max : Integer.MIN_VALUE;
            default -> Integer.MIN_VALUE;
        };
        if (to != Integer.MIN_VALUE) {
            return Next.of(s.withReader(s.reader().withScroll(Math.clamp(to, 0, max))));
        }
        if (key.kind() == Kind.ENTER || key.is('e')) {
            List<Exercise> exercises = s.course().exercisesOf(s.reader().lessonId());
            return exercises.isEmpty() ? Next.of(s) : openExercise(s, exercises.get(0).id());
        }
        if (key.is('d')) {
            return DemoUpdate.runLessonDemo(s);
        }
        if (key.is('m')) {
            return DemoUpdate.runLearnerDemo(s);
        }
        if (key.is('v')) {
            return DemoUpdate.openGilTimeline(s);
        }
        if (key.is('t')) {
            return DemoUpdate.openLoop(s);
        }
        if (key.is('s')) {
            return DemoUpdate.openMeters(s);
        }
        if (isBack(key)) {
            return Next.of(backToMap(s));
        }
        return Next.of(s);
    }

    private static Next exerciseKey(TutorState s, Key key) {
        Exercise exercise = s.exercise();
        if (exercise == null) {
            return Next.of(backToMap(s));
        }
        if (s.panel().solution() == SolutionView.ASKING) {
            return key.is('y') || key.is('Y') ? showSolution(s, exercise)
                    : Next.of(s.withPanel(s.panel().withSolution(SolutionView.HIDDEN)));
        }
        int max = ExercisePanelView.maxScroll(s);
        int page = Math.max(1, s.display().bodyRows() - 2);
        switch (key.kind()) {
            case UP -> {
                return Next.of(panelAt(s, Math.clamp(s.panel().scroll() - 1, 0, max)));
            }
            case DOWN -> {
                return Next.of(panelAt(s, Math.clamp(s.panel().scroll() + 1, 0, max)));
            }
            case PAGE_UP -> {
                return Next.of(panelAt(s, Math.clamp(s.panel().scroll() - page, 0, max)));
            }
            case PAGE_DOWN -> {
                return Next.of(panelAt(s, Math.clamp(s.panel().scroll() + page, 0, max)));
            }
            default -> {
            }
        }
        if (key.is('h')) {
            if (s.panel().hintsShown() >= exercise.hints().size()) {
                return Next.of(s.withNotice("That was the last hint; s shows the solution."));
            }
            // One key reaches the hint the verdict points to, however far on it is; otherwise the next one.
            int fits = s.learner().grade(exercise.id()) instanceof GradeStatus.Graded graded && !graded.untouched()
                    ? Hints.fitting(exercise, graded.report()).orElse(0) : 0;
            int shown = Math.max(s.panel().hintsShown() + 1, fits);
            Progress p = Hints.takeUpTo(exercise, s.learner().progress(), shown).map(Hints.Shown::progress)
                    .orElse(s.learner().progress());
            Effect[] saves = java.util.Collections.nCopies(shown - s.panel().hintsShown(),
                    new SaveHintTaken(exercise.id())).toArray(Effect[]::new);
            return Next.of(toBottom(s.withPanel(s.panel().withHintsShown(shown))
                    .withLearner(s.learner().withProgress(p))), saves);
        }
        if (key.is('s')) {
            return Standing.solutionUnlocked(s.learner().progress(), exercise.id()) ? showSolution(s, exercise)
                    : Next.of(toBottom(s.withPanel(s.panel().withSolution(SolutionView.ASKING))));
        }
        if (key.is('c')) {
            return Next.of(s, new RunGrade(exercise.id()));
        }
        if (key.is('n') || key.is('p')) {
            List<Exercise> all = s.course().exercises();
            int at = all.indexOf(exercise) + (key.is('n') ? 1 : -1);
            if (at < 0 || at >= all.size()) {
                return Next.of(s.withNotice(key.is('n') ? "That was the last exercise of the course."
                        : "This is the first exercise."));
            }
            return openExercise(s, all.get(at).id());
        }
        if (key.is('l')) {
            return Next.of(s.openLesson(exercise.lessonId()));
        }
        if (isBack(key)) {
            return Next.of(backToMap(s));
        }
        return Next.of(s);
    }

    private static Next showSolution(TutorState s, Exercise exercise) {
        TutorState shown = s.withPanel(s.panel().withSolution(SolutionView.SHOWN))
                .withLearner(s.learner().withProgress(s.learner().progress().withSolutionViewed(exercise.id())));
        return Next.of(panelAt(shown, Math.min(ExercisePanelView.maxScroll(shown),
                ExercisePanelView.solutionStart(shown))), new SaveSolutionViewed(exercise.id()));
    }

    /** Scrolls the panel so that what was just added at its end is in view. */
    private static TutorState toBottom(TutorState s) {
        return panelAt(s, Math.max(s.panel().scroll(), ExercisePanelView.maxScroll(s)));
    }

    /** Back to the map, with the row of what the learner just left selected. */
    private static TutorState backToMap(TutorState s) {
        int row = s.focus() == Focus.EXERCISE && s.panel().exerciseId() != null
                ? CourseMapRows.indexOfExercise(s.course(), s.panel().exerciseId()) : lessonRow(s);
        return s.withFocus(Focus.COURSE_MAP).withSelected(Math.max(0, row));
    }

    private static int lessonRow(TutorState s) {
        List<CourseMapRows.Row> rows = CourseMapRows.rows(s.course());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).isLesson() && rows.get(i).lesson().id().equals(s.reader().lessonId())) {
                return i;
            }
        }
        return s.selected();
    }

    private static boolean measuring(TutorState s) {
        return s.focus() == Focus.DEMO && s.demo() != null && s.demo().phase() == DemoState.Phase.MEASURING;
    }


    private static TutorState clampScrolls(TutorState s) {
        if (s.display().tooSmall()) {
            return s;
        }
        return s.withReader(s.reader().withScroll(Math.clamp(s.reader().scroll(), 0, LessonView.maxScroll(s))))
                .withPanel(s.panel().withScroll(Math.clamp(s.panel().scroll(), 0, ExercisePanelView.maxScroll(s))));
    }

    /** The panel scrolled to {@code line}. */
    private static TutorState panelAt(TutorState s, int line) {
        return s.withPanel(s.panel().withScroll(line));
    }

    private static boolean isUp(Key k) {
        return k.kind() == Kind.UP || k.is('k');
    }

    private static boolean isDown(Key k) {
        return k.kind() == Kind.DOWN || k.is('j');
    }

    private static boolean isBack(Key k) {
        return k.kind() == Kind.ESCAPE || k.kind() == Kind.LEFT || k.kind() == Kind.BACKSPACE;
    }
}
