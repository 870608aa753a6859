package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.TestFailure;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.tui.Key.Kind;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.workspace.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExercisePanelViewTest {
    @Test
    void keepsAPathThatFitsOnOneLine() {
        assertThat(ExercisePanelView.pathLines("/home/me/ws/src/Foo.java", 40)).containsExactly("/home/me/ws/src/Foo.java");
    }

    @Test
    void breaksATooLongPathAfterASlashAndLosesNoCharacter() {
        String path = "/tmp/tmp.PWT2W7D7Ni/src/main/java/dev/tutor/exercises/waiting/WorkloadProbe.java";
        List<String> lines = ExercisePanelView.pathLines(path, 40);
        assertThat(String.join("", lines)).isEqualTo(path);
        assertThat(lines).hasSizeGreaterThan(1).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(40));
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> assertThat(l).endsWith("/"));
    }

    @Test
    void namesEveryFileOfAnExerciseOfSeveralFilesInTheManifestsOrder() {
        Course one = TuiFixtures.course();
        List<String> files = List.of("dev/tutor/exercises/threads/Counter.java",
                "dev/tutor/exercises/threads/SynchronizedCounter.java", "dev/tutor/exercises/threads/AtomicCounter.java");
        Exercise several = new Exercise("lost-update", "waiting", "A counter, three ways", List.of("T6"), files,
                List.of(), List.of("Lock."), Duration.ofSeconds(20), Duration.ofSeconds(5), 1, List.of());
        Course course = new Course(one.topics(), one.lessons(), List.of(several));
        TutorState map = TutorState.initial(course, CourseTexts.pending(course, new Workspace(Path.of("/ws"))),
                Progress.empty(), 100, 40, Glyphs.UNICODE.monochrome());

        TutorState panel = Update.update(Update.update(map, new Msg.KeyPressed(Key.of(Kind.DOWN))).state(),
                new Msg.KeyPressed(Key.of(Kind.ENTER))).state();

        String text = Views.render(panel).text();
        assertThat(text).contains("Open these 3 files in your editor, do what their TODO comments ask");
        assertThat(text).containsSubsequence(files.stream().map(f -> "/ws/src/main/java/" + f).toList());

        GradeReport stub = new GradeReport("lost-update", new Verdict.TestsFailed(List.of(new TestFailure("counts",
                "lost 3", "AssertionError", "Counter.java:1", List.of())), 1, 1), "", 0, Duration.ofMillis(90),
                GradeReport.Phases.NONE);
        TutorState untouched = Update.update(panel, new Msg.GradeFinished("lost-update", stub,
                Progress.empty().withCurrent("lost-update"), "", true)).state();
        assertThat(Views.render(untouched).text()).contains("your files are still the stubs",
                "Open the 3 files above in your IDE, fill in their TODOs");
    }
}
