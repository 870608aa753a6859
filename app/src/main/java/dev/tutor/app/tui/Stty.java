package dev.tutor.app.tui;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads and sets the modes of the process's controlling terminal with {@code stty}, the one way to do so from a
 * JVM: for the full screen's start and end, and for lending the terminal to a demo.
 */
final class Stty {
    /** The controlling terminal; where a system has none, the full screen leaves the terminal to Lanterna. */
    static final File TTY = new File("/dev/tty");

    private Stty() {
    }

    /** The terminal's modes now, as {@code stty -g} prints them; empty where they cannot be read. */
    static Optional<String> modes() {
        return run("stty -g").filter(modes -> !modes.isBlank());
    }

    /** Gives the terminal the {@code modes} one of {@link #modes()}'s readings printed. */
    static void restore(String modes) {
        run("stty " + modes);
    }

    /**
     * Reads the terminal's modes and then changes them with {@code arguments}, in one child process; the modes
     * from before the change, empty where they could not be read (and then nothing was changed).
     */
    static Optional<String> modesBefore(String arguments) {
        // The modes once read are worth keeping, to restore, even if a change is refused.
        return run("stty -g && { stty " + arguments + " || true; }").flatMap(output -> output.lines().findFirst())
                .filter(modes -> !modes.isBlank());
    }

    /** Runs {@code script} with the terminal as its input; what it printed if it ended well, else empty. */
    private static Optional<String> run(String script) {
        try {
            Process shell = new ProcessBuilder("/bin/sh", "-c", script)
                    .redirectInput(TTY)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return shell.waitFor() == 0 ? Optional.of(output) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
