package dev.tutor.runtime.meter;

import java.io.Closeable;
import java.io.IOException;

/** The small chores the meters' servers and clients share: daemon threads, quiet closing, bounded joins. */
final class Servers {
    /** How long closing waits for a thread before it gives up on it; they all end at once in practice. */
    static final long JOIN_MILLIS = 5_000;

    private Servers() {
    }

    /** A daemon thread, not started: a forgotten meter must not keep the JVM alive. */
    static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing on the way out: it is gone either way
        }
    }

    static void join(Thread thread) {
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
