package dev.tutor.runtime.loop;

import dev.tutor.runtime.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link LoopListener} that writes one plain-text line per loop turn, for {@code --trace} options and
 * for reading a demo's behaviour after the fact. A line reads, phase by phase:
 *
 * <pre>
 * turn 7 +12.003ms | ready 1 | dropped 0 | timeout 0ms (callbacks ready) | select 1 [conn :8080&lt;-:5312 r/r] | due 1 [sleep 10ms] | ran 2 [recv 0.02ms, lambda in Demo 0.01ms]
 * </pre>
 *
 * Slow callbacks are marked {@code SLOW}, failed ones {@code FAILED}. Times are relative to the first
 * turn seen. Called on the loop thread; {@code sink} receives whole lines.
 */
public final class TurnTraceFormatter implements LoopListener {

    private final Consumer<String> sink;
    private final List<LoopEvent> turn = new ArrayList<>();
    private long origin = Long.MIN_VALUE;

    /** Creates a formatter that hands each finished line to {@code sink}, such as {@code System.out::println}. */
    public TurnTraceFormatter(Consumer<String> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void onEvent(LoopEvent event) {
        if (event instanceof LoopEvent.TurnStarted) {
            turn.clear();
        }
        turn.add(event);
        if (event instanceof LoopEvent.TurnEnded) {
            sink.accept(format(turn));
            turn.clear();
        }
    }

    /** Formats the events of one turn as one line. */
    String format(List<LoopEvent> events) {
        StringBuilder line = new StringBuilder();
        List<String> ran = new ArrayList<>();
        for (LoopEvent event : events) {
            switch (event) {
                case LoopEvent.TurnStarted started -> {
                    if (origin == Long.MIN_VALUE) origin = started.timeNanos();
                    line.append("turn ").append(started.turn())
                            .append(String.format(" +%.3fms", Clock.millis(started.timeNanos() - origin)))
                            .append(" | ready ").append(started.ready());
                }
                case LoopEvent.CancelledTimersDropped dropped -> line.append(" | dropped ").append(dropped.dropped())
                        .append(dropped.heapRebuilt() ? " (heap rebuilt)" : "");
                case LoopEvent.TimeoutChosen chosen -> line.append(" | timeout ")
                        .append(chosen.timeoutNanos() < 0 ? "none" : String.format("%.3fms", Clock.millis(chosen.timeoutNanos())).replace(".000ms", "ms"))
                        .append(" (").append(chosen.reason().name().toLowerCase().replace('_', ' ')).append(')');
                case LoopEvent.SelectReturned selected -> {
                    line.append(" | select ").append(selected.keys().size());
                    if (!selected.keys().isEmpty()) {
                        List<String> keys = new ArrayList<>();
                        for (LoopEvent.ReadyKey key : selected.keys()) {
                            keys.add(key.channel() + " " + LoopEvent.ReadyKey.opsText(key.interestOps()) + "/"
                                    + LoopEvent.ReadyKey.opsText(key.readyOps()));
                        }
                        line.append(' ').append(keys);
                    }
                }
                case LoopEvent.TimersDue due -> {
                    line.append(" | due ").append(due.due().size());
                    if (!due.due().isEmpty()) line.append(' ').append(due.due());
                }
                case LoopEvent.CallbackRan callback -> ran.add((callback.error() != null ? "FAILED " : "")
                        + (callback.slow() ? "SLOW " : "") + callback.name()
                        + String.format(" %.2fms", Clock.millis(callback.durationNanos())));
                case LoopEvent.TurnEnded ended -> {
                    line.append(" | ran ").append(ended.callbacksRun());
                    if (!ran.isEmpty()) line.append(' ').append(ran);
                }
            }
        }
        return line.toString();
    }
}
