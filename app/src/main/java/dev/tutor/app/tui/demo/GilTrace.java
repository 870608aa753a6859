package dev.tutor.app.tui.demo;

import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilStats;
import java.util.ArrayList;
import java.util.List;

/**
 * What one GIL panel has received so far: the recent events (older ones are dropped once off any screen), the
 * GIL's counters and the demo clock's time. Immutable; {@link #plus} makes the next one.
 *
 * @param events     events in time order, only those recent enough to be drawn
 * @param stats      the GIL's latest counters, or null (free-threaded, or nothing yet)
 * @param clockNanos the demo clock at the end of the latest frame: the right edge of the timeline
 */
public record GilTrace(List<GilEvent> events, GilStats stats, long clockNanos) {
    static final GilTrace EMPTY = new GilTrace(List.of(), null, 0);

    /** Events older than this, before the latest clock reading, are dropped: more than a 300-column lane. */
    static final long KEEP_NANOS = 300 * GilTimelineView.NANOS_PER_COLUMN;

    public GilTrace {
        events = List.copyOf(events);
    }

    /**
     * This trace with a frame's events added. The newest event before the kept window is kept too, because it
     * says what each thread was doing when the window starts.
     */
    public GilTrace plus(List<GilEvent> more, GilStats newStats, long clock) {
        long from = clock - KEEP_NANOS;
        List<GilEvent> all = new ArrayList<>(events);
        all.addAll(more);
        List<GilEvent> kept = new ArrayList<>();
        java.util.Map<String, GilEvent> lastBefore = new java.util.LinkedHashMap<>();
        for (GilEvent e : all) {
            if (e.timeNanos() < from) {
                lastBefore.put(e.thread(), e);
            } else {
                kept.add(e);
            }
        }
        List<GilEvent> out = new ArrayList<>(lastBefore.values());
        out.sort(java.util.Comparator.comparingLong(GilEvent::timeNanos));
        out.addAll(kept);
        return new GilTrace(out, newStats == null ? stats : newStats, Math.max(clockNanos, clock));
    }
}
