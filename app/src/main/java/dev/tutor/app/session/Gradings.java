package dev.tutor.app.session;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.progress.ProgressStore;
import dev.tutor.app.workspace.watch.GradingQueue;
import dev.tutor.app.workspace.watch.SaveListener;
import dev.tutor.app.workspace.watch.SaveWatcher;
import dev.tutor.app.workspace.watch.WatchOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The one way from a save to a verdict, for every face of the tutor: watches the learner's sources, grades
 * the exercise a saved file belongs to on a thread of its own, one grading at a time and no save lost, and
 * reports each step to a {@link Listener}. Progress changes the learner asks for (a hint taken, the solution
 * seen) run on the same thread, so they never interleave with a grading's own progress write.
 */
public final class Gradings implements AutoCloseable {
    /** How long closing waits for the progress of a verdict already given to be saved. */
    private static final long SAVE_BOUND_SECONDS = 5;

    /** What a face hears from the gradings; called on the grading or watcher thread, never the face's own. */
    public interface Listener {
        /** A grading of {@code exercise} began at {@code nanos} (System.nanoTime). */
        void started(Exercise exercise, long nanos);

        /** The verdict, with the files as graded and the progress after it. */
        void finished(Attempt attempt);

        /** A grading could not even start (a file is gone, progress could not be saved); {@code message} says why. */
        void failed(Exercise exercise, String message);

        /** The progress changed at the learner's request (a hint taken, the solution seen). */
        void progressChanged(Progress progress);

        /** Something the learner should know that stops nothing (the watcher fell back to polling, say). */
        void problem(String line);
    }

    private final Attempts attempts;
    private final ProgressStore progress;
    private final Listener listener;
    private final ExecutorService thread;
    private final GradingQueue<Exercise> queue;
    private SaveWatcher watcher;
    /** Held from a verdict's handing to the listener until its progress is saved; closing waits for it. */
    private final ReentrantLock givingVerdict = new ReentrantLock();

    public Gradings(Attempts attempts, ProgressStore progress, Listener listener) {
        this.attempts = attempts;
        this.progress = progress;
        this.listener = listener;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "tutor-grading");
            t.setDaemon(true); // never keep the JVM alive after the face has gone
            return t;
        });
        this.queue = new GradingQueue<>(thread, this::grade);
    }

    /** Grades the exercise now, or after the grading that is running. */
    public void submit(Exercise exercise) {
        queue.submit(exercise);
    }

    /**
     * Readies the grader for a save of this exercise, which the learner has opened (or will resume), on the
     * gradings' thread: it reads their files, and the face's own thread must not wait for a disk.
     */
    public void prepare(Exercise exercise) {
        readyGrader(() -> attempts.prepare(exercise));
    }

    /**
     * Warms the grader up for the learner's first save (a spare test JVM, the compiler on the exercise they will
     * resume), on the gradings' thread, which reads their progress and files.
     */
    public void warmUp() {
        readyGrader(attempts::warmUp);
    }

    private void readyGrader(Runnable readying) {
        thread.execute(() -> {
            try {
                readying.run();
            } catch (RuntimeException e) {
                // Only the first verdict is slower for it; the save itself says what is wrong.
            }
        });
    }

    /** Starts grading every exercise file saved under {@code sourceRoot}. */
    public synchronized void watch(Path sourceRoot, WatchOptions options) throws IOException {
        if (watcher != null) {
            throw new IllegalStateException("already watching " + watcher.root());
        }
        watcher = SaveWatcher.start(sourceRoot, options, new SaveListener() {
            @Override
            public void saved(Path file) {
                attempts.exerciseOf(file).ifPresent(queue::submit);
            }

            @Override
            public void changing(Path file) {
                // While a grading runs the save waits anyway, and a compile beside it would slow that verdict.
                if (!queue.isBusy()) {
                    attempts.exerciseOf(file).ifPresent(attempts::compileAhead);
                }
            }

            @Override
            public void problem(String line) {
                listener.problem(line);
            }
        });
    }

    /** How saves are noticed, in words, once {@link #watch} has started. */
    public synchronized String watchMode() {
        return watcher == null ? "not watching" : watcher.describeMode();
    }

    /** Changes the learner's progress after any grading that is running, and reports the result. */
    public void changeProgress(UnaryOperator<Progress> change) {
        thread.execute(() -> {
            try {
                Progress next = change.apply(progress.load());
                progress.save(next);
                listener.progressChanged(next);
            } catch (IOException | RuntimeException e) {
                listener.problem("Could not save progress: " + e.getMessage());
            }
        });
    }

    private void grade(Exercise exercise) {
        listener.started(exercise, System.nanoTime());
        Attempt attempt;
        try {
            attempt = attempts.assess(exercise, OptionalLong.empty());
        } catch (RuntimeException e) {
            listener.failed(exercise, messageOf(e));
            return;
        }
        // The verdict first, its progress a moment later: the progress file's write waits for the disk, 4 ms
        // on a quiet machine and up to a tenth of a second while a test JVM starts beside it.
        givingVerdict.lock();
        try {
            listener.finished(attempt);
            try {
                attempts.keep(attempt);
            } catch (RuntimeException e) {
                listener.problem(messageOf(e));
            }
        } finally {
            givingVerdict.unlock();
        }
    }

    /** An exception in one line for the learner: its message, or its class where it has none. */
    private static String messageOf(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * Stops watching and grading. A verdict already given has its progress saved first (within a bound), so
     * that what the learner saw is what the tutor remembers; a grading still running is abandoned.
     */
    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
        }
        try {
            if (givingVerdict.tryLock(SAVE_BOUND_SECONDS, TimeUnit.SECONDS)) {
                givingVerdict.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
    }
}
