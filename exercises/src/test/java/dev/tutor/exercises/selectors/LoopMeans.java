package dev.tutor.exercises.selectors;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.ServeLoop;

/**
 * The rules of how a selector server's loop is stopped and cleaned up, read off its compiled class
 * ({@link ServeLoop}), for the tests of the servers of lesson 9: races of a few nanoseconds and a failure no test
 * can cause on cue, which no run of the code shows reliably but the code shows every time. Not a test itself.
 */
final class LoopMeans {
    private LoopMeans() {
    }

    /**
     * Fails if {@code stop()} tells the loop to end through a plain field, or wakes the selector only before it
     * sets the flag the loop tests.
     */
    static void assertStopReachesTheLoop(Class<?> server) {
        ServeLoop code = ServeLoop.of(server, "serve", "stop");
        for (ServeLoop.PlainFlag flag : code.plainFlags()) {
            fail("The field " + flag.field() + " is set in " + flag.written() + " and read in " + flag.read()
                    + ", but it is a plain field: not volatile, and no lock is taken around it. stop() runs on"
                    + " another thread than serve(), and with nothing ordering the write before the read, the Java"
                    + " memory model lets the serving thread go on seeing the old value for ever, though a run"
                    + " seldom shows it. Declare it volatile, or use an AtomicBoolean.");
        }
        code.wakeupBeforeFlag().ifPresent(first -> fail("The selector is woken at " + first.wakeup()
                + ", and only then is " + first.flag() + " set, at " + first.set() + ". If the wakeup lands first,"
                + " select() returns, the loop tests " + first.flag() + " while it is still unset and goes back"
                + " into select(), and nothing will wake it again: serve() never ends. Set the flag first, then"
                + " call selector.wakeup()."));
    }

    /** Fails if nothing is closed on the way out of {@code serve()} when its {@code select()} throws. */
    static void assertSelectFailureClosesEverything(Class<?> server) {
        ServeLoop.of(server, "serve", "stop").selectFailureClosesNothing().ifPresent(at -> fail("If select()"
                + " throws (an IOException, or a ClosedSelectorException) at " + at + ", no path out of serve()"
                + " from there closes anything: not a connection, not the listening channel, not the selector."
                + " A clean-up that follows the loop runs only when the loop ends normally. Put the loop in"
                + " try { ... } finally { ... }, with the clean-up in the finally, so that everything is closed"
                + " however serve() ends."));
    }
}
