package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the standard descriptors lead tells a terminal from a pipe or a file, and no /proc leaves it to the JDK. */
class TerminalsTest {
    @TempDir
    Path dir;

    private Path link(String name, String target) throws Exception {
        return Files.createSymbolicLink(dir.resolve(name), Path.of(target));
    }

    @Test
    void bothDescriptorsOnATerminalDeviceAreATerminal() throws Exception {
        assertThat(Terminals.fromLinks(link("0", "/dev/pts/3"), link("1", "/dev/pts/3"))).contains(true);
        assertThat(Terminals.fromLinks(link("a", "/dev/tty1"), link("b", "/dev/console"))).contains(true);
    }

    @Test
    void aPipeOrAFileOnEitherSideIsNot() throws Exception {
        Path terminal = link("t", "/dev/pts/0");
        assertThat(Terminals.fromLinks(terminal, link("pipe", "pipe:[81234]"))).contains(false);
        assertThat(Terminals.fromLinks(link("file", "/home/learner/out.txt"), terminal)).contains(false);
        assertThat(Terminals.fromLinks(terminal, link("null", "/dev/null"))).contains(false);
    }

    @Test
    void withoutTheLinksTheAnswerIsLeftToTheJdk() throws Exception {
        assertThat(Terminals.fromLinks(dir.resolve("missing-0"), dir.resolve("missing-1"))).isEqualTo(Optional.empty());
    }

    @Test
    void underTheBuildNeitherSideIsATerminal() {
        // Surefire's forked JVM reads and writes pipes.
        assertThat(Terminals.inputAndOutput()).isFalse();
    }
}
