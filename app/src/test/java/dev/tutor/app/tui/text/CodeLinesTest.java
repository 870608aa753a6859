package dev.tutor.app.tui.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodeLinesTest {
    private static final Glyphs GLYPHS = Glyphs.UNICODE.monochrome();

    @Test
    void aLineThatFitsIsLeftAlone() {
        List<Line> lines = CodeLines.wrap("  ", CodeColours.line("int x = 1;", "java"), 40, GLYPHS);
        assertThat(lines).extracting(Line::text).containsExactly("  int x = 1;");
    }

    @Test
    void aLongLineLosesNoCharacterAndGoesOnUnderAMarkAtItsIndentation() {
        String code = "        return CompletableFuture.supplyAsync(() -> fetch(uri), pool).thenApplyAsync(this::parse, pool);";
        List<Line> lines = CodeLines.wrap("  ", CodeColours.line(code, "java"), 60, GLYPHS);
        assertThat(lines).hasSizeGreaterThan(1).allSatisfy(l -> assertThat(l.width()).isLessThanOrEqualTo(60));
        assertThat(lines.get(1).text()).startsWith("          ↪ ");
        String joined = lines.get(0).text().strip() + " " + lines.subList(1, lines.size()).stream()
                .map(l -> l.text().strip().substring(2)).reduce((a, b) -> a + " " + b).orElse("");
        assertThat(joined.replace(" ", "")).isEqualTo(code.replace(" ", ""));
        assertThat(lines).extracting(Line::width).containsOnly(lines.get(0).width());
    }

    @Test
    void aWordLongerThanTheRoomIsBrokenInsideIt() {
        String code = "x".repeat(100);
        List<Line> lines = CodeLines.wrap("  ", CodeColours.line(code, ""), 40, GLYPHS);
        assertThat(String.join("", lines.stream().map(l -> l.text().strip().replace("↪ ", "")).toList()))
                .isEqualTo(code);
    }
}
