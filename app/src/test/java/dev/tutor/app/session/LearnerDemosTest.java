package dev.tutor.app.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.ClasspathCourseSource;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.ManifestLoader;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A demo on the learner's own loop: refused in one line until mini-loop passes, then a command to run. */
@Timeout(60)
class LearnerDemosTest {
    private static final ClasspathCourseSource SOURCE = new ClasspathCourseSource();
    private static final Course COURSE = ManifestLoader.load(SOURCE);
    private static final String FILE = "dev/tutor/exercises/eventloop/MiniLoop.java";

    @TempDir
    Path root;

    private Workspace workspaceWith(String text) throws Exception {
        Workspace workspace = new Workspace(root);
        Files.createDirectories(workspace.tutorDir());
        Files.createDirectories(workspace.learnerFile(FILE).getParent());
        Files.writeString(workspace.learnerFile(FILE), text);
        return workspace;
    }

    private static Progress passed() {
        return Progress.empty().withAttempt("mini-loop", true, Instant.EPOCH);
    }

    @Test
    void refusesInOneLineBeforeMiniLoopHasPassedAndCompilesNothing() throws Exception {
        Workspace workspace = workspaceWith(SOURCE.solution(FILE).orElseThrow());
        Progress failing = Progress.empty().withAttempt("mini-loop", false, Instant.EPOCH);

        for (Progress progress : List.of(Progress.empty(), failing)) {
            LearnerDemos.Prepared prepared = LearnerDemos.prepare(COURSE, workspace, progress, "eventloop", List.of());
            assertThat(prepared).isEqualTo(new LearnerDemos.Refused("Your MiniLoop.java has not passed mini-loop yet:"
                    + " make it pass ('tutor check mini-loop'), then run this again.", false));
        }
        assertThat(workspace.tutorDir().resolve("learner-demos")).doesNotExist();
    }

    @Test
    void aLessonWithoutALearnerDemoIsAUsageErrorNamingTheOnesThatHaveOne() throws Exception {
        LearnerDemos.Prepared prepared = LearnerDemos.prepare(COURSE, workspaceWith(""), passed(), "waiting", List.of());
        assertThat(prepared).isEqualTo(new LearnerDemos.Refused(
                "No demo of 'waiting' runs on your own code; --mine works for eventloop.", true));
    }

    @Test
    void aClassThatNoLongerCompilesIsItsFirstErrorWithTheFile() throws Exception {
        String broken = SOURCE.solution(FILE).orElseThrow().replace("ready.addLast(Objects", "ready.addLst(Objects");
        Workspace workspace = workspaceWith(broken);

        LearnerDemos.Prepared prepared = LearnerDemos.prepare(COURSE, workspace, passed(), "eventloop", List.of());

        assertThat(prepared).isInstanceOf(LearnerDemos.Refused.class);
        LearnerDemos.Refused refused = (LearnerDemos.Refused) prepared;
        assertThat(refused.usage()).isFalse();
        assertThat(refused.message()).startsWith(workspace.learnerFile(FILE) + ":")
                .contains("cannot find symbol", "your mini-loop no longer compiles").doesNotContain("\n");
    }

    @Test
    void aPassedLoopIsCompiledAndRunsTheDemoWithItsClassFirst() throws Exception {
        Workspace workspace = workspaceWith(SOURCE.solution(FILE).orElseThrow());

        LearnerDemos.Prepared prepared = LearnerDemos.prepare(COURSE, workspace, passed(), "LoopTraceDemo", List.of());

        assertThat(prepared).isInstanceOf(LearnerDemos.Ready.class);
        List<String> command = ((LearnerDemos.Ready) prepared).command();
        Path classes = workspace.tutorDir().resolve("learner-demos/mini-loop");
        assertThat(classes.resolve("dev/tutor/exercises/eventloop/MiniLoop.class")).exists();
        assertThat(command.get(2)).startsWith(classes.toAbsolutePath().toString());
        assertThat(command.subList(3, command.size())).containsExactly(
                "dev.tutor.lessons.eventloop.MiniLoopTraceDemo", "dev.tutor.exercises.eventloop.MiniLoop");
    }
}
