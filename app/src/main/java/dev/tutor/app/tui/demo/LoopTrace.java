package dev.tutor.app.tui.demo;

import dev.tutor.runtime.loop.LoopEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The event loop's recent turns, folded from its {@link LoopEvent}s: one {@link Turn} a turn with its five
 * phases. Immutable; {@link #plus} folds in more events.
 *
 * @param turns the latest turns, oldest first, at most {@link #KEEP}
 */
public record LoopTrace(List<Turn> turns) {
    static final LoopTrace EMPTY = new LoopTrace(List.of());
    /** Turns kept: more than any screen shows. */
    static final int KEEP = 200;

    /** One callback run in phase 5. */
    record Callback(String name, long nanos, boolean slow) {
    }

    /**
     * One turn of the loop.
     *
     * @param number      the turn's number
     * @param startNanos  when it began, on the loop's clock
     * @param ready       callbacks queued when it began
     * @param timers      timers in the heap when it began
     * @param reason      why the select time-out was chosen, or null before phase 2
     * @param timeoutNanos the select time-out, -1 to block
     * @param waitedNanos how long select waited, -1 before phase 3
     * @param keys        the ready keys as "name:ops"
     * @param due         timers that came due
     * @param callbacks   callbacks run so far
     * @param ended       whether the turn ended
     */
    record Turn(long number, long startNanos, int ready, int timers, LoopEvent.TimeoutReason reason,
                long timeoutNanos, long waitedNanos, List<String> keys, List<String> due, List<Callback> callbacks,
                boolean ended) {
        Turn {
            keys = List.copyOf(keys);
            due = List.copyOf(due);
            callbacks = List.copyOf(callbacks);
        }

        long busyNanos() {
            return callbacks.stream().mapToLong(Callback::nanos).sum();
        }

        boolean slow() {
            return callbacks.stream().anyMatch(Callback::slow);
        }
    }

    public LoopTrace {
        turns = List.copyOf(turns);
    }

    public LoopTrace plus(List<LoopEvent> events) {
        List<Turn> out = new ArrayList<>(turns);
        for (LoopEvent e : events) {
            if (e instanceof LoopEvent.TurnStarted t) {
                out.add(new Turn(t.turn(), t.timeNanos(), t.ready(), t.timers(), null, -1, -1, List.of(), List.of(),
                        List.of(), false));
                continue;
            }
            int last = out.size() - 1;
            if (last < 0 || out.get(last).number() != e.turn()) {
                continue; // the start of this turn was before the demo listened
            }
            Turn t = out.get(last);
            out.set(last, switch (e) {
                case LoopEvent.TimeoutChosen c -> new Turn(t.number(), t.startNanos(), t.ready(), t.timers(),
                        c.reason(), c.timeoutNanos(), t.waitedNanos(), t.keys(), t.due(), t.callbacks(), false);
                case LoopEvent.SelectReturned r -> new Turn(t.number(), t.startNanos(), t.ready(), t.timers(),
                        t.reason(), t.timeoutNanos(), r.waitedNanos(), r.keys().stream()
                        .map(k -> k.channel() + ":" + LoopEvent.ReadyKey.opsText(k.readyOps())).toList(),
                        t.due(), t.callbacks(), false);
                case LoopEvent.TimersDue d -> new Turn(t.number(), t.startNanos(), t.ready(), t.timers(),
                        t.reason(), t.timeoutNanos(), t.waitedNanos(), t.keys(), d.due(), t.callbacks(), false);
                case LoopEvent.CallbackRan c -> {
                    List<Callback> cbs = new ArrayList<>(t.callbacks());
                    cbs.add(new Callback(c.name(), c.durationNanos(), c.slow()));
                    yield new Turn(t.number(), t.startNanos(), t.ready(), t.timers(), t.reason(), t.timeoutNanos(),
                            t.waitedNanos(), t.keys(), t.due(), cbs, false);
                }
                case LoopEvent.TurnEnded x -> new Turn(t.number(), t.startNanos(), t.ready(), t.timers(),
                        t.reason(), t.timeoutNanos(), t.waitedNanos(), t.keys(), t.due(), t.callbacks(), true);
                default -> t;
            });
        }
        return new LoopTrace(out.size() > KEEP ? out.subList(out.size() - KEEP, out.size()) : out);
    }

    public long slowCount() {
        return turns.stream().mapToLong(t -> t.callbacks().stream().filter(Callback::slow).count()).sum();
    }
}
