package dev.tutor.app.tui;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.course.Topic;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.TestFailure;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.tui.text.Glyphs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A two-lesson course and ready-made states and verdicts for the screen tests. */
final class TuiFixtures {
    static final String FILE = "dev/tutor/exercises/waiting/WorkloadProbe.java";

    private TuiFixtures() {
    }

    static Course course() {
        Lesson waiting = new Lesson("waiting", 1, "Waiting is the problem", List.of("T1", "T2"), "01.md", List.of());
        Lesson threads = new Lesson("threads", 2, "Threads", List.of("T6"), "02.md",
                List.of("dev.tutor.lessons.threads.ThreadsDemo"));
        Exercise probe = new Exercise("workload-probe", "waiting", "Wall-clock time against CPU time", List.of("T2"),
                List.of(FILE), List.of("dev/tutor/exercises/waiting/WorkloadProbeTest.java"),
                List.of("Read System.nanoTime() twice.", "Use the thread's CPU clock.", "Compare with half."),
                Duration.ofSeconds(20), Duration.ofSeconds(5), 1, List.of());
        return new Course(List.of(new Topic("T1", "asynchronous programming"), new Topic("T2", "I/O-bound vs CPU-bound"),
                new Topic("T6", "threads")), List.of(waiting, threads), List.of(probe));
    }

    static final String SECOND = "start-and-join";

    /** The course with a second exercise, in the second lesson. */
    static Course twoExerciseCourse() {
        Course one = course();
        Exercise second = new Exercise(SECOND, "threads", "Start them all, then join", List.of("T6"),
                List.of("dev/tutor/exercises/threads/Workers.java"), List.of(), List.of("Start first.", "Then join."),
                Duration.ofSeconds(20), Duration.ofSeconds(5), 1, List.of());
        List<Exercise> both = new java.util.ArrayList<>(one.exercises());
        both.add(second);
        return new Course(one.topics(), one.lessons(), both);
    }

    /** The course with the two lessons that name a GIL timeline in the manifest, as lessons 5 and 6 do. */
    static TutorState stateWithTimelines(int cols, int rows) {
        Course one = course();
        List<Lesson> lessons = new java.util.ArrayList<>(one.lessons());
        lessons.add(new Lesson("gil", 3, "The GIL", List.of("T6"), "05.md", List.of(), "two-cpu"));
        lessons.add(new Lesson("threadsio", 4, "Threads for I/O", List.of("T6"), "06.md", List.of(), "cpu-and-io"));
        Course withTimelines = new Course(one.topics(), lessons, one.exercises());
        return TutorState.initial(withTimelines, texts(), Progress.empty(), cols, rows, Glyphs.UNICODE.monochrome());
    }

    /** The course with a lesson that opens the echo servers' meters, as lessons 7 to 9 do. */
    static TutorState stateWithMeters(int cols, int rows) {
        Course one = course();
        List<Lesson> lessons = new java.util.ArrayList<>(one.lessons());
        lessons.add(new Lesson("selectors", 3, "Selectors", List.of("T6"), "09.md", List.of(), null, null, true));
        Course withMeters = new Course(one.topics(), lessons, one.exercises());
        return TutorState.initial(withMeters, texts(), Progress.empty(), cols, rows, Glyphs.UNICODE.monochrome());
    }

    static CourseTexts texts() {
        StringBuilder lesson = new StringBuilder("# Waiting is the problem\n\nFirst paragraph.\n\n");
        for (int i = 1; i <= 60; i++) {
            lesson.append("Line number ").append(i).append(" of the lesson.\n\n");
        }
        return new CourseTexts(Map.of("waiting", lesson.toString(), "threads", "# Threads\n\nShort."),
                Map.of("workload-probe", "class WorkloadProbe { /* the answer */ }"),
                Map.of("workload-probe", List.of("/ws/src/main/java/" + FILE)));
    }

    static TutorState state(int cols, int rows) {
        return TutorState.initial(course(), texts(), Progress.empty(), cols, rows, Glyphs.UNICODE.monochrome());
    }

    static GradeReport failed() {
        TestFailure failure = new TestFailure("wallTimeCoversTheWholeTask", "measure() reported 0 ns", "AssertionError",
                "WorkloadProbe.java:12", List.of("hint:1"));
        return new GradeReport("workload-probe", new Verdict.TestsFailed(List.of(failure), 1, 1), "", 0,
                Duration.ofMillis(420), GradeReport.Phases.NONE);
    }

    static GradeReport passed() {
        return new GradeReport("workload-probe", new Verdict.Passed(1), "", 0, Duration.ofMillis(380),
                GradeReport.Phases.NONE);
    }

    static Progress progressAfter(boolean passed) {
        return Progress.empty().withAttempt("workload-probe", passed, Instant.EPOCH).withCurrent("workload-probe");
    }
}
