package dev.tutor.app.cli;

/**
 * Ctrl-C as a request to stop, for commands that run until the learner has had enough ({@code watch}): the
 * command then ends the normal way, closes what it opened and exits 0, instead of the JVM dying of SIGINT
 * with status 130.
 */
final class CtrlC {
    private CtrlC() {
    }

    /**
     * Runs {@code stop} when Ctrl-C is pressed, in place of ending the JVM; returns false where the platform
     * does not allow it, and Ctrl-C then ends the JVM as usual.
     */
    @SuppressWarnings("restriction")
    static boolean onInterrupt(Runnable stop) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stop.run());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError notHere) {
            return false;
        }
    }
}
