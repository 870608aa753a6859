package dev.tutor.exercises.processes;

import dev.tutor.exercises.support.Standstill;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Tells when a call of {@link ChildProcess#run} can never come back, so that the test need not wait out its
 * limit and grace: the child that never ends on its own (the half-line child, the stubborn one) is alive and
 * not being killed, and the calling thread and every thread run() started are either blocked reading the
 * child's output or waiting with no time limit, none of them using any CPU, and all of it stays so for {@link
 * Standstill#STEADY_MILLIS}. A read ends only when the child prints or ends, and a wait with no time limit only
 * when another thread acts: the child does neither, and no thread of run()'s is left to act. A thread in any
 * other state (a wait with a time limit, a sleep, code running, a virtual thread of run()'s) keeps the test
 * waiting, as before; so does a child that is being killed (a SIGKILL pending, or exiting), however slowly it
 * goes.
 *
 * <p>Linux only: the child's state comes from {@code /proc/<pid>/stat} and {@code status} (proc(5)); where
 * they cannot be read, nothing is judged early. Not a test itself.
 */
final class StuckRun {
    /** PF_EXITING in a process's flags (the ninth field of /proc/<pid>/stat): it has begun to exit. */
    private static final long EXITING = 0x4;
    /** SIGKILL's bit in the masks of pending signals of /proc/<pid>/status. */
    private static final long KILL = 1L << (9 - 1);

    private final Thread caller;
    private final Set<Thread> before;
    private final Predicate<Thread> jdks;
    private final Standstill standstill = new Standstill(ChildProcess.class);

    /**
     * Watches the call made on {@code caller}; the threads run() started are those not in {@code before}
     * other than the caller and the JDK's own ({@code jdks}).
     */
    StuckRun(Thread caller, Set<Thread> before, Predicate<Thread> jdks) {
        this.caller = caller;
        this.before = before;
        this.jdks = jdks;
    }

    /** Whether the call has been seen stuck for good with {@code child} running; asked again and again. */
    boolean seen(ProcessHandle child) {
        return standstill.seen(() -> runsOn(child) ? look() : null);
    }

    /**
     * The CPU time of the caller and of each thread of run()'s, if each of them reads the child's output or
     * waits with no time limit; null if not. A thread is run()'s if it is new since the call, or if it runs
     * ChildProcess's code (a pool's thread from an earlier test may).
     */
    private Map<Thread, Long> look() {
        return Standstill.cpuTimesIfAll((t, stack) -> t == caller || !before.contains(t) && !jdks.test(t)
                || Standstill.runs(ChildProcess.class, stack), StuckRun::readsOrWaitsWithoutLimit);
    }

    /** Blocked in the system call of a read from a pipe or file, or waiting with no time limit. */
    private static boolean readsOrWaitsWithoutLimit(Thread thread, StackTraceElement[] stack) {
        Thread.State state = thread.getState();
        if (state == Thread.State.WAITING) {
            return true;
        }
        return state == Thread.State.RUNNABLE && stack.length > 0
                && stack[0].getClassName().equals("java.io.FileInputStream")
                && stack[0].getMethodName().equals("readBytes");
    }

    /** Whether the child is alive and not on its way out: not a zombie, not exiting, no SIGKILL pending. */
    private static boolean runsOn(ProcessHandle child) {
        String pid = Long.toString(child.pid());
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // The command name in brackets may hold spaces and brackets: the fields after it follow the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            char state = fields[0].charAt(0);
            long flags = Long.parseLong(fields[6]);
            if (state == 'Z' || state == 'X' || (flags & EXITING) != 0) {
                return false;
            }
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if ((line.startsWith("SigPnd:") || line.startsWith("ShdPnd:"))
                        && (Long.parseUnsignedLong(line.substring(7).trim(), 16) & KILL) != 0) {
                    return false;
                }
            }
            return child.isAlive();
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }
}
