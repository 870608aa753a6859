package dev.tutor.app.tui;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.Standing;
import dev.tutor.app.tui.demo.DemoState;
import dev.tutor.app.tui.text.Glyphs;

/**
 * Everything the full-screen tutor shows, as one immutable value: {@link Update} makes the next one from a
 * message, {@link Views} draw it. Nothing else holds screen state.
 *
 * <p>Each screen keeps its own part in a small record of its own ({@link Reader}, {@link Panel},
 * {@link DemoState}), so that a change to one part is made on that part alone.
 *
 * @param course   the course
 * @param texts    lesson Markdown, solutions and file paths, read before the screen opened
 * @param display  the terminal's size and the glyphs to draw with
 * @param learner  the learner's progress and this session's gradings
 * @param focus    which screen has the focus
 * @param selected the selected row of the course map
 * @param reader   the lesson reader's lesson and scroll
 * @param panel    the exercise panel's exercise, scroll, hints and solution
 * @param demo     the demo runner's state while a demo screen is open or was last open; null before any
 * @param help     whether the help overlay is showing
 * @param notice   one line for the footer, such as the last verdict seen from another screen; may be empty
 * @param now      the latest tick (System.nanoTime), for the spinner and elapsed time
 */
record TutorState(Course course, CourseTexts texts, Display display, Learner learner, Focus focus, int selected,
                  Reader reader, Panel panel, DemoState demo, boolean help, String notice, long now) {

    TutorState {
        notice = notice == null ? "" : notice;
    }

    /** The state at start: the course map, with the exercise the learner last worked on selected. */
    static TutorState initial(Course course, CourseTexts texts, Progress progress, int cols, int rows, Glyphs glyphs) {
        String firstLesson = course.lessons().isEmpty() ? null : course.lessons().get(0).id();
        TutorState start = new TutorState(course, texts, new Display(cols, rows, glyphs),
                new Learner(progress, java.util.Map.of()), Focus.COURSE_MAP, 0, Reader.at(firstLesson), Panel.NONE,
                null, false, "", 0);
        int resume = !Standing.begun(progress) || course.exercises().isEmpty() ? -1
                : CourseMapRows.indexOfExercise(course, Standing.resume(course, progress).id());
        return resume < 0 ? start : start.withSelected(resume);
    }

    /** The exercise the panel shows, or null. */
    Exercise exercise() {
        return panel.exerciseId() == null ? null : course.exercise(panel.exerciseId()).orElse(null);
    }

    // ---- moving between screens: the focus and the part of the screen it moves to ------------------------

    /** The reader open on {@code lessonId}, at its top. */
    TutorState openLesson(String lessonId) {
        return withReader(Reader.at(lessonId)).withFocus(Focus.LESSON);
    }

    /** The panel open on {@code exerciseId}, showing the hints the learner already took; the reader on its lesson. */
    TutorState openExercise(String exerciseId) {
        int taken = learner.progress().exercise(exerciseId).hintsTaken();
        String lesson = course.exercise(exerciseId).map(Exercise::lessonId).orElse(reader.lessonId());
        return withPanel(Panel.on(exerciseId, taken)).withReader(new Reader(lesson, reader.scroll()))
                .withFocus(Focus.EXERCISE);
    }

    /** The demo screen open on {@code d}. */
    TutorState openDemo(DemoState d) {
        return withDemo(d).withFocus(Focus.DEMO);
    }

    // ---- one part each ------------------------------------------------------------------------------------

    TutorState withTexts(CourseTexts t) {
        return new TutorState(course, t, display, learner, focus, selected, reader, panel, demo, help, notice, now);
    }

    TutorState withDisplay(Display d) {
        return new TutorState(course, texts, d, learner, focus, selected, reader, panel, demo, help, notice, now);
    }

    TutorState withLearner(Learner l) {
        return new TutorState(course, texts, display, l, focus, selected, reader, panel, demo, help, notice, now);
    }

    TutorState withFocus(Focus f) {
        return new TutorState(course, texts, display, learner, f, selected, reader, panel, demo, help, notice, now);
    }

    TutorState withSelected(int row) {
        return new TutorState(course, texts, display, learner, focus, row, reader, panel, demo, help, notice, now);
    }

    TutorState withReader(Reader r) {
        return new TutorState(course, texts, display, learner, focus, selected, r, panel, demo, help, notice, now);
    }

    TutorState withPanel(Panel p) {
        return new TutorState(course, texts, display, learner, focus, selected, reader, p, demo, help, notice, now);
    }

    TutorState withDemo(DemoState d) {
        return new TutorState(course, texts, display, learner, focus, selected, reader, panel, d, help, notice, now);
    }

    TutorState withHelp(boolean on) {
        return new TutorState(course, texts, display, learner, focus, selected, reader, panel, demo, on, notice, now);
    }

    TutorState withNotice(String line) {
        return new TutorState(course, texts, display, learner, focus, selected, reader, panel, demo, help, line, now);
    }

    TutorState withNow(long nanos) {
        return new TutorState(course, texts, display, learner, focus, selected, reader, panel, demo, help, notice,
                nanos);
    }
}
