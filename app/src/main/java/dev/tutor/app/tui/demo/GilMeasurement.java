package dev.tutor.app.tui.demo;

import dev.tutor.runtime.gil.Gil;
import dev.tutor.runtime.gil.GilOptions;
import dev.tutor.runtime.gil.Workloads;

/**
 * What predict-then-measure found on the learner's machine: two CPU-bound threads sharing the work against one
 * thread doing all of it, as a ratio of wall times (below 1 is faster), with the GIL and free-threaded. {@link #take}
 * measures it.
 *
 * @param withGil      two threads' time over one thread's, with the simulated GIL
 * @param freeThreaded the same without a GIL
 * @param oneThreadMillis the one-thread run with the GIL, for scale
 */
public record GilMeasurement(double withGil, double freeThreaded, double oneThreadMillis) {
    /** Within this much of 1, two threads count as "the same" as one: timings on a shared machine wobble. */
    static final double SAME_BAND = 0.15;
    /** Steps of CPU work each thread does in the predict-then-measure runs. */
    private static final long STEPS = 20_000_000;
    /** Each configuration runs this often, alternating, and its best time counts: JIT and noise settle. */
    private static final int ROUNDS = 3;

    /**
     * Times one thread against two on the same total work, with the GIL and free-threaded, on this machine: a
     * few seconds of CPU, so never on the UI thread.
     */
    static GilMeasurement take() throws InterruptedException {
        GilOptions free = GilOptions.defaults().freeThreaded();
        double one = Double.MAX_VALUE;
        double two = Double.MAX_VALUE;
        double freeOne = Double.MAX_VALUE;
        double freeTwo = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            one = Math.min(one, millis(Workloads.cpuBound(Gil.create(), 1, 2 * STEPS)));
            two = Math.min(two, millis(Workloads.cpuBound(Gil.create(), 2, STEPS)));
            freeOne = Math.min(freeOne, millis(Workloads.cpuBound(Gil.create(free), 1, 2 * STEPS)));
            freeTwo = Math.min(freeTwo, millis(Workloads.cpuBound(Gil.create(free), 2, STEPS)));
        }
        return new GilMeasurement(two / one, freeTwo / freeOne, one);
    }

    private static double millis(Workloads.Result r) {
        return r.elapsed().toNanos() / 1e6;
    }

    /** 1 faster, 2 the same, 3 slower: the answer keys of the prediction. */
    static int verdict(double ratio) {
        return ratio < 1 - SAME_BAND ? 1 : ratio > 1 + SAME_BAND ? 3 : 2;
    }

    static String word(int choice) {
        return switch (choice) {
            case 1 -> "faster";
            case 2 -> "the same";
            case 3 -> "slower";
            default -> "?";
        };
    }
}
