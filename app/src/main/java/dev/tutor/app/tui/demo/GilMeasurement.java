package dev.tutor.app.tui.demo;

/**
 * What predict-then-measure found on the learner's machine: two CPU-bound threads sharing the work against one
 * thread doing all of it, as a ratio of wall times (below 1 is faster), with the GIL and free-threaded.
 *
 * @param withGil      two threads' time over one thread's, with the simulated GIL
 * @param freeThreaded the same without a GIL
 * @param oneThreadMillis the one-thread run with the GIL, for scale
 */
public record GilMeasurement(double withGil, double freeThreaded, double oneThreadMillis) {
    /** Within this much of 1, two threads count as "the same" as one: timings on a shared machine wobble. */
    static final double SAME_BAND = 0.15;

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
