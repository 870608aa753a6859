package dev.tutor.app.tui.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;

/**
 * Sets a Python listing and the Java listing the text pairs with it in two columns, Python on the left,
 * when the terminal is wide enough for both; a lesson's "Python beside Java" reads best that way.
 *
 * <p>A pair is a {@code python} fenced block and a {@code java} one (either order) with nothing between
 * them but source comments and at most one short bridging paragraph ("In Java:"). The bridge is set after
 * the columns. Where the columns do not fit, the reader shows the blocks one after the other as usual.
 */
final class SideBySide {
    /** A bridge longer than this is prose of its own, not a link between two listings. */
    static final int MAX_BRIDGE = 400;
    private static final String GAP = " │ ";

    /** A recognised pair: the two blocks, the bridge between them (or null), and the last node they use. */
    record Pair(FencedCodeBlock python, FencedCodeBlock java, Paragraph bridge, Node last) {
    }

    private SideBySide() {
    }

    /** The pair that starts at {@code first}, if the text pairs it with the next listing. */
    static Optional<Pair> startingAt(Node first) {
        if (!(first instanceof FencedCodeBlock a) || language(a).isEmpty()) {
            return Optional.empty();
        }
        Paragraph bridge = null;
        for (Node n = first.getNext(); n != null; n = n.getNext()) {
            if (n instanceof HtmlBlock html && html.getLiteral().strip().startsWith("<!--")) {
                continue;
            }
            if (n instanceof Paragraph p && bridge == null && MarkdownLines.plainText(p).length() <= MAX_BRIDGE) {
                bridge = p;
                continue;
            }
            if (n instanceof FencedCodeBlock b && !language(b).isEmpty() && !language(b).equals(language(a))) {
                return Optional.of(language(a).equals("python") ? new Pair(a, b, bridge, b) : new Pair(b, a, bridge, b));
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The two listings in columns with their headers, or empty when they do not fit in {@code width}. */
    static Optional<List<Line>> render(Pair pair, int width) {
        List<String> left = lines(pair.python());
        List<String> right = lines(pair.java());
        int leftWidth = Math.max("Python".length(), left.stream().mapToInt(Text::width).max().orElse(0));
        int rightWidth = right.stream().mapToInt(Text::width).max().orElse(0);
        if (2 + leftWidth + GAP.length() + rightWidth > width) {
            return Optional.empty();
        }
        int total = 2 + leftWidth + GAP.length() + rightWidth;
        List<Line> out = new ArrayList<>();
        out.add(Line.of(Span.of("  "), new Span(Text.pad("Python", leftWidth), Style.DIM), new Span(GAP, Style.DIM),
                new Span(Text.pad("Java", rightWidth), Style.DIM)));
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            String l = i < left.size() ? left.get(i) : "";
            String r = i < right.size() ? right.get(i) : "";
            List<Span> spans = new ArrayList<>();
            spans.add(Span.of("  "));
            spans.addAll(CodeColours.line(l, "python"));
            spans.add(Span.of(" ".repeat(leftWidth - Text.width(l))));
            spans.add(new Span(GAP, Style.DIM));
            spans.addAll(CodeColours.line(r, "java"));
            // Every row as wide as the pair, so a reader that centres wide rows keeps the columns aligned.
            spans.add(Span.of(" ".repeat(total - 2 - leftWidth - GAP.length() - Text.width(r))));
            out.add(new Line(spans));
        }
        out.add(Line.EMPTY);
        return Optional.of(out);
    }

    private static List<String> lines(FencedCodeBlock block) {
        return List.of(block.getLiteral().stripTrailing().replace("\t", "    ").split("\n", -1));
    }

    private static String language(FencedCodeBlock block) {
        String info = block.getInfo() == null ? "" : block.getInfo().strip();
        String lang = info.isEmpty() ? "" : info.split("\\s+")[0];
        return lang.equals("python") || lang.equals("java") ? lang : "";
    }
}
