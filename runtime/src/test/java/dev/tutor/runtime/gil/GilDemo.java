package dev.tutor.runtime.gil;

import java.time.Duration;
import java.util.Locale;

/**
 * Prints what the GIL does to CPU-bound and I/O-bound threads, with and without it. Manual demo:
 * {@code java -cp target/classes:target/test-classes dev.tutor.runtime.gil.GilDemo}.
 */
public final class GilDemo {

    private GilDemo() {
    }

    public static void main(String[] args) throws InterruptedException {
        long steps = 200_000_000L;
        Workloads.cpuBound(Gil.create(), 1, steps / 10); // warm up the JIT
        for (boolean withGil : new boolean[] {true, false}) {
            GilOptions options = withGil ? GilOptions.defaults() : GilOptions.defaults().freeThreaded();
            Workloads.Result one = Workloads.cpuBound(Gil.create(options), 1, steps);
            Workloads.Result two = Workloads.cpuBound(Gil.create(options), 2, steps);
            System.out.printf(Locale.ROOT, "%-13s CPU-bound: 1 thread %5d ms, 2 threads (twice the work) %5d ms"
                            + " -> speed-up %.2fx; switches/s %.0f, badness %.2f%n",
                    withGil ? "with GIL" : "free-threaded", one.elapsed().toMillis(), two.elapsed().toMillis(),
                    2.0 * one.elapsed().toNanos() / two.elapsed().toNanos(), two.stats().switchesPerSecond(),
                    two.stats().badness());
        }
        Workloads.Result io = Workloads.ioBound(Gil.create(), 10, 5, Duration.ofMillis(20));
        System.out.printf(Locale.ROOT, "with GIL      I/O-bound: 10 threads x 5 waits of 20 ms took %d ms (serial: 1000 ms)%n",
                io.elapsed().toMillis());
    }
}
