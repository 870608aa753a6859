package dev.tutor.app.workspace.watch;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.SequencedSet;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs one grading at a time and never loses a save that arrived during a run.
 *
 * <p>The learner often saves again while a verdict is being computed. Grading twice at once would waste the two
 * cores and show verdicts out of order; dropping the save (as rustlings does) would show a verdict for code that is
 * no longer on disk. So a key submitted while a run is in flight is remembered, each distinct key once, and graded
 * after the run, in the order first submitted. A key is what decides the work: a file, or the exercise it belongs
 * to, so that saving two files of one exercise grades it once.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread. Gradings run on the injected executor, one after
 * another (the same or different threads of it, never two at once). An exception from the grader is passed to the
 * running thread's uncaught-exception handler and the queue goes on.
 *
 * @param <K> what a grading run is for
 */
public final class GradingQueue<K> {

    private final Executor executor;
    private final Consumer<? super K> grader;
    private final Object lock = new Object();
    private final SequencedSet<K> waiting = new LinkedHashSet<>();
    private boolean running;

    /** Creates a queue that runs {@code grader} on {@code executor}. */
    public GradingQueue(Executor executor, Consumer<? super K> grader) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.grader = Objects.requireNonNull(grader, "grader");
    }

    /** Grades {@code key} now if nothing is running, else once the runs before it are done. */
    public void submit(K key) {
        Objects.requireNonNull(key, "key");
        synchronized (lock) {
            waiting.add(key);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RuntimeException rejected) {
            synchronized (lock) {
                running = false;
            }
            throw rejected;
        }
    }

    /** Returns whether a grading is running or waiting. */
    public boolean isBusy() {
        synchronized (lock) {
            return running;
        }
    }

    private void drain() {
        while (true) {
            K next;
            synchronized (lock) {
                if (waiting.isEmpty()) {
                    running = false;
                    return;
                }
                next = waiting.removeFirst();
            }
            try {
                grader.accept(next);
            } catch (RuntimeException e) {
                Thread current = Thread.currentThread();
                current.getUncaughtExceptionHandler().uncaughtException(current, e);
            }
        }
    }
}
