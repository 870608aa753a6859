package dev.tutor.runtime.time;

/** The machine's monotonic clock; the default everywhere outside tests. */
final class SystemClock implements Clock {

    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "system clock";
    }
}
