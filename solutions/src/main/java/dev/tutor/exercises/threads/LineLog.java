package dev.tutor.exercises.threads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A log that many threads write lines to at the same time, each line built from several pieces.
 *
 * <p>Every write to the sink happens while holding one lock, this log itself, and a line is written
 * whole inside it: {@link #log} holds the lock from its first part to the {@code '\n'}. The pieces of
 * {@link #print} wait in a builder that belongs to the calling thread alone, since no lock should stay
 * held from one call to another, and {@link #endLine} writes them under the same lock as {@code log}.
 */
public final class LineLog {
    private final Appendable sink;
    /** Each thread's unfinished line; no other thread ever sees it. */
    private final ThreadLocal<StringBuilder> currentLine = ThreadLocal.withInitial(StringBuilder::new);

    /** A log that writes its lines, each ended by {@code '\n'}, to {@code sink}. */
    public LineLog(Appendable sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Writes one line: all {@code parts}, one after another as given, then {@code '\n'}. No piece of
     * another thread's line may come between them.
     */
    public void log(String... parts) {
        synchronized (this) {
            for (String part : parts) {
                write(part);
            }
            write("\n");
        }
    }

    /**
     * Adds {@code part} to the calling thread's current line. Nothing is written until the same thread
     * calls {@link #endLine}; pieces that other threads print meanwhile belong to their own lines.
     */
    public void print(String part) {
        currentLine.get().append(part);
    }

    /**
     * Ends the calling thread's current line: writes every piece it printed since its last
     * {@code endLine()}, in order, then {@code '\n'}, as one whole line, and starts a new, empty line.
     */
    public void endLine() {
        StringBuilder line = currentLine.get();
        synchronized (this) {
            write(line);
            write("\n");
        }
        line.setLength(0);
    }

    /** Appends {@code text} to the sink. Called only while holding the lock on this log. */
    private void write(CharSequence text) {
        try {
            sink.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
