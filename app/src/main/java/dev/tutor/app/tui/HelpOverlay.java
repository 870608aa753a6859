package dev.tutor.app.tui;

import dev.tutor.app.tui.text.Line;
import dev.tutor.app.tui.text.Span;
import dev.tutor.app.tui.text.Style;
import dev.tutor.app.tui.text.Text;
import java.util.ArrayList;
import java.util.List;

/** The help screen over the body: every key of every screen, so nothing has to be remembered. */
final class HelpOverlay {
    /** Each key with what it does; an empty key starts a new group, named by the description. */
    static final String[][] KEYS = {
        {"", "Everywhere"},
        {"?", "show or hide this help"},
        {"q  Ctrl-C", "quit (your progress is saved as you go)"},
        {"esc  ←  backspace", "back to the course map"},
        {"", "Course map"},
        {"↑ ↓  k j", "move the selection"},
        {"Home End  g G", "first or last row"},
        {"enter  →  l", "open the lesson or exercise"},
        {"r", "select the next exercise to do"},
        {"", "Lesson"},
        {"↑ ↓  k j", "scroll a line"},
        {"PgUp PgDn  b space", "scroll a page"},
        {"Home End  g G", "top or end"},
        {"enter  e", "open the lesson's first exercise"},
        {"d", "run the lesson's demo in the terminal; a key brings the tutor back"},
        {"m", "the same demo on your own loop (lesson 10, once mini-loop passes)"},
        {"v  t", "the GIL timeline (lessons 5, 6); the event loop turn by turn"},
        {"s", "three echo servers side by side, live meters (lessons 7 to 9)"},
        {"demo: space . + - [ ]", "pause, step, speed, GIL switch interval; 1 2 3 s f"},
        {"", "Exercise (save the file in your editor to have it graded)"},
        {"h", "show the next hint, or the one the verdict points to"},
        {"s", "show the reference solution (asks first until you pass)"},
        {"c", "check now, without saving"},
        {"n  p", "next or previous exercise"},
        {"l", "read the exercise's lesson"},
        {"↑ ↓  PgUp PgDn", "scroll the panel"},
    };

    private HelpOverlay() {
    }

    static List<Line> lines(TutorState s) {
        List<Line> out = new ArrayList<>();
        if (s.display().bodyRows() > KEYS.length) {
            out.add(Line.EMPTY);
        }
        for (String[] k : KEYS) {
            if (k[0].isEmpty()) {
                out.add(Line.of(new Span("  " + k[1], Style.HEADING)));
            } else {
                String key = s.display().glyphs().rule().equals("─") ? k[0]
                        : k[0].replace("↑ ↓", "up down").replace("←", "left").replace("→", "right");
                out.add(Line.of(new Span("    " + Text.pad(key, 22), Style.KEY), Span.of(k[1])));
            }
        }
        return out;
    }
}
