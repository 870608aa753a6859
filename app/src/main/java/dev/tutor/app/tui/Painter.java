package dev.tutor.app.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import dev.tutor.app.tui.text.Frame;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import java.util.EnumSet;
import java.util.Set;

/**
 * Draws a {@link Frame} onto Lanterna's {@link TextGraphics}: the only place where meanings become colours.
 *
 * <p>In monochrome ({@code NO_COLOR}) only bold, italic and reverse remain; the glyphs carry the rest.
 * Called only on the UI thread.
 */
final class Painter {
    private Painter() {
    }

    static void paint(Frame frame, TextGraphics g, boolean color) {
        for (int row = 0; row < frame.rows(); row++) {
            int col = 0;
            for (Span span : frame.lines().get(row).padded(frame.cols(), Style.NORMAL).spans()) {
                if (span.text().isEmpty()) {
                    continue;
                }
                apply(g, span.style(), color);
                g.putString(col, row, span.text());
                col += span.width();
            }
        }
        apply(g, Style.NORMAL, color);
    }

    private static void apply(TextGraphics g, Style style, boolean color) {
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
        g.clearModifiers();
        Set<SGR> mods = EnumSet.noneOf(SGR.class);
        switch (style) {
            case NORMAL -> {
            }
            case BOLD, KEY, PASS, FAIL, KEYWORD, HEADING, WARN, GIL_MARK, GIL_FAIL -> mods.add(SGR.BOLD);
            case ITALIC -> mods.add(SGR.ITALIC);
            case TITLE_BAR, SELECTED -> mods.add(SGR.REVERSE);
            default -> {
            }
        }
        if (color) {
            switch (style) {
                case DIM, COMMENT -> g.setForegroundColor(TextColor.ANSI.BLACK_BRIGHT);
                case HEADING -> g.setForegroundColor(TextColor.ANSI.CYAN_BRIGHT);
                case KEY, WARN -> g.setForegroundColor(TextColor.ANSI.YELLOW_BRIGHT);
                case CODE -> g.setForegroundColor(TextColor.ANSI.CYAN);
                case KEYWORD -> g.setForegroundColor(TextColor.ANSI.MAGENTA_BRIGHT);
                case STRING -> g.setForegroundColor(TextColor.ANSI.GREEN);
                case PASS -> g.setForegroundColor(TextColor.ANSI.GREEN_BRIGHT);
                case FAIL -> g.setForegroundColor(TextColor.ANSI.RED_BRIGHT);
                case BUSY -> g.setForegroundColor(TextColor.ANSI.YELLOW);
                case GIL_RUN -> g.setForegroundColor(TextColor.ANSI.GREEN_BRIGHT);
                case GIL_WAIT -> g.setForegroundColor(TextColor.ANSI.YELLOW);
                case GIL_IO -> g.setForegroundColor(TextColor.ANSI.CYAN_BRIGHT);
                case GIL_MARK -> g.setForegroundColor(TextColor.ANSI.MAGENTA_BRIGHT);
                case GIL_FAIL -> g.setForegroundColor(TextColor.ANSI.RED_BRIGHT);
                case TITLE_BAR -> {
                    mods.remove(SGR.REVERSE);
                    mods.add(SGR.BOLD);
                    g.setForegroundColor(TextColor.ANSI.WHITE_BRIGHT);
                    g.setBackgroundColor(TextColor.ANSI.BLUE);
                }
                default -> {
                }
            }
        }
        if (!mods.isEmpty()) {
            g.enableModifiers(mods.toArray(SGR[]::new));
        }
    }
}
