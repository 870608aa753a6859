package dev.tutor.runtime.gil;

/**
 * Counters of the simulated GIL since it was created, with David Beazley's "badness" figure.
 *
 * @param checks how many times a thread looked at the GIL to take it (first try and every wake-up)
 * @param failedAcquisitions how many of those found it held by another thread
 * @param switches how many times the GIL passed to a different thread
 * @param dropRequests how many drop requests waiting threads made
 * @param forcedSwitches how many times a holder gave the GIL up because of a drop request
 * @param elapsedNanos clock time since the GIL was created
 */
public record GilStats(long checks, long failedAcquisitions, long switches, long dropRequests, long forcedSwitches,
                       long elapsedNanos) {

    /** Failed acquisitions over checks, from 0 (never had to wait) to 1 (every look was wasted). */
    public double badness() {
        return checks == 0 ? 0 : failedAcquisitions / (double) checks;
    }

    /** Switches between threads per second of clock time. */
    public double switchesPerSecond() {
        return elapsedNanos == 0 ? 0 : switches / (elapsedNanos / 1e9);
    }
}
