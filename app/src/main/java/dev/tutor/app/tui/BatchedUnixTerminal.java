package dev.tutor.app.tui;

import com.googlecode.lanterna.terminal.ansi.UnixTerminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.Optional;
import sun.misc.Signal;

/**
 * The full screen's Unix terminal, which takes the terminal over in one child process where Lanterna's own
 * takes six.
 *
 * <p>Lanterna's {@link UnixTerminal} starts {@code stty} once to save the terminal's modes and once for each mode
 * it changes (no canonical input, one byte at a time, no echo, Ctrl-C as a key), and the tutor read the modes a
 * sixth time for its demos. Each child process costs a JVM 10 to 30 ms before the first screen, so here one shell
 * prints the modes and then changes them all. Modes changed after the start, and the restore at the end, go
 * through Lanterna's usual path. The window-size signal is caught with a handler of our own instead of Lanterna's
 * reflective proxy, whose class generation cost another 25 ms.
 */
final class BatchedUnixTerminal extends UnixTerminal {
    // Set while the superclass's constructor runs, so neither may have an initializer (that would run after it).
    private String ownModes;
    private boolean started;

    BatchedUnixTerminal(InputStream in, OutputStream out, Charset charset) throws IOException {
        super(in, out, charset, CtrlCBehaviour.TRAP);
        started = true;
    }

    /** The terminal's modes from before the tutor took it, as {@code stty -g} prints them; empty if unread. */
    Optional<String> ownModes() {
        return Optional.ofNullable(ownModes);
    }

    @Override
    protected void saveTerminalSettings() {
        // The same modes Lanterna's start asks for one by one (CtrlCBehaviour.TRAP adds "intr undef").
        ownModes = Stty.modesBefore("-icanon min 1 -echo intr undef").orElse(null);
    }

    @Override
    protected void restoreTerminalSettings() {
        if (ownModes != null) {
            Stty.restore(ownModes);
        }
    }

    // Lanterna's start asks for these one by one; saveTerminalSettings has made them all in its one call.
    @Override
    protected void canonicalMode(boolean enabled) throws IOException {
        onceStarted(() -> super.canonicalMode(enabled));
    }

    @Override
    protected void keyEchoEnabled(boolean enabled) throws IOException {
        onceStarted(() -> super.keyEchoEnabled(enabled));
    }

    @Override
    protected void keyStrokeSignalsEnabled(boolean enabled) throws IOException {
        onceStarted(() -> super.keyStrokeSignalsEnabled(enabled));
    }

    private void onceStarted(ModeChange change) throws IOException {
        if (started) {
            change.run();
        }
    }

    /** A change of one terminal mode through Lanterna's own stty call. */
    @FunctionalInterface
    private interface ModeChange {
        void run() throws IOException;
    }

    @Override
    protected void registerTerminalResizeListener(Runnable onResize) throws IOException {
        try {
            Signal.handle(new Signal("WINCH"), signal -> onResize.run());
        } catch (IllegalArgumentException | LinkageError noSuchSignal) {
            super.registerTerminalResizeListener(onResize);
        }
    }
}
