package dev.tutor.runtime.loop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link LoopLog} that keeps what it is told, for assertions. */
final class RecordingLog implements LoopLog {

    final List<String> warnings = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<Throwable> thrown = new CopyOnWriteArrayList<>();

    @Override
    public void warning(String message) {
        warnings.add(message);
    }

    @Override
    public void error(String message, Throwable error) {
        errors.add(message);
        thrown.add(error);
    }
}
