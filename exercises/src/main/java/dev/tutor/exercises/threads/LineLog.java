package dev.tutor.exercises.threads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A log that many threads write lines to at the same time, each line built from several pieces.
 *
 * <p>A line reaches the sink in more than one step: a piece, another piece, then the line's end. When two
 * threads write at once, the scheduler may switch between them after any step, and without care their
 * pieces end up mixed in one line: {@code "GET /a GET /b 200 OK\n200 OK\n"}. This class must make sure that
 * every line comes out whole, with only its own pieces, in its own order, and that no line is lost.
 *
 * <p>The sink is like a {@link StringBuilder}: it is safe for one thread at a time only, so this class
 * must never let two threads use it at once.
 *
 * <p>A thread's unfinished line is its own, whatever the thread's name (two threads may share one, and
 * virtual threads have none), and each log keeps its own lines. When the sink throws, the call that was
 * writing throws an {@link UncheckedIOException} with the sink's exception as its cause, and the log stays
 * usable by every thread.
 *
 * <p>Exercise: as given, every method writes straight to the sink, and lines from different threads mix.
 * Make {@link #log}, then {@link #print} with {@link #endLine}, safe for any number of threads.
 */
public final class LineLog {
    private final Appendable sink;

    /** A log that writes its lines, each ended by {@code '\n'}, to {@code sink}. */
    public LineLog(Appendable sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Writes one line: all {@code parts}, one after another as given, then {@code '\n'}. No piece of
     * another thread's line may come between them.
     */
    public void log(String... parts) {
        // TODO: another thread may append between any two of these appends. Make the whole line one step.
        for (String part : parts) {
            write(part);
        }
        write("\n");
    }

    /**
     * Adds {@code part} to the calling thread's current line. Nothing is written until the same thread
     * calls {@link #endLine}; pieces that other threads print meanwhile belong to their own lines.
     */
    public void print(String part) {
        // TODO: keep the piece with the calling thread's line instead of writing it now.
        write(part);
    }

    /**
     * Ends the calling thread's current line: writes every piece it printed since its last
     * {@code endLine()}, in order, then {@code '\n'}, as one whole line, and starts a new, empty line.
     */
    public void endLine() {
        // TODO: write the calling thread's line, whole, and make sure it cannot meet a line from log().
        write("\n");
    }

    /** Appends {@code text} to the sink. */
    private void write(CharSequence text) {
        try {
            sink.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
