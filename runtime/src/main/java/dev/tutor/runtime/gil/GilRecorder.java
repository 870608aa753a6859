package dev.tutor.runtime.gil;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link GilListener} that keeps the event log in memory, so a test or a demo can read it afterwards
 * or wait for a particular event. Keeps at most {@code capacity} events (the oldest go first).
 * Thread-safe.
 */
public final class GilRecorder implements GilListener {

    private final int capacity;
    private final List<GilEvent> events = new ArrayList<>();

    /** Creates a recorder that keeps up to 100,000 events. */
    public GilRecorder() {
        this(100_000);
    }

    /** Creates a recorder that keeps up to {@code capacity} events. */
    public GilRecorder(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity < 1: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void onEvent(GilEvent event) {
        if (events.size() == capacity) {
            events.remove(0);
        }
        events.add(event);
        notifyAll();
    }

    /** Returns a copy of the events so far, oldest first. */
    public synchronized List<GilEvent> events() {
        return List.copyOf(events);
    }

    /** Returns the events as short strings ("WAITING B @5.000ms"), handy in assertions. */
    public List<String> lines() {
        return events().stream().map(GilEvent::toString).toList();
    }

    /** Forgets every event recorded so far. */
    public synchronized void clear() {
        events.clear();
    }

    /**
     * Waits until an event of {@code kind} for {@code thread} has been recorded, at most {@code timeout};
     * returns false on time-out. Lets a test move on exactly when a thread reached a state.
     */
    public boolean awaitEvent(GilEvent.Kind kind, String thread, Duration timeout) throws InterruptedException {
        return await(event -> event.kind() == kind && event.thread().equals(thread), timeout);
    }

    /** Waits until some recorded event matches {@code test}, at most {@code timeout}. */
    public synchronized boolean await(Predicate<GilEvent> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.stream().noneMatch(test)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
