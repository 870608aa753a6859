package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.ClasspathCourseSource;
import dev.tutor.app.course.ManifestLoader;
import dev.tutor.app.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The headless run through the first screens that trains ./tutor's start-up cache. */
class StartRehearsalTest {
    @TempDir
    Path folder;

    @Test
    void drawsTheRealCourseMapWithoutATerminalAndWritesNothing() throws Exception {
        ClasspathCourseSource source = new ClasspathCourseSource();
        String map = StartRehearsal.run(ManifestLoader.load(source), source, Workspace.locate(folder));
        assertThat(map).contains("Concurrency Tutor › Course map", "Lesson 1  Waiting is the problem",
                "workload-probe", "q quit");
        try (var files = Files.list(folder)) {
            assertThat(files).isEmpty();
        }
    }
}
