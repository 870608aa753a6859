package dev.tutor.lessons;

import java.io.Console;
import java.util.Optional;

/**
 * Asks the learner to predict what a demo is about to measure, and later prints the guess beside the
 * measurement.
 *
 * <p>Why it exists: the course's rule is that a learner predicts first and measures second, on their own
 * machine, so that the measurement can surprise them. Every demo asks the same way through this class.
 *
 * <p>The contract: a question is asked, and a line read, only when a person is at a terminal. Started
 * from a script, a pipe, CI or the test suite, {@link #ask} prints nothing, reads nothing and returns
 * empty at once, so a demo never waits for an answer nobody can give, and its output is the same as
 * it would be with no prediction at all.
 */
public final class Prediction {

    /** The widest a question's line may be: terminals have at least 80 columns; a word cut at the edge reads badly. */
    private static final int WIDTH = 80;
    private static final String LABEL = "Predict:";

    private Prediction() {
    }

    /**
     * Asks {@code question} and returns the learner's answer, stripped; empty when there is no terminal,
     * or when the learner just pressed Enter or ended the input.
     */
    public static Optional<String> ask(String question) {
        return ask(question, terminal());
    }

    /**
     * Prints the learner's guess and, under it and lined up with it, what the demo measured; prints
     * nothing when there is no guess, so that output without a terminal stays as it was.
     */
    public static void printBeside(Optional<String> guess, String measured) {
        guess.ifPresent(answer -> System.out.println(beside(answer, measured)));
    }

    /** Asks on {@code console}, or asks nothing when it is null: the part of {@link #ask(String)} a test can reach. */
    static Optional<String> ask(String question, Console console) {
        if (console == null) {
            return Optional.empty();
        }
        System.out.flush(); // the demo's own lines came through System.out; they belong above the question
        String answer = console.readLine("%n%s%n> ", prompt(question));
        return answer == null || answer.isBlank() ? Optional.empty() : Optional.of(answer.strip());
    }

    /**
     * "Predict:" and {@code question}, broken between words so that no line is wider than {@link #WIDTH},
     * the later lines indented under the question's first word.
     */
    static String prompt(String question) {
        String indent = " ".repeat(LABEL.length() + 1);
        StringBuilder text = new StringBuilder(LABEL);
        int column = LABEL.length();
        for (String word : question.strip().split("\\s+")) {
            if (column + 1 + word.length() > WIDTH) {
                text.append(System.lineSeparator()).append(indent).append(word);
                column = indent.length() + word.length();
            } else {
                text.append(' ').append(word);
                column += 1 + word.length();
            }
        }
        return text.toString();
    }

    /** The two lines {@link #printBeside} prints: the guess, then the measurement. */
    static String beside(String guess, String measured) {
        return "  You predicted: " + guess + System.lineSeparator()
                + "  Measured:      " + measured;
    }

    /**
     * The console when a person is at it, null otherwise. From JDK 22 a Console may exist while the
     * streams are redirected, and {@code Console.isTerminal()} tells the two apart; the course compiles
     * for JDK 21, which has no such method but gives a Console only to a terminal, so the method is looked
     * up at run time.
     */
    static Console terminal() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console) ? console : null;
        } catch (ReflectiveOperationException e) {
            return console; // JDK 21: a Console exists only for a terminal
        }
    }
}
