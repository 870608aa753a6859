package dev.tutor.exercises.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.processes.ChildProcess.Finished;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link ChildProcess}. The tests follow the exercise: start a child and read what it says
 * (hint 1), read output larger than a pipe holds (hint 2), stop a child that outlives its limit (hint 3).
 *
 * <p>The children are the small programs nested in this class ({@link Echo}, {@link Chatter},
 * {@link Sleeper}). Each runs in a JVM of its own, so it needs this class's folder on its class path as
 * well as the test JVM's own: {@link #CHILD_CLASS_PATH}. Starting a JVM takes about half a second, so
 * the class starts four children in all and shares the first child's result between three tests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChildProcessTest {

    /** The test JVM's own class path, which holds the tests, their child classes and the class under test. */
    static final String CHILD_CLASS_PATH = System.getProperty("java.class.path");
    /** Long enough for a JVM to start and end on a busy machine, short enough to fail quickly. */
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final List<String> ECHO_ARGS = List.of("hello", "from the parent");
    private static final int ECHO_EXIT_CODE = 3;
    private static final int CHATTER_LINES = 5_000;
    private static final Duration SLEEPER_LIMIT = Duration.ofSeconds(2);
    private static final Pattern LAUNCHER_NOTE = Pattern.compile("(NOTE: )?Picked up [A-Z_]+: ");

    /** The first child's run, shared by the tests that look at it from different sides. */
    private static Finished echoed;

    @Test
    @Order(1)
    @Tag("hint:1")
    void childRunsInAProcessOfItsOwn() throws Exception {
        Finished r = echo();
        long parent = ProcessHandle.current().pid();

        assertTrue(r.pid() > 0, () -> "run() reported PID " + r.pid() + ". Every process has a positive PID;"
                + " start the child with new ProcessBuilder(command).start() and ask the Process for pid().");
        assertNotEquals(parent, r.pid(), () -> "run() reported PID " + r.pid() + ", which is this JVM's own"
                + " PID. A child is a new process with a new PID: start it with a ProcessBuilder and report"
                + " Process.pid().");
        assertFalse(r.output().isEmpty(), () -> "The child printed " + (4 + ECHO_ARGS.size()) + " lines, but"
                + " run() returned none (exit code " + r.exitCode() + "). Read the child's standard output:"
                + " process.inputReader() gives its lines.");
        assertEquals("pid " + r.pid(), r.output().get(0), () -> "The child printed its own PID,"
                + " ProcessHandle.current().pid(), as its first line, and it should be the PID run() reports."
                + " run() reported " + r.pid() + " and the output began " + head(r.output()) + ".");
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void returnsTheChildsOutputAndExitCode() throws Exception {
        Finished r = echo();

        List<String> expected = new ArrayList<>(List.of("pid " + r.pid(), "counter 7", "counter now 99"));
        expected.addAll(ECHO_ARGS);
        assertEquals(expected, r.output(), () -> "The child was given the arguments " + ECHO_ARGS + ";"
                + " it prints its PID, its counter before and after changing it, then each argument on a"
                + " line. Pass the arguments after the main class, one list element each, and return every"
                + " line the child printed.");
        assertEquals(ECHO_EXIT_CODE, r.exitCode(), () -> "The child ended with System.exit("
                + ECHO_EXIT_CODE + "), but run() reported exit code " + r.exitCode() + ". The exit code is"
                + " what process.waitFor() returns, or process.exitValue() once the child has ended.");
    }

    @Test
    @Order(3)
    @Tag("hint:1")
    void childMemoryIsItsOwn() throws Exception {
        Finished r = echo();

        assertEquals(42, Echo.counter, () -> "Before starting the child, the test set Echo.counter to 42 in"
                + " this JVM; afterwards it is " + Echo.counter + ". The child's change may only reach the"
                + " child's own memory: run the child in a new process, never by calling its main here.");
        assertTrue(r.output().size() > 1 && r.output().get(1).equals("counter 7"),
                () -> "The parent's Echo.counter was 42, and a separate process starts with its own fresh"
                        + " copy of every class, where the counter is 7. The child printed "
                        + head(r.output()) + " instead.");
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void readsOutputLargerThanThePipeBuffer() throws Exception {
        Duration limit = Duration.ofSeconds(8);
        Finished raw;
        try {
            raw = ChildProcess.run(CHILD_CLASS_PATH, Chatter.class.getName(), List.of(), limit);
        } catch (TimeoutException e) {
            fail("The child prints " + CHATTER_LINES + " lines (about " + Chatter.BYTES / 1024 + " KiB) and"
                    + " then ends at once, yet run() gave up on it after " + limit.toSeconds() + " s. A pipe"
                    + " between two processes holds only about 64 KiB; when it is full, the child's next"
                    + " write waits until the parent reads. A parent that waits for the child before it"
                    + " reads waits for a child that is waiting for it: a deadlock. Read the output while the"
                    + " child runs, on a thread of its own, and wait for the child after starting that"
                    + " thread.", e);
            return;
        }
        assertNotNull(raw, "run() returned null; return a new Finished(pid, exitCode, output)");
        Finished r = withoutLauncherNotes(raw);
        assertEquals(CHATTER_LINES, r.output().size(), () -> "The child printed " + CHATTER_LINES
                + " lines, but run() returned " + r.output().size() + ". Read until the end of the child's"
                + " output, which comes when it ends.");
        assertEquals(Chatter.line(CHATTER_LINES - 1), r.output().get(CHATTER_LINES - 1),
                "The child's last line came back changed; return the lines as the child printed them.");
        assertEquals(0, r.exitCode(), () -> "The child ended normally, but run() reported exit code "
                + r.exitCode() + ".");
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void killsAChildThatOutlivesItsLimit() throws Exception {
        Set<Long> before = liveDescendants();
        FutureTask<Finished> call = new FutureTask<>(
                () -> ChildProcess.run(CHILD_CLASS_PATH, Sleeper.class.getName(), List.of(), SLEEPER_LIMIT));
        Thread caller = new Thread(call, "calls ChildProcess.run");
        caller.setDaemon(true);
        long started = System.nanoTime();
        caller.start();
        Duration grace = Duration.ofSeconds(8);
        try {
            Finished r = call.get(SLEEPER_LIMIT.plus(grace).toMillis(), TimeUnit.MILLISECONDS);
            fail("The child sleeps for " + Sleeper.SLEEP.toSeconds() + " s and run() was given a limit of "
                    + SLEEPER_LIMIT.toSeconds() + " s, yet run() returned " + r + " instead of throwing a"
                    + " TimeoutException. Wait with process.waitFor(timeout, unit): it returns false when the"
                    + " time is up and the child still runs.");
        } catch (TimeoutException stillRunning) {
            fail("The child sleeps for " + Sleeper.SLEEP.toSeconds() + " s and run() was given a limit of "
                    + SLEEPER_LIMIT.toSeconds() + " s, but run() had not returned "
                    + (SLEEPER_LIMIT.plus(grace)).toSeconds() + " s later. Something waited without a limit:"
                    + " process.waitFor() with no time-out, or reading the output to its end on the calling"
                    + " thread, which ends only when the child does. Use waitFor(timeout, unit) and read on"
                    + " another thread.");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TimeoutException)) {
                fail("run() threw " + e.getCause() + " for a child that outlived its limit; throw a"
                        + " TimeoutException (java.util.concurrent) once the child is dead.", e.getCause());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(SLEEPER_LIMIT) >= 0, () -> "run() gave up after " + took.toMillis()
                    + " ms, before its limit of " + SLEEPER_LIMIT.toMillis() + " ms had passed.");
            assertNoChildLeftRunning(before);
        } finally {
            killNewDescendants(before);
        }
    }

    // ---- the children ----

    /** Prints its PID, changes a static field, echoes its arguments, and exits with status 3. */
    static final class Echo {
        static int counter = 7;

        public static void main(String[] args) {
            System.out.println("pid " + ProcessHandle.current().pid());
            System.out.println("counter " + counter);
            counter = 99;
            System.out.println("counter now " + counter);
            for (String arg : args) {
                System.out.println(arg);
            }
            System.exit(ECHO_EXIT_CODE);
        }
    }

    /** Prints far more than a pipe holds, then ends normally. */
    static final class Chatter {
        static final int BYTES = CHATTER_LINES * (line(0).length() + 1);

        public static void main(String[] args) {
            for (int i = 0; i < CHATTER_LINES; i++) {
                System.out.println(line(i));
            }
        }

        static String line(int i) {
            return "line %05d %s".formatted(i, "x".repeat(50));
        }
    }

    /** Says it is alive, then sleeps far longer than any limit the test gives it. */
    static final class Sleeper {
        static final Duration SLEEP = Duration.ofSeconds(60);

        public static void main(String[] args) throws InterruptedException {
            System.out.println("pid " + ProcessHandle.current().pid());
            Thread.sleep(SLEEP.toMillis());
        }
    }

    // ---- helpers ----

    private static synchronized Finished echo() throws Exception {
        if (echoed == null) {
            Echo.counter = 42;
            Finished r = ChildProcess.run(CHILD_CLASS_PATH, Echo.class.getName(), ECHO_ARGS, LIMIT);
            assertNotNull(r, "run() returned null; return a new Finished(pid, exitCode, output)");
            echoed = withoutLauncherNotes(r);
        }
        return echoed;
    }

    /**
     * Drops the notes a {@code java} launcher prints on standard error when JAVA_TOOL_OPTIONS or
     * JDK_JAVA_OPTIONS is set on the learner's machine: they are not the child's output.
     */
    private static Finished withoutLauncherNotes(Finished r) {
        List<String> lines = r.output().stream()
                .filter(line -> !LAUNCHER_NOTE.matcher(line).lookingAt())
                .toList();
        return new Finished(r.pid(), r.exitCode(), lines);
    }

    private static void assertNoChildLeftRunning(Set<Long> before) throws InterruptedException {
        for (ProcessHandle left : newDescendants(before)) {
            try {
                left.onExit().get(3, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                fail("run() threw its TimeoutException, but the child (PID " + left.pid() + ") was still"
                        + " running 3 s later. Giving up on a process does not stop it: call"
                        + " process.destroyForcibly(), then process.waitFor(), before you throw.");
            }
        }
    }

    private static void killNewDescendants(Set<Long> before) {
        newDescendants(before).forEach(ProcessHandle::destroyForcibly);
    }

    private static List<ProcessHandle> newDescendants(Set<Long> before) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && !before.contains(p.pid()))
                .toList();
    }

    private static Set<Long> liveDescendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private static String head(List<String> lines) {
        return lines.isEmpty() ? "(nothing)" : lines.subList(0, Math.min(3, lines.size())).toString();
    }

}
