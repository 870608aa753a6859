package dev.tutor.app.tui.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MarkdownLinesTest {
    private static String render(String markdown, int width) {
        return MarkdownLines.render(markdown, width, Glyphs.UNICODE).stream().map(Line::text)
                .collect(Collectors.joining("\n"));
    }

    @Test
    void paragraphsWrapAtTheWidthAndHtmlCommentsAreHidden() {
        String text = render("one two three four five six seven eight nine ten <!-- source: secret -->", 20);
        assertThat(text).doesNotContain("secret", "<!--");
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(20));
    }

    @Test
    void tablesAreSetInColumnsWithARuleUnderTheHeader() {
        String text = render("| step | bound |\n|---|---|\n| fetch | I/O |\n| format | CPU |\n", 40);
        assertThat(text).contains("step   │ bound", "───────┼──────", "format │ CPU");
    }

    @Test
    void javaKeywordsInFencedCodeAreStyledAsKeywords() {
        List<Line> lines = MarkdownLines.render("```java\nreturn \"x\"; // done\n```\n", 40, Glyphs.UNICODE);
        List<Span> spans = lines.get(0).spans();
        assertThat(spans).contains(new Span("return", Style.KEYWORD), new Span("\"x\"", Style.STRING),
                new Span("// done", Style.COMMENT));
    }

    @Test
    void listsGetBulletsAndQuotesABar() {
        String text = render("- first\n- second\n\n> quoted\n", 40);
        assertThat(text).contains("• first", "• second", "│ quoted");
    }

    private static final String PAIR = """
            ```python
            n = count(10)
            ```

            <!-- source: somewhere -->
            In Java:

            ```java
            long n = count(10);
            ```
            """;

    @Test
    void setsAPythonListingAndItsJavaPairSideBySideWhereTheyFit() {
        assertEquals("""
                  Python        │ Java
                  n = count(10) │ long n = count(10);

                In Java:""", render(PAIR, 60).lines().map(String::stripTrailing).collect(Collectors.joining("\n")));
    }

    @Test
    void setsThePairOneAfterTheOtherWhereTheColumnsDoNotFit() {
        assertEquals("""
                  n = count(10)

                In Java:

                  long n = count(10);""", render(PAIR, 30));
    }
}
