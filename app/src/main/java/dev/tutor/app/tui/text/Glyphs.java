package dev.tutor.app.tui.text;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The symbols that carry meaning on screen, so that it reads without colour: passed, failed, not started,
 * busy, the selection marker, the spinner's frames, rules. ASCII where the terminal cannot show Unicode.
 *
 * @param color whether colour is allowed ({@code NO_COLOR} unset)
 */
public record Glyphs(String pass, String fail, String notStarted, String busy, String pointer, String bullet, String rule,
              String quote, String[] spinner, boolean color) {

    public static final Glyphs UNICODE = new Glyphs("✓", "✗", "○", "◌", "▸", "•", "─", "│",
            new String[] {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}, true);
    public static final Glyphs ASCII = new Glyphs("+", "x", "o", "~", ">", "*", "-", "|",
            new String[] {"|", "/", "-", "\\"}, true);

    /**
     * The glyphs for this terminal: ASCII unless the output is UTF-8, no colour when {@code NO_COLOR} is set to
     * anything non-empty (https://no-color.org).
     */
    public static Glyphs forEnvironment(Map<String, String> env, Charset stdout) {
        Glyphs base = stdout.equals(StandardCharsets.UTF_8) ? UNICODE : ASCII;
        String noColor = env.get("NO_COLOR");
        return noColor != null && !noColor.isEmpty() ? base.monochrome() : base;
    }

    public Glyphs monochrome() {
        return new Glyphs(pass, fail, notStarted, busy, pointer, bullet, rule, quote, spinner, false);
    }

    public String spinnerFrame(long nanos) {
        return spinner[(int) ((nanos / 100_000_000L) % spinner.length)];
    }
}
