package dev.tutor.exercises.tasks;

import java.util.Random;

/**
 * A page the {@link PageServer} serves: a negative status answers with text that is not HTTP (see
 * {@link #NO_STATUS_LINE}, {@link #NO_BLANK_LINE}); a {@code summaryFailure} is what summarise throws for its body:
 * a RuntimeException or an Error, each with a cause of its own, so that the failure handed over can be told from
 * what it wraps.
 */
record ServedPage(String path, int status, String body, Throwable summaryFailure, ServedPage.Delivery delivery) {

    /** A page status that makes the server answer with text, an empty line and a body, and no status line. */
    static final int NO_STATUS_LINE = -1;
    /** A page status that makes the server answer with a status line and text, and no empty line after it. */
    static final int NO_BLANK_LINE = -2;
    /** A page status that makes the server send a head and part of the body, then reset the connection. */
    static final int RESET_MIDWAY = -3;

    /** How the server writes an answer. */
    enum Delivery {
        /** the head, then the body, in two writes */
        HEAD_THEN_BODY,
        /** head and body in one small write, which arrives in one read */
        ONE_WRITE,
        /** in pieces, each written once the check has read everything before it */
        PIECES
    }

    ServedPage failingSummary() {
        return new ServedPage(path, status, body, new IllegalStateException("summary of " + path + " failed on purpose",
                new ArithmeticException("the cause inside the failure of " + path)), delivery);
    }

    /** The same page, whose summary throws an Error, which the pool's job must hand over as well. */
    ServedPage summaryThrowingAnError() {
        return new ServedPage(path, status, body, new AssertionError("summary of " + path + " failed on purpose,"
                + " with an Error", new ArithmeticException("the cause inside the Error of " + path)), delivery);
    }

    /** The same page written in pieces; its body gets a two-byte character to cut if it has none. */
    ServedPage inPieces(Random random) {
        String text = body.chars().anyMatch(c -> c >= 0x80) ? body : insert(random, body, "\u00e9");
        return new ServedPage(path, status, text, summaryFailure, Delivery.PIECES);
    }

    /** The same page with an empty line ({@code \r\n\r\n}) somewhere in its body. */
    ServedPage withEmptyLineInBody(Random random) {
        return new ServedPage(path, status, insert(random, body, "\r\n\r\n"), summaryFailure, delivery);
    }

    private static String insert(Random random, String text, String what) {
        int at = random.nextInt(text.length() + 1);
        return text.substring(0, at) + what + text.substring(at);
    }
}
