package dev.tutor.exercises.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Tells when the threads of a learner's class have come to a standstill that only something outside them could
 * end: the same threads, each in a wait the caller has judged endless, none using any CPU, over {@link
 * #STEADY_MILLIS}. The caller says what counts as such a wait (a look); this keeps the looks apart, asks for the
 * same state over the whole time, and holds back where a virtual thread runs the class, since looks see
 * platform threads only. Not a test itself.
 */
public final class Standstill {
    /** How long the state must hold, so that a thread just woken (a socket closed, a child killed) is seen so. */
    public static final long STEADY_MILLIS = 100;
    /** How often a look is taken: a look reads every thread's stack. */
    private static final long LOOK_EVERY_MILLIS = 20;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final Class<?> learners;
    private Map<Thread, Long> cpuAtFirstLook;
    private long firstLookNanos;
    private long lastLookNanos;
    private boolean virtualThreadsRun;

    /** Watches the threads of {@code learners}, the learner's class under test. */
    public Standstill(Class<?> learners) {
        this.learners = learners;
    }

    /**
     * Whether the standstill has been seen; asked again and again, it takes a look at most every {@link
     * #LOOK_EVERY_MILLIS}. {@code look} gives the CPU time of each thread that matters if every one of them is
     * in an endless wait, or null if not.
     */
    public boolean seen(Supplier<Map<Thread, Long>> look) {
        long now = System.nanoTime();
        if (virtualThreadsRun || now - lastLookNanos < TimeUnit.MILLISECONDS.toNanos(LOOK_EVERY_MILLIS)) {
            return false;
        }
        lastLookNanos = now;
        Map<Thread, Long> seen = look.get();
        if (seen == null || !seen.equals(cpuAtFirstLook)) {
            cpuAtFirstLook = seen;
            firstLookNanos = now;
            return false;
        }
        if (now - firstLookNanos < TimeUnit.MILLISECONDS.toNanos(STEADY_MILLIS)) {
            return false;
        }
        // A virtual thread of the class (asleep until a limit, say, to act then) is not among those looked at:
        // where there is one, or where the dump that finds them fails, nothing is judged.
        virtualThreadsRun = VirtualThreads.running(learners).map(v -> !v.isEmpty()).orElse(true);
        return !virtualThreadsRun;
    }

    /**
     * One look: the CPU time of each platform thread that {@code belongs} (given it and its stack), if every one
     * of them {@code waitsEndlessly}; null if one does not, or its CPU time cannot be read.
     */
    public static Map<Thread, Long> cpuTimesIfAll(BiPredicate<Thread, StackTraceElement[]> belongs,
            BiPredicate<Thread, StackTraceElement[]> waitsEndlessly) {
        Map<Thread, Long> times = new HashMap<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (!belongs.test(t, e.getValue())) {
                continue;
            }
            long time = CPU.getThreadCpuTime(t.threadId());
            if (time < 0 || !waitsEndlessly.test(t, e.getValue())) {
                return null;
            }
            times.put(t, time);
        }
        return times;
    }

    /** Whether a stack has a frame of {@code owner} or of a class nested in it (a lambda, a nested class). */
    public static boolean runs(Class<?> owner, StackTraceElement[] stack) {
        String name = owner.getName();
        for (StackTraceElement frame : stack) {
            String c = frame.getClassName();
            if (c.equals(name) || c.startsWith(name + "$")) {
                return true;
            }
        }
        return false;
    }
}
