package dev.tutor.app.progress;

import java.io.IOException;

/**
 * Where a learner's {@link Progress} is kept between runs of the tutor.
 *
 * <p>Implementations are safe to call from several threads. {@link #load()} never fails: a store that cannot read
 * what it holds keeps it aside, says so through its own warning channel and answers {@link Progress#empty()}, so the
 * tutor always starts.
 */
public interface ProgressStore {

    /** Returns the stored progress, or {@link Progress#empty()} when there is none or it cannot be read. */
    Progress load();

    /**
     * Replaces the stored progress with {@code progress}, all or nothing.
     *
     * @throws IOException with a one-line message naming where it failed to write; the stored progress is then the
     *     one before this call
     */
    void save(Progress progress) throws IOException;
}
