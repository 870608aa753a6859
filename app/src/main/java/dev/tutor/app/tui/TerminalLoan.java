package dev.tutor.app.tui;

import com.googlecode.lanterna.screen.TerminalScreen;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;

/**
 * Lends the real terminal to a program for as long as it runs, such as a lesson's demo that asks the learner for
 * a prediction: the full screen is put away, the terminal gets back the modes it had before the tutor started,
 * Ctrl-C reaches the program and not the tutor, and the full screen returns when the learner presses a key.
 *
 * <p>Called only on the UI thread, which owns the screen; the loop waits while the program runs, and the
 * messages that arrive meanwhile (saves, verdicts) are handled when it returns.
 */
final class TerminalLoan {
    /** How long the bytes of one key's escape sequence may take to arrive after the first. */
    private static final long KEY_SEQUENCE_MILLIS = 30;

    private final TerminalScreen screen;
    private final Optional<String> ownModes;
    private final PrintStream out;
    private final InputStream in;

    /** xterm's alternate screen, cleared, cursor home; and back to the normal screen as it was. */
    private static final String ENTER_ALTERNATE_SCREEN = "\033[?1049h\033[H\033[2J";
    private static final String LEAVE_ALTERNATE_SCREEN = "\033[?1049l";

    /**
     * @param ownModes the terminal's modes from before the tutor took it ({@code stty -g}, as
     *                 {@link BatchedUnixTerminal#ownModes()} read them); empty where they could not be read, and
     *                 then nothing is lent
     */
    TerminalLoan(TerminalScreen screen, Optional<String> ownModes, PrintStream out, InputStream in) {
        this.screen = screen;
        this.ownModes = ownModes;
        this.out = out;
        this.in = in;
    }

    /**
     * Runs {@code command} on the real terminal, under {@code title}, and brings the full screen back.
     *
     * @param instead how to run the same from a shell, for when this terminal cannot be lent
     * @return a line for the learner when the program could not run, else empty
     */
    Optional<String> run(List<String> command, String title, String instead) {
        if (ownModes.isEmpty()) {
            return Optional.of("This terminal cannot be lent to the demo; run '" + instead + "' in another one.");
        }
        Optional<String> tutorModes = Stty.modes(); // the full screen's own
        Object previousInterruptHandler = null;
        boolean altScreen = false;
        try {
            screen.stopScreen();
            Stty.restore(ownModes.get());
            // The demo gets an alternate screen of its own, so that what it printed, and the line asking for a
            // key, are gone from the learner's shell once the tutor ends.
            out.print(ENTER_ALTERNATE_SCREEN);
            altScreen = true;
            out.println(title);
            out.println();
            out.flush();
            previousInterruptHandler = InterruptShield.raise();
            Process program = new ProcessBuilder(command).inheritIO().start();
            int status = program.waitFor();
            // Back in the tutor's own modes, one key press answers, Ctrl-C included.
            tutorModes.ifPresent(Stty::restore);
            out.println();
            out.print(status == 0 ? "The demo has ended." : "The demo stopped (exit code " + status + ").");
            out.print(" Press any key to go back to the tutor.");
            out.flush();
            waitForKey();
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("Could not start the demo: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            tutorModes.ifPresent(Stty::restore);
            InterruptShield.lower(previousInterruptHandler);
            if (altScreen) {
                out.print(LEAVE_ALTERNATE_SCREEN);
                out.flush();
            }
            try {
                screen.startScreen();
            } catch (IOException e) {
                // The next paint tries again; nothing better to do here.
            }
        }
    }

    /** Reads one key press, and the rest of its bytes (an arrow key sends three), so none reaches the screen. */
    private void waitForKey() throws IOException, InterruptedException {
        if (in.read() == -1) {
            return;
        }
        Thread.sleep(KEY_SEQUENCE_MILLIS);
        while (in.available() > 0 && in.read() != -1) {
            // the rest of an escape sequence
        }
    }

    /**
     * Keeps Ctrl-C from ending the tutor while a program has the terminal: the terminal sends SIGINT to every
     * process in the foreground, the tutor's JVM included, and the JVM's own handler would run its shutdown.
     * A handler that does nothing replaces it for the while; unlike an ignored signal, a caught one goes back
     * to its default in a child, so the program still stops on Ctrl-C. {@code sun.misc.Signal} is reached by
     * reflection, as JLine does, because it is not a public API.
     */
    private static final class InterruptShield {
        private InterruptShield() {
        }

        /** Installs the do-nothing handler; returns the one it replaced, or null where that is impossible. */
        static Object raise() {
            try {
                Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
                Object doNothing = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                        (proxy, method, args) -> switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            case "toString" -> "tutor: Ctrl-C belongs to the demo";
                            default -> null;
                        });
                return handle(doNothing);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        static void lower(Object previous) {
            if (previous == null) {
                return;
            }
            try {
                handle(previous);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // The tutor keeps the do-nothing handler: Ctrl-C is a key again once the full screen is back.
            }
        }

        private static Object handle(Object handler) throws ReflectiveOperationException {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object interrupt = signalType.getConstructor(String.class).newInstance("INT");
            return signalType.getMethod("handle", signalType, handlerType).invoke(null, interrupt, handler);
        }
    }
}
