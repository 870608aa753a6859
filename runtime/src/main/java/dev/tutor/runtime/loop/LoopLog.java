package dev.tutor.runtime.loop;

import java.io.PrintStream;

/**
 * Where the event loop reports problems it will not stop for: slow callbacks and callbacks that threw.
 *
 * <p>asyncio logs these through the {@code asyncio} logger; we keep it to one small interface so a test
 * can collect the messages and the CLI can decide how loud to be. Called on the loop thread.
 */
public interface LoopLog {

    /** Reports something suspicious that did not fail, such as a slow callback. */
    void warning(String message);

    /** Reports a callback that threw; the loop goes on with the next one. */
    void error(String message, Throwable error);

    /** Returns a log that prints one line per report to standard error, with the stack trace for errors. */
    static LoopLog stderr() {
        return printingTo(System.err);
    }

    /** Returns a log that prints to {@code out}. */
    static LoopLog printingTo(PrintStream out) {
        return new LoopLog() {
            @Override
            public void warning(String message) {
                out.println("WARNING " + message);
            }

            @Override
            public void error(String message, Throwable error) {
                out.println("ERROR " + message);
                error.printStackTrace(out);
            }
        };
    }
}
