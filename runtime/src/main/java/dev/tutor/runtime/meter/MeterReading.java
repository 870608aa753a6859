package dev.tutor.runtime.meter;

/**
 * One look at a metered echo server: what a request cost over the last window, how many were served, and how much
 * CPU the server's own threads used since the previous look.
 *
 * @param server      the server's name
 * @param threads     how many threads the server has now
 * @param perSecond   requests answered per second over the window
 * @param medianNanos the median latency of one request over the window
 * @param worstNanos  the worst latency over the window
 * @param cpuPercent  the server threads' CPU since the previous look, in percent of one core; negative when this
 *                    JVM cannot tell
 */
public record MeterReading(String server, int threads, double perSecond, long medianNanos, long worstNanos,
                           double cpuPercent) {
}
