package dev.tutor.app.grading;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/**
 * The compile of an attempt begun before its save is reported: while the watcher waits for the file to stay
 * quiet (30 ms by default, to see an editor's burst of writes through), the files as they stand are compiled,
 * and the grading that follows takes that compile instead of starting its own. It saves a save the debounce
 * time, or the compile's, whichever is shorter.
 *
 * <p>Only the exact text graded may use it: a grading whose files differ in any byte from what was compiled
 * ahead throws that compile away and compiles its own. So an ahead compile of half a save, or of a save the
 * learner undid, can cost CPU time but never a verdict on code that is not on disk.
 *
 * @param <T> what a compile gives, with its classes in the folder it was handed
 */
final class CompileAhead<T> implements AutoCloseable {
    /** Compiles an attempt into a fresh folder; runs on this class's own thread. */
    private final BiFunction<GradeRequest, Path, T> compile;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "tutor-compile-ahead");
        t.setDaemon(true);
        return t;
    });
    /** The one compile ahead that a grading may still take; null when there is none. */
    private Pending<T> pending;
    private boolean closed;

    /** A compile ahead: what it compiles, where, and its outcome once done. */
    private record Pending<T>(GradeRequest attempt, Path classes, CompletableFuture<T> compiled) {
        /** Deletes its folder once nobody will use it, after the compile that writes there has ended. */
        void discard() {
            compiled.whenComplete((done, failed) -> ScratchFolders.delete(classes));
        }
    }

    /** What a grading takes over from a compile ahead: the compile's outcome and the folder of its classes. */
    record Taken<T>(T compiled, Path classes) {
    }

    CompileAhead(BiFunction<GradeRequest, Path, T> compile) {
        this.compile = compile;
    }

    /** Starts compiling {@code attempt} on this class's thread; a compile ahead not yet taken is discarded. */
    synchronized void start(GradeRequest attempt) {
        if (closed) {
            return;
        }
        if (pending != null && same(pending.attempt(), attempt)) {
            return; // the same text touched again: that compile still holds
        }
        Path classes = ScratchFolders.create("tutor-attempt");
        Pending<T> next = new Pending<>(attempt, classes,
                CompletableFuture.supplyAsync(() -> compile.apply(attempt, classes), thread));
        discardPending();
        pending = next;
    }

    /**
     * The compile ahead of exactly this attempt, waiting for it to end if it is still running; empty when there
     * is none, when it was of other text, or when it failed (the grading then compiles, and reports, itself).
     * Either way the compile ahead is used up.
     */
    Optional<Taken<T>> take(GradeRequest attempt) {
        Pending<T> mine;
        synchronized (this) {
            mine = pending;
            pending = null;
        }
        if (mine == null) {
            return Optional.empty();
        }
        if (!same(mine.attempt(), attempt)) {
            mine.discard();
            return Optional.empty();
        }
        try {
            return Optional.of(new Taken<>(mine.compiled().join(), mine.classes()));
        } catch (RuntimeException e) {
            mine.discard();
            return Optional.empty();
        }
    }

    /** Whether two attempts are of the same exercise, every file the same text to the byte. */
    private static boolean same(GradeRequest a, GradeRequest b) {
        return a.exercise().id().equals(b.exercise().id()) && a.learnerSources().equals(b.learnerSources());
    }

    private void discardPending() {
        if (pending != null) {
            pending.discard();
            pending = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        discardPending();
        thread.shutdown();
    }
}
