package dev.tutor.app.tui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells whether the tutor's standard input and output are both a terminal: a person there to answer questions,
 * and a screen to draw on.
 *
 * <p>On Linux it reads where {@code /proc/self/fd/0} and {@code 1} lead, about a millisecond. Asking
 * {@code System.console()} instead costs 17 to 26 ms of a fresh JVM's start (it looks for console providers
 * among the JDK's modules and builds a console nobody uses), so it is only the fallback where there is no
 * {@code /proc}.
 */
public final class Terminals {
    private static final Path FD = Path.of("/proc/self/fd");

    private Terminals() {
    }

    /** Whether standard input and standard output are both a terminal. */
    public static boolean inputAndOutput() {
        return fromLinks(FD.resolve("0"), FD.resolve("1")).orElseGet(Terminals::fromConsole);
    }

    /**
     * What the two descriptors' links say, or empty when they cannot be read (no {@code /proc}): a terminal's is a
     * device such as {@code /dev/pts/3} or {@code /dev/tty1}, a pipe's {@code pipe:[81234]}, a file's its path.
     */
    static Optional<Boolean> fromLinks(Path input, Path output) {
        try {
            return Optional.of(isTerminal(Files.readSymbolicLink(input)) && isTerminal(Files.readSymbolicLink(output)));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static boolean isTerminal(Path target) {
        String t = target.toString();
        return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.equals("/dev/console");
    }

    /**
     * The JDK's own answer. From Java 22 a console may exist with output redirected; isTerminal() (22+) tells.
     * Reflection because the tutor is compiled for an older release.
     */
    private static boolean fromConsole() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJava) {
            return true; // before 22, a console exists only on a terminal
        }
    }
}
