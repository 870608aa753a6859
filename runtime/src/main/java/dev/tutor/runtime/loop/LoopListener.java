package dev.tutor.runtime.loop;

/**
 * Something that watches the event loop turn by turn, such as the TUI's loop view or a plain-text
 * trace ({@link TurnTraceFormatter}).
 *
 * <p>Contract: called on the loop thread, in the order described on {@link LoopEvent}, synchronously.
 * Keep it quick: time spent here is time the loop is not serving I/O. A listener that throws is
 * reported and removed. When no listener is registered the loop builds no events at all.
 */
@FunctionalInterface
public interface LoopListener {

    /** Receives one event; see {@link LoopEvent} for the order within a turn. */
    void onEvent(LoopEvent event);
}
