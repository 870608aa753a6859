package dev.tutor.runtime.gil;

import java.time.Duration;

/**
 * The free-threaded build (PEP 703): no GIL at all. Every method does nothing but run what it is
 * given, so the same workload can be timed with and without the lock.
 */
final class NoGil implements Gil {

    private final GilOptions options;
    private final long created;
    private volatile Duration interval;

    NoGil(GilOptions options) {
        this.options = options;
        this.interval = options.switchInterval();
        this.created = options.clock().nanoTime();
    }

    @Override
    public void acquire() {
    }

    @Override
    public void release() {
    }

    @Override
    public void check() {
    }

    @Override
    public <T, E extends Exception> T blockingIo(BlockingCall<T, E> call) throws E {
        return call.call();
    }

    @Override
    public Duration switchInterval() {
        return interval;
    }

    @Override
    public void setSwitchInterval(Duration newInterval) {
        interval = Gil.requirePositive(newInterval);
    }

    @Override
    public boolean isEnabled() {
        return false;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return false;
    }

    @Override
    public GilStats stats() {
        return new GilStats(0, 0, 0, 0, 0, options.clock().nanoTime() - created);
    }

    @Override
    public void addListener(GilListener listener) {
        // nothing ever happens to a lock that does not exist
    }

    @Override
    public void removeListener(GilListener listener) {
    }
}
