package dev.tutor.app.workspace.watch;

import java.nio.file.Path;

/**
 * What a {@link SaveWatcher} tells its caller: a learner's source file was saved with new content.
 *
 * <p>Its methods are called on the watcher's own thread, one call at a time, and never after
 * {@link SaveWatcher#close()} has returned. Return quickly: hand grading to a {@link GradingQueue} rather than
 * grading here, or the next save waits.
 */
@FunctionalInterface
public interface SaveListener {

    /** Called once per save of {@code javaFile} (absolute, normalised) whose content differs from the last seen. */
    void saved(Path javaFile);

    /**
     * Called when {@code javaFile}'s content has changed and the file has been quiet for a moment, before the
     * debounce ends: a save is probably on its way. A hint for work that can begin early, such as compiling; the
     * save itself is reported by {@link #saved} once the file stays quiet, and may hold other text by then.
     * Ignored by default.
     */
    default void changing(Path javaFile) {}

    /**
     * Called with one line when watching runs into trouble it survives, for example native events that could not
     * start; the line says what happened and what the watcher does instead. Ignored by default.
     */
    default void problem(String line) {}
}
