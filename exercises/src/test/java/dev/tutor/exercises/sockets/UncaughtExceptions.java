package dev.tutor.exercises.sockets;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Records the exceptions that end the server's threads uncaught, for the tests that say a client's thread ends
 * by returning. While it is open, this JVM's default handler of uncaught exceptions notes each one (the thread,
 * the exception, and the server's line it came out of) instead of printing it. A thread's handler has run by
 * the time the thread has ended, so a look after a join, or after the test has seen the thread end, finds it.
 * Threads alive before the server started and the test's own ("test-...") are left out: they are not the
 * server's. Not a test itself.
 */
final class UncaughtExceptions implements AutoCloseable {
    /** How many exceptions a message names; the rest are counted. */
    private static final int NAMED = 3;

    private final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    private final List<Ended> ended = new CopyOnWriteArrayList<>();

    /** One thread of the server that an exception ended. */
    private record Ended(String thread, Throwable thrown) {
        String describe() {
            StackTraceElement[] stack = thrown.getStackTrace();
            StackTraceElement where = stack.length == 0 ? null : stack[0];
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().startsWith(ThreadPerClientServer.class.getName())) {
                    where = frame; // the learner's line the exception left, rather than the JDK's
                    break;
                }
            }
            return "\"" + thread + "\" threw " + thrown + (where == null ? "" : " at " + where);
        }
    }

    private UncaughtExceptions() {
    }

    /** Starts recording the uncaught exceptions of threads that are not in {@code before}. */
    static UncaughtExceptions record(Set<Thread> before) {
        UncaughtExceptions recording = new UncaughtExceptions();
        Thread.setDefaultUncaughtExceptionHandler((thread, thrown) -> {
            if (!before.contains(thread) && !thread.getName().startsWith("test-")) {
                recording.ended.add(new Ended(thread.getName(), thrown));
            } else if (recording.previous != null) {
                recording.previous.uncaughtException(thread, thrown);
            } else {
                thrown.printStackTrace();
            }
        });
        return recording;
    }

    /** How many have been recorded so far: a mark for {@link #since(int, Predicate)}. */
    int count() {
        return ended.size();
    }

    /** Those recorded so far, described for a message; empty if none. */
    List<String> all() {
        return since(0, thrown -> true);
    }

    /**
     * Those recorded after {@code mark} whose exception {@code which} accepts, described for a message (at most
     * three, then how many more); empty if none.
     */
    List<String> since(int mark, Predicate<Throwable> which) {
        List<Ended> seen = ended.subList(Math.min(mark, ended.size()), ended.size()).stream()
                .filter(e -> which.test(e.thrown())).toList();
        List<String> described = new ArrayList<>(seen.stream().limit(NAMED).map(Ended::describe).toList());
        if (seen.size() > NAMED) {
            described.add("and " + (seen.size() - NAMED) + " more");
        }
        return described;
    }

    /**
     * Whether {@code thrown}, or an exception it wraps, came out of a listening socket's accept(): the accepting
     * thread's way out once close() has closed the listening socket, which these tests do not judge.
     */
    static boolean fromAccept(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().equals("java.net.ServerSocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Puts back the handler that was there before. */
    @Override
    public void close() {
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }
}
