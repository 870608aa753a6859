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
     * Runs {@code task} once on the calling thread and measures it.
     *
     * @throws IllegalStateException if this thread's CPU time cannot be read (a virtual thread, or CPU
     *                               time measurement switched off)
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

    /** CPU-bound when the CPU time is at least half the wall time, I/O-bound otherwise. */
    public static Bound classify(Duration wall, Duration cpu) {
        // Known mistake: the two labels are swapped.
        return cpu.multipliedBy(2).compareTo(wall) >= 0 ? Bound.IO_BOUND : Bound.CPU_BOUND;
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
