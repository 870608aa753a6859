package dev.tutor.exercises.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells when a process has ended, for the tests that start children, where {@link ProcessHandle#onExit()} is
 * no good. Of a child that another thread reaps (the learner's {@code Process} does), onExit() learns of the end
 * by polling every 300 ms and more; under the tutor it was seen to wait ten seconds for a child long gone
 * (ChildProcessTest, 2026-12-07). A process that has ended but that its parent has not yet reaped (a zombie)
 * counts as ended here: it runs no code and holds no pipe open. Not a test itself.
 */
public final class ProcessEnds {
    /** How often {@link #await} looks: reading a process's status costs microseconds. */
    private static final long LOOK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private ProcessEnds() {
    }

    /** Whether the process has ended: gone, or a zombie whose status nobody has collected yet. */
    public static boolean ended(ProcessHandle process) {
        return !process.isAlive() || isZombie(process.pid());
    }

    /** Waits up to {@code within} for the process to end; whether it did. */
    public static boolean await(ProcessHandle process, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!ended(process)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(LOOK_EVERY_NANOS);
        }
        return true;
    }

    /**
     * Runs on, in a child the tests started, until the JVM that started it is gone or {@code atMost} has passed,
     * and then halts it: a child its parent failed to end must not outlive the tests as an orphan. A halt, since
     * children that refuse polite requests do it with a shutdown hook that never returns.
     */
    public static void haltOnceTheParentIsGone(Duration atMost) throws InterruptedException {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        try {
            if (parent.isPresent()) {
                parent.get().onExit().get(atMost.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            // atMost is longer than any test waits
        }
        Runtime.getRuntime().halt(4);
    }

    /**
     * Whether the process's state in {@code /proc/PID/stat} is Z (a zombie) or X (dead); false where there is no
     * such file to read (not Linux), so that {@link ProcessHandle#isAlive()} alone decides.
     */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in brackets may hold spaces and brackets: the state follows the last ')'.
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
