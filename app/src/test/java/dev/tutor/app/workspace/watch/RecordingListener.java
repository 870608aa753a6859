package dev.tutor.app.workspace.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link SaveListener} that remembers each report, with the file's content at the moment it was reported. */
final class RecordingListener implements SaveListener {

    /** One report: the path and what the file held when it was reported. */
    record Saved(Path file, String content) {}

    /** A bound for failures only: a report that takes this long is not coming. */
    private static final long TIMEOUT_SECONDS = 5;

    private final BlockingQueue<Saved> saves = new LinkedBlockingQueue<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    /** Every announcement of a change and every save, in the order heard, with the file's content then. */
    final List<String> heard = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> problemsToCome = new LinkedBlockingQueue<>();

    @Override
    public void saved(Path javaFile) {
        Saved saved = new Saved(javaFile, read(javaFile));
        heard.add("saved " + javaFile.getFileName() + ": " + saved.content());
        saves.add(saved);
    }

    @Override
    public void changing(Path javaFile) {
        heard.add("changing " + javaFile.getFileName() + ": " + read(javaFile));
    }

    private static String read(Path javaFile) {
        try {
            return Files.readString(javaFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void problem(String line) {
        problems.add(line);
        problemsToCome.add(line);
    }

    /**
     * Waits for the next problem reported; fails if none comes in time. A save's problem and a later save of
     * another file may be handled on different threads, so a later file's report says nothing of it.
     */
    String nextProblem() throws InterruptedException {
        String line = problemsToCome.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(line).as("a problem reported within %d s", TIMEOUT_SECONDS).isNotNull();
        return line;
    }

    /** Waits for the next report and returns it; fails if none comes in time. */
    Saved next() throws InterruptedException {
        Saved saved = saves.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(saved).as("a save reported within %d s", TIMEOUT_SECONDS).isNotNull();
        return saved;
    }

    /**
     * Saves a marker file and waits for its report, then checks nothing else was reported before it.
     *
     * <p>The watcher reports in the order files went quiet, so a duplicate or late report of an earlier save would
     * arrive before the marker's: this proves "exactly once" without sleeping and hoping.
     */
    void assertNothingElseBefore(Path root, String marker) throws Exception {
        Path file = root.resolve(marker + ".java");
        String content = "class " + marker + " { /* " + System.nanoTime() + " */ }";
        Files.writeString(file, content);
        assertThat(next()).isEqualTo(new Saved(file, content));
        assertThat(saves).isEmpty();
    }
}
