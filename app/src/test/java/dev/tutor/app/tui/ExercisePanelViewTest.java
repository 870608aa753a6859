package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

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
}
