package dev.tutor.app.workspace.watch;

/** How a {@link SaveWatcher} notices saves, for the status line. */
public enum WatchMode {
    /** The operating system's file events (inotify, FSEvents, ReadDirectoryChangesW), with slow polling behind them. */
    NATIVE_WITH_POLLING_FALLBACK,
    /** Polling only: asked for ({@code --poll}), or native events could not start. */
    POLLING_ONLY
}
