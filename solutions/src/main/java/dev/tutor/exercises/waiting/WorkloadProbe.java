package dev.tutor.exercises.waiting;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Objects;

/**
 * Measures how long a task takes on the wall clock and how much of that time it spent running on a
 * CPU, and says which of the two limits it: waiting (I/O-bound) or computing (CPU-bound).
 *
 * <p>A task that fetches a page spends most of its wall time waiting for the network, with its thread
 * asleep; a task that formats text keeps its thread on a core the whole time. Comparing the two clocks
 * tells them apart, and that tells you whether more threads, more cores or overlapping waits would help.
 *
 * <p>The task runs on the calling thread, which must be a platform thread: the JVM reports no CPU time
 * for virtual threads.
 */
public final class WorkloadProbe {

    /** The CPU clock of whichever thread asks: {@link ThreadMXBean#getCurrentThreadCpuTime()}. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private WorkloadProbe() {
    }

    /** What limits a task's speed. */
    public enum Bound {
        /** The task spent most of its time waiting: for a network, a disk, a timer. */
        IO_BOUND,
        /** The task spent at least half of its time running on a CPU. */
        CPU_BOUND
    }

    /**
     * One task's timing.
     *
     * @param wall  the wall-clock time from just before the task started to just after it returned
     * @param cpu   the CPU time the calling thread used while running the task
     * @param bound the label that {@link #classify} gives these two durations
     */
    public record Measurement(Duration wall, Duration cpu, Bound bound) {
        public Measurement {
            Objects.requireNonNull(wall, "wall");
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(bound, "bound");
        }
    }

    /**
     * Runs {@code task} once, on the calling thread, and measures it with two clocks, each read just
     * before {@code task.run()} and just after it returns: the wall clock, {@link System#nanoTime()}, and
     * the calling thread's CPU clock. Both differences are kept to the nanosecond, so a task far shorter
     * than a millisecond still shows its times. The time of day ({@code System.currentTimeMillis()},
     * {@code Instant.now()}) is not a stopwatch and has no place here.
     *
     * <p>If the task throws, {@code measure} throws the same exception, unchanged, and returns nothing.
     *
     * @throws IllegalStateException if the calling thread's CPU time cannot be read (on a virtual
     *                               thread the CPU clock answers -1); the task does not run then
     */
    public static Measurement measure(Runnable task) {
        Objects.requireNonNull(task, "task");
        long wallStart = System.nanoTime();
        long cpuStart = cpuTimeNanos();
        task.run();
        long cpuEnd = cpuTimeNanos();
        long wallEnd = System.nanoTime();

        Duration wall = Duration.ofNanos(wallEnd - wallStart);
        Duration cpu = Duration.ofNanos(cpuEnd - cpuStart);
        return new Measurement(wall, cpu, classify(wall, cpu));
    }

    /**
     * CPU-bound when the CPU time is at least half the wall time, I/O-bound otherwise. The comparison is
     * exact, to the nanosecond: exactly half is CPU-bound, half of an odd number of nanoseconds is not
     * rounded, and a wall time of zero is CPU-bound (any CPU time is at least half of nothing).
     *
     * @param wall a wall-clock time, zero or more
     * @param cpu  a CPU time, zero or more; it may even be longer than {@code wall}
     */
    public static Bound classify(Duration wall, Duration cpu) {
        return cpu.multipliedBy(2).compareTo(wall) >= 0 ? Bound.CPU_BOUND : Bound.IO_BOUND;
    }

    private static long cpuTimeNanos() {
        long nanos = THREADS.getCurrentThreadCpuTime();
        if (nanos < 0) {
            throw new IllegalStateException(
                    "No CPU time for thread '" + Thread.currentThread().getName()
                            + "': measure() needs a platform thread with CPU time measurement enabled");
        }
        return nanos;
    }
}
