package dev.tutor.app.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.screen.Screen;
import dev.tutor.app.tui.text.Frame;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The UI thread's loop: takes messages from the inbox, reads keys and resizes from the screen, runs
 * {@link Update}, hands effects on, and repaints when the state changed.
 *
 * <p>It alone touches the {@link Screen}. Other threads only add to {@link #inbox()}. Keys are polled between
 * messages (at most {@link #POLL_MILLIS} apart), so that a single thread owns both input and output.
 */
final class TutorLoop {
    /** How long the loop waits for a message before it looks at the keyboard again. */
    private static final long POLL_MILLIS = 15;

    private final Screen screen;
    private final BlockingQueue<Msg> inbox = new LinkedBlockingQueue<>();
    private TutorState state;

    TutorLoop(Screen screen, TutorState initial) {
        this.screen = screen;
        this.state = initial;
    }

    BlockingQueue<Msg> inbox() {
        return inbox;
    }

    TutorState state() {
        return state;
    }

    /**
     * Runs until an effect runner answers false (a quit). Called only on the UI thread, after {@link #paint()}
     * has drawn the first frame: the caller paints it before starting anything slow.
     *
     * @param effects starts one effect and says whether to go on
     */
    void run(Predicate<Effect> effects) throws IOException, InterruptedException {
        while (true) {
            boolean changed = false;
            KeyStroke key;
            while ((key = screen.pollInput()) != null) {
                if (!handle(new Msg.KeyPressed(KeyMapping.of(key)), effects)) {
                    return;
                }
                changed = true;
            }
            TerminalSize resized = screen.doResizeIfNecessary();
            if (resized != null) {
                handle(new Msg.Resized(resized.getColumns(), resized.getRows()), effects);
                changed = true;
            }
            Msg msg = inbox.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            while (msg != null) { // drain what piled up, then paint once
                TutorState before = state;
                if (!handle(msg, effects)) {
                    return;
                }
                changed |= state != before;
                msg = inbox.poll();
            }
            if (changed) {
                paint(resized != null);
            }
        }
    }

    /** Applies one message; false when it asked to quit. */
    boolean handle(Msg msg, Predicate<Effect> effects) {
        Next next = Update.update(state, msg);
        state = next.state();
        for (Effect effect : next.effects()) {
            if (!effects.test(effect)) {
                return false;
            }
        }
        return true;
    }

    void paint() throws IOException {
        paint(true);
    }

    private void paint(boolean complete) throws IOException {
        Frame frame = Views.render(state);
        Painter.paint(frame, screen.newTextGraphics(), state.display().glyphs().color());
        screen.refresh(complete ? Screen.RefreshType.COMPLETE : Screen.RefreshType.DELTA);
    }
}
