package dev.tutor.runtime.meter;

import dev.tutor.runtime.time.Clock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU a set of threads used between two looks, as a percentage of one core: how a meter tells a server that
 * waits in the kernel (near 0 %) from one that spins (near 100 %).
 *
 * <p>Each look adds up what every thread used since the previous look (a thread seen for the first time counts
 * from its start) and divides by the wall time between the looks on {@link Clock}. A thread that ended between
 * two looks is no longer counted: the JVM forgets its CPU time. Thread-safe.
 */
public final class CpuMeter {
    /** A thread's CPU time so far in nanoseconds, or -1 when the thread has ended or it cannot be measured. */
    @FunctionalInterface
    public interface CpuTimes {
        long cpuNanos(long threadId);
    }

    private final Clock clock;
    private final CpuTimes times;
    private Map<Long, Long> last = new HashMap<>();
    private long lastAt;
    private boolean started;

    public CpuMeter(Clock clock, CpuTimes times) {
        this.clock = clock;
        this.times = times;
    }

    /** A meter of this JVM's threads on the machine's clock; null where the JVM cannot time threads' CPU. */
    public static CpuMeter ofThisJvm() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) {
            return null;
        }
        if (!threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        return new CpuMeter(Clock.system(), threads::getThreadCpuTime);
    }

    /**
     * The CPU {@code threadIds} used since the previous call, in percent of one core (200 is two cores busy); 0 on
     * the first call, which only takes the starting point.
     */
    public synchronized double percentOfOneCore(Collection<Long> threadIds) {
        long now = clock.nanoTime();
        Map<Long, Long> seen = new HashMap<>();
        long used = 0;
        for (long id : threadIds) {
            long cpu = times.cpuNanos(id);
            if (cpu < 0) {
                continue;
            }
            seen.put(id, cpu);
            used += cpu - last.getOrDefault(id, started ? 0L : cpu);
        }
        long wall = now - lastAt;
        boolean first = !started;
        started = true;
        last = seen;
        lastAt = now;
        return first || wall <= 0 ? 0 : 100.0 * used / wall;
    }
}
