package dev.tutor.app.tui;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.Standing;
import dev.tutor.app.tui.demo.DemoState;
import dev.tutor.app.tui.text.Glyphs;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the full-screen tutor shows, as one immutable value: {@link Update} makes the next one from a
 * message, {@link Views} draw it. Nothing else holds screen state.
 *
 * @param course       the course
 * @param texts        lesson Markdown, solutions and file paths, read before the screen opened
 * @param progress     the latest progress snapshot
 * @param focus        which screen has the focus
 * @param selected     the selected row of the course map
 * @param lessonId     the lesson the reader shows (or last showed)
 * @param exerciseId   the exercise the panel shows (or last showed)
 * @param lessonScroll the first lesson line on screen
 * @param panelScroll  the first exercise-panel line on screen
 * @param grades       per exercise id, where its grading stands in this session
 * @param cols         the terminal's width
 * @param rows         the terminal's height
 * @param help         whether the help overlay is showing
 * @param hintsShown   how many hints of the panel's exercise are showing
 * @param solution     whether the panel shows the reference solution, or asks first
 * @param now          the latest tick (System.nanoTime), for the spinner and elapsed time
 * @param glyphs       the symbols to draw with (Unicode or ASCII) and whether colour is allowed
 * @param notice       one line for the footer, such as the last verdict seen from another screen; may be empty
 * @param demo         the demo runner's state while a demo screen is open or was last open; null before any
 */
record TutorState(Course course, CourseTexts texts, Progress progress, Focus focus, int selected, String lessonId,
                  String exerciseId, int lessonScroll, int panelScroll, Map<String, GradeStatus> grades, int cols,
                  int rows, boolean help, int hintsShown, SolutionView solution, long now, Glyphs glyphs,
                  String notice, DemoState demo) {

    /** The smallest terminal the screens are laid out for. */
    static final int MIN_COLS = 80;
    static final int MIN_ROWS = 24;

    /** Whether the panel shows the reference solution. */
    enum SolutionView { HIDDEN, ASKING, SHOWN }

    TutorState {
        grades = Map.copyOf(grades);
        notice = notice == null ? "" : notice;
    }

    /** The state at start: the course map, with the exercise the learner last worked on selected. */
    static TutorState initial(Course course, CourseTexts texts, Progress progress, int cols, int rows, Glyphs glyphs) {
        String firstLesson = course.lessons().isEmpty() ? null : course.lessons().get(0).id();
        TutorState start = new TutorState(course, texts, progress, Focus.COURSE_MAP, 0, firstLesson, null, 0, 0,
                Map.of(), cols, rows, false, 0, SolutionView.HIDDEN, 0, glyphs, "", null);
        int resume = !Standing.begun(progress) || course.exercises().isEmpty() ? -1
                : CourseMapRows.indexOfExercise(course, Standing.resume(course, progress).id());
        return resume < 0 ? start : start.withSelected(resume);
    }

    boolean tooSmall() {
        return cols < MIN_COLS || rows < MIN_ROWS;
    }

    /** Rows between the title bar and the key bar. */
    int bodyRows() {
        return Math.max(1, rows - 2);
    }

    Exercise exercise() {
        return exerciseId == null ? null : course.exercise(exerciseId).orElse(null);
    }

    GradeStatus grade(String id) {
        return grades.getOrDefault(id, new GradeStatus.Waiting());
    }

    TutorState withProgress(Progress p) {
        return new TutorState(course, texts, p, focus, selected, lessonId, exerciseId, lessonScroll, panelScroll,
                grades, cols, rows, help, hintsShown, solution, now, glyphs, notice, demo);
    }

    TutorState withFocus(Focus s) {
        return new TutorState(course, texts, progress, s, selected, lessonId, exerciseId, lessonScroll, panelScroll,
                grades, cols, rows, help, hintsShown, solution, now, glyphs, notice, demo);
    }

    TutorState withSelected(int row) {
        return new TutorState(course, texts, progress, focus, row, lessonId, exerciseId, lessonScroll, panelScroll,
                grades, cols, rows, help, hintsShown, solution, now, glyphs, notice, demo);
    }

    /** Opens the reader on {@code id} at its top. */
    TutorState withLesson(String id) {
        return new TutorState(course, texts, progress, Focus.LESSON, selected, id, exerciseId, 0, panelScroll,
                grades, cols, rows, help, hintsShown, solution, now, glyphs, notice, demo);
    }

    /** Opens the panel on {@code id}, showing the hints the learner already took. */
    TutorState withExercise(String id) {
        int taken = progress.exercise(id).hintsTaken();
        String lesson = course.exercise(id).map(Exercise::lessonId).orElse(lessonId);
        return new TutorState(course, texts, progress, Focus.EXERCISE, selected, lesson, id, lessonScroll, 0,
                grades, cols, rows, help, taken, SolutionView.HIDDEN, now, glyphs, notice, demo);
    }

    TutorState withLessonScroll(int line) {
        return new TutorState(course, texts, progress, focus, selected, lessonId, exerciseId, line, panelScroll,
                grades, cols, rows, help, hintsShown, solution, now, glyphs, notice, demo);
    }

    TutorState withPanelScroll(int line) {
        return new TutorState(course, texts, progress, focus, selected, lessonId, exerciseId, lessonScroll, line,
                grades, cols, rows, help, hintsShown, solution, now, glyphs, notice, demo);
    }

    TutorState withGrade(String id, GradeStatus status) {
        Map<String, GradeStatus> next = new HashMap<>(grades);
        next.put(id, status);
        return new TutorState(course, texts, progress, focus, selected, lessonId, exerciseId, lessonScroll,
                panelScroll, next, cols, rows, help, hintsShown, solution, now, glyphs, notice, demo);
    }

    TutorState withSize(int c, int r) {
        return new TutorState(course, texts, progress, focus, selected, lessonId, exerciseId, lessonScroll,
                panelScroll, grades, c, r, help, hintsShown, solution, now, glyphs, notice, demo);
    }

    TutorState withHelp(boolean on) {
        return new TutorState(course, texts, progress, focus, selected, lessonId, exerciseId, lessonScroll,
                panelScroll, grades, cols, rows, on, hintsShown, solution, now, glyphs, notice, demo);
    }

    TutorState withHintsShown(int n) {
        return new TutorState(course, texts, progress, focus, selected, lessonId, exerciseId, lessonScroll,
                panelScroll, grades, cols, rows, help, n, solution, now, glyphs, notice, demo);
    }

    TutorState withSolution(SolutionView view) {
        return new TutorState(course, texts, progress, focus, selected, lessonId, exerciseId, lessonScroll,
                panelScroll, grades, cols, rows, help, hintsShown, view, now, glyphs, notice, demo);
    }

    TutorState withNow(long nanos) {
        return new TutorState(course, texts, progress, focus, selected, lessonId, exerciseId, lessonScroll,
                panelScroll, grades, cols, rows, help, hintsShown, solution, nanos, glyphs, notice, demo);
    }

    TutorState withNotice(String line) {
        return new TutorState(course, texts, progress, focus, selected, lessonId, exerciseId, lessonScroll,
                panelScroll, grades, cols, rows, help, hintsShown, solution, now, glyphs, line, demo);
    }

    /** Opens the demo screen on {@code d}. */
    TutorState withDemo(DemoState d) {
        return new TutorState(course, texts, progress, d == null ? focus : Focus.DEMO, selected, lessonId,
                exerciseId, lessonScroll, panelScroll, grades, cols, rows, help, hintsShown, solution, now, glyphs,
                notice, d);
    }
}
