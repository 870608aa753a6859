package dev.tutor.app.tui;

import com.googlecode.lanterna.input.KeyStroke;
import dev.tutor.app.tui.Key.Kind;

/** Turns Lanterna's key strokes into the tutor's {@link Key}, so that {@link Update} never sees Lanterna. */
final class KeyMapping {
    private KeyMapping() {
    }

    static Key of(KeyStroke stroke) {
        return switch (stroke.getKeyType()) {
            case Character -> new Key(Kind.CHAR, stroke.getCharacter(), stroke.isCtrlDown());
            case Enter -> Key.of(Kind.ENTER);
            case Escape -> Key.of(Kind.ESCAPE);
            case Backspace -> Key.of(Kind.BACKSPACE);
            case ArrowUp -> Key.of(Kind.UP);
            case ArrowDown -> Key.of(Kind.DOWN);
            case ArrowLeft -> Key.of(Kind.LEFT);
            case ArrowRight -> Key.of(Kind.RIGHT);
            case PageUp -> Key.of(Kind.PAGE_UP);
            case PageDown -> Key.of(Kind.PAGE_DOWN);
            case Home -> Key.of(Kind.HOME);
            case End -> Key.of(Kind.END);
            case Tab -> Key.of(Kind.TAB);
            // The terminal went away (input closed): behave as Ctrl-C, so the tutor ends cleanly.
            case EOF -> Key.ctrl('c');
            default -> Key.of(Kind.OTHER);
        };
    }
}
