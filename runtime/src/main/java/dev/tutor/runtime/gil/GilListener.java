package dev.tutor.runtime.gil;

/**
 * Something that watches the simulated GIL, such as the TUI's GIL timeline or a {@link GilRecorder}.
 *
 * <p>Contract: called synchronously on the thread the event happened to, while the GIL's internal
 * lock is held, so events arrive in the order they happened. Keep it quick and never call back into
 * the GIL from here. When no listener is registered, no events are built.
 */
@FunctionalInterface
public interface GilListener {

    /** Receives one event. */
    void onEvent(GilEvent event);
}
