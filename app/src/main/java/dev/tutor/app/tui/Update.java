package dev.tutor.app.tui;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.Hints;
import dev.tutor.app.session.Standing;
import dev.tutor.app.tui.Effect.Quit;
import dev.tutor.app.tui.Effect.RunGrade;
import dev.tutor.app.tui.Effect.SaveHintTaken;
import dev.tutor.app.tui.Effect.SaveSolutionViewed;
import dev.tutor.app.tui.Key.Kind;
import dev.tutor.app.tui.TutorState.SolutionView;
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
            case Msg.Resized r -> Next.of(clampScrolls(s.withSize(r.cols(), r.rows())));
            // Only a running grading shows time passing; otherwise the same state, so nothing is redrawn.
            case Msg.Tick t -> Next.of(grading(s) || measuring(s) ? s.withNow(t.nanos()) : s);
            case Msg.GradingStarted g -> Next.of(s.withGrade(g.exerciseId(), new GradeStatus.Grading(g.nanos()))
                    .withNow(Math.max(s.now(), g.nanos())));
            case Msg.GradeFinished g -> Next.of(s.withGrade(g.exerciseId(), new GradeStatus.Graded(g.report(), g.learnerLine(),
                    g.untouched(), g.sources()))
                    .withProgress(g.progress()).withPanelScroll(0)
                    .withNotice(s.focus() == Focus.EXERCISE && g.exerciseId().equals(s.exerciseId()) ? ""
                            : g.untouched() ? g.exerciseId() + ": not started yet"
                            : (g.report().verdict().passed() ? s.glyphs().pass() : s.glyphs().fail()) + " "
                            + g.exerciseId() + ": " + g.report().verdict().summary()));
            case Msg.GradeFailed g -> Next.of((g.exerciseId().isEmpty() ? s
                    : s.withGrade(g.exerciseId(), new GradeStatus.Failed(g.message()))).withNotice(g.message()));
            case Msg.ProgressSaved p -> Next.of(s.withProgress(p.progress()));
            case Msg.KeyPressed k -> key(s, k.key());
            case Msg.GilTraced t -> DemoUpdate.message(s, t);
            case Msg.LoopTraced t -> DemoUpdate.message(s, t);
            case Msg.GilMeasured m -> DemoUpdate.message(s, m);
            case Msg.DemoFailed f -> DemoUpdate.message(s, f);
        };
    }

    private static Next key(TutorState shown, Key key) {
        TutorState s = shown.notice().isEmpty() ? shown : shown.withNotice(""); // a notice lasts until a key
        if (key.ctrl() && key.ch() == 'c') {
            return Next.of(s, new Quit());
        }
        if (key.is('q') && s.solution() != SolutionView.ASKING) {
            return Next.of(s, new Quit());
        }
        if (s.tooSmall()) {
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
        if (key.is('r') && Standing.begun(s.progress()) && !s.course().exercises().isEmpty()) {
            return Next.of(s.withSelected(Math.max(0, CourseMapRows.indexOfExercise(s.course(),
                    Standing.resume(s.course(), s.progress()).id()))));
        }
        if ((key.kind() == Kind.ENTER || key.kind() == Kind.RIGHT || key.is('l')) && !rows.isEmpty()) {
            CourseMapRows.Row row = rows.get(Math.min(s.selected(), last));
            return Next.of(row.isLesson() ? s.withLesson(row.lesson().id()) : s.withExercise(row.exercise().id()));
        }
        return Next.of(s);
    }

    private static Next lessonKey(TutorState s, Key key) {
        int page = Math.max(1, s.bodyRows() - 2); // keep two lines of context across a page turn
        int max = LessonView.maxScroll(s);
        int to = switch (key.kind()) {
            case UP -> s.lessonScroll() - 1;
            case DOWN -> s.lessonScroll() + 1;
            case PAGE_UP -> s.lessonScroll() - page;
            case PAGE_DOWN -> s.lessonScroll() + page;
            case HOME -> 0;
            case END -> max;
            case CHAR -> key.is('k') ? s.lessonScroll() - 1 : key.is('j') ? s.lessonScroll() + 1
                    : key.is(' ') ? s.lessonScroll() + page : key.is('b') ? s.lessonScroll() - page
                    : key.is('g') ? 0 : key.is('G') ? max : Integer.MIN_VALUE;
            default -> Integer.MIN_VALUE;
        };
        if (to != Integer.MIN_VALUE) {
            return Next.of(s.withLessonScroll(Math.clamp(to, 0, max)));
        }
        if (key.kind() == Kind.ENTER || key.is('e')) {
            List<Exercise> exercises = s.course().exercisesOf(s.lessonId());
            return Next.of(exercises.isEmpty() ? s : s.withExercise(exercises.get(0).id()));
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
        if (s.solution() == SolutionView.ASKING) {
            return key.is('y') || key.is('Y') ? showSolution(s, exercise) : Next.of(s.withSolution(SolutionView.HIDDEN));
        }
        int max = ExercisePanelView.maxScroll(s);
        int page = Math.max(1, s.bodyRows() - 2);
        switch (key.kind()) {
            case UP -> {
                return Next.of(s.withPanelScroll(Math.clamp(s.panelScroll() - 1, 0, max)));
            }
            case DOWN -> {
                return Next.of(s.withPanelScroll(Math.clamp(s.panelScroll() + 1, 0, max)));
            }
            case PAGE_UP -> {
                return Next.of(s.withPanelScroll(Math.clamp(s.panelScroll() - page, 0, max)));
            }
            case PAGE_DOWN -> {
                return Next.of(s.withPanelScroll(Math.clamp(s.panelScroll() + page, 0, max)));
            }
            default -> {
            }
        }
        if (key.is('h')) {
            if (s.hintsShown() >= exercise.hints().size()) {
                return Next.of(s.withNotice("That was the last hint; s shows the solution."));
            }
            // One key reaches the hint the verdict points to, however far on it is; otherwise the next one.
            int fits = s.grade(exercise.id()) instanceof GradeStatus.Graded graded && !graded.untouched()
                    ? Hints.fitting(exercise, graded.report()).orElse(0) : 0;
            int shown = Math.max(s.hintsShown() + 1, fits);
            Progress p = Hints.takeUpTo(exercise, s.progress(), shown).map(Hints.Shown::progress)
                    .orElse(s.progress());
            Effect[] saves = java.util.Collections.nCopies(shown - s.hintsShown(), new SaveHintTaken(exercise.id()))
                    .toArray(Effect[]::new);
            return Next.of(toBottom(s.withHintsShown(shown).withProgress(p)), saves);
        }
        if (key.is('s')) {
            return Standing.solutionUnlocked(s.progress(), exercise.id()) ? showSolution(s, exercise)
                    : Next.of(toBottom(s.withSolution(SolutionView.ASKING)));
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
            return Next.of(s.withExercise(all.get(at).id()));
        }
        if (key.is('l')) {
            return Next.of(s.withLesson(exercise.lessonId()));
        }
        if (isBack(key)) {
            return Next.of(backToMap(s));
        }
        return Next.of(s);
    }

    private static Next showSolution(TutorState s, Exercise exercise) {
        TutorState shown = s.withSolution(SolutionView.SHOWN)
                .withProgress(s.progress().withSolutionViewed(exercise.id()));
        return Next.of(shown.withPanelScroll(Math.min(ExercisePanelView.maxScroll(shown),
                ExercisePanelView.solutionStart(shown))), new SaveSolutionViewed(exercise.id()));
    }

    /** Scrolls the panel so that what was just added at its end is in view. */
    private static TutorState toBottom(TutorState s) {
        return s.withPanelScroll(Math.max(s.panelScroll(), ExercisePanelView.maxScroll(s)));
    }

    /** Back to the map, with the row of what the learner just left selected. */
    private static TutorState backToMap(TutorState s) {
        int row = s.focus() == Focus.EXERCISE && s.exerciseId() != null
                ? CourseMapRows.indexOfExercise(s.course(), s.exerciseId()) : lessonRow(s);
        return s.withFocus(Focus.COURSE_MAP).withSelected(Math.max(0, row));
    }

    private static int lessonRow(TutorState s) {
        List<CourseMapRows.Row> rows = CourseMapRows.rows(s.course());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).isLesson() && rows.get(i).lesson().id().equals(s.lessonId())) {
                return i;
            }
        }
        return s.selected();
    }

    private static boolean measuring(TutorState s) {
        return s.focus() == Focus.DEMO && s.demo() != null && s.demo().phase() == DemoState.Phase.MEASURING;
    }

    private static boolean grading(TutorState s) {
        return s.grades().values().stream().anyMatch(g -> g instanceof GradeStatus.Grading);
    }

    private static TutorState clampScrolls(TutorState s) {
        if (s.tooSmall()) {
            return s;
        }
        return s.withLessonScroll(Math.clamp(s.lessonScroll(), 0, LessonView.maxScroll(s)))
                .withPanelScroll(Math.clamp(s.panelScroll(), 0, ExercisePanelView.maxScroll(s)));
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
