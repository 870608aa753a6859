package dev.tutor.app.workspace.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceFilesTest {

    private static final Path ROOT = Path.of("/ws/src/main/java");

    @ParameterizedTest
    @ValueSource(strings = {"Foo.java", "dev/tutor/loop/EventLoop.java", "a/b/Counter$1.java", "Ünïcode.java"})
    void learnerSourcesAreRecognised(String relative) {
        assertThat(SourceFiles.isSource(ROOT, ROOT.resolve(relative))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Foo.java___jb_tmp___", "Foo.java___jb_old___", "4913", "Foo.java~", ".Foo.java.swp", ".#Foo.java",
        "#Foo.java#", "Foo.java.orig", "Foo.class", ".java", "1Foo.java", "my-file.java", ".history/Foo.java",
        "dev/.idea/Foo.java"
    })
    void editorTemporariesAndHiddenFoldersAreNot(String relative) {
        assertThat(SourceFiles.isSource(ROOT, ROOT.resolve(relative))).isFalse();
    }
}
