package dev.tutor.lessons.javaanswers;

import java.io.Console;
import java.util.List;

/**
 * Lesson 12's demos in one place, for the tutor's {@code d} key, which starts a lesson's first demo: asks
 * which of the three to run (only when a person is at the terminal) and runs it in this JVM.
 * {@code JavaAnswersDemo 2} picks the second without asking; with no terminal and no argument, the first
 * runs, the one that takes well under a second.
 */
public final class JavaAnswersDemo {

    /** The lesson's demos, in the order the lesson meets them. */
    private record Choice(String title, String length, Demo demo) {
    }

    @FunctionalInterface
    private interface Demo {
        void run(String[] args) throws Exception;
    }

    private static final List<Choice> CHOICES = List.of(
            new Choice("FutureThreadsDemo: which thread runs a stage, where an exception goes", "under a second",
                    FutureThreadsDemo::main),
            new Choice("TenThousandFetchesDemo: virtual threads, platform threads, the loop", "about half a minute",
                    TenThousandFetchesDemo::main),
            new Choice("PinningLabDemo: pinning on every JDK 21+ here, JFR events live", "about fifteen seconds",
                    PinningLabDemo::main));

    private JavaAnswersDemo() {
    }

    public static void main(String[] args) throws Exception {
        int choice = args.length > 0 ? parse(args[0]) : ask();
        if (choice < 1) {
            System.out.println("No demo '" + args[0] + "': use 1, 2 or 3.");
            return;
        }
        CHOICES.get(choice - 1).demo().run(new String[0]);
    }

    private static int ask() {
        Console console = terminal();
        if (console == null) {
            return 1;
        }
        for (int i = 0; i < CHOICES.size(); i++) {
            System.out.printf("  %d  %s (%s)%n", i + 1, CHOICES.get(i).title(), CHOICES.get(i).length());
        }
        System.out.flush();
        String answer = console.readLine("Which demo? 1, 2 or 3 (Enter for 1)> ");
        int choice = answer == null || answer.isBlank() ? 1 : parse(answer.strip());
        System.out.println();
        return choice < 1 ? 1 : choice;
    }

    /** 1 to 3 for a valid choice, 0 otherwise. */
    static int parse(String text) {
        try {
            int choice = Integer.parseInt(text.strip());
            return choice >= 1 && choice <= CHOICES.size() ? choice : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The console when a person is at it, as {@code Prediction} decides it (JDK 22+ isTerminal, else presence). */
    private static Console terminal() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console) ? console : null;
        } catch (ReflectiveOperationException e) {
            return console;
        }
    }
}
