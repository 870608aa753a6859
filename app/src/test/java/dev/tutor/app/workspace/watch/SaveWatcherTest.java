package dev.tutor.app.workspace.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutor.app.workspace.watch.RecordingListener.Saved;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class SaveWatcherTest {

    /**
     * Longer than the default so that a loaded machine pausing between two writes of one save cannot split it; the
     * default is exercised in {@link #theDefaultModeUsesNativeEventsWithAPollingFallback()}.
     */
    private static final WatchOptions OPTIONS = WatchOptions.defaults().withDebounce(Duration.ofMillis(150));

    @TempDir
    Path root;

    private final RecordingListener listener = new RecordingListener();
    private SaveWatcher watcher;
    private Path foo;

    @BeforeEach
    void existingExercise() throws IOException {
        foo = Files.createDirectories(root.resolve("dev/tutor/exercises/loop")).resolve("Foo.java");
        Files.writeString(foo, "class Foo {}");
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    @Test
    void aPlainWriteIsReportedOnce() throws Exception {
        watcher = SaveWatcher.start(root, OPTIONS, listener);

        Files.writeString(foo, "class Foo { int x; }");

        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo { int x; }"));
        listener.assertNothingElseBefore(root, "Marker");
    }

    @Test
    void aBurstOfFiveWritesWithinTheDebounceIsReportedOnceWithTheLastContent() throws Exception {
        watcher = SaveWatcher.start(root, OPTIONS.withDebounce(Duration.ofMillis(400)), listener);

        for (int i = 1; i <= 5; i++) {
            Files.writeString(foo, "class Foo { int v" + i + "; }");
        }

        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo { int v5; }"));
        listener.assertNothingElseBefore(root, "Marker");
    }

    @Test
    void anIntellijSafeWriteIsReportedOnceUnderTheFinalName() throws Exception {
        watcher = SaveWatcher.start(root, OPTIONS, listener);

        Path tmp = foo.resolveSibling("Foo.java___jb_tmp___");
        Path old = foo.resolveSibling("Foo.java___jb_old___");
        Files.writeString(tmp, "class Foo { int jb; }");
        Files.move(foo, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, foo, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(old);

        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo { int jb; }"));
        listener.assertNothingElseBefore(root, "Marker");
    }

    @Test
    void aVimBackupWriteIsReportedOnceUnderTheFinalName() throws Exception {
        watcher = SaveWatcher.start(root, OPTIONS, listener);

        Path probe = Files.writeString(foo.resolveSibling("4913"), "");
        Files.delete(probe);
        Path backup = foo.resolveSibling("Foo.java~");
        Files.move(foo, backup, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(foo, "class Foo { int vim; }");
        Files.writeString(foo.resolveSibling(".Foo.java.swp"), "swap");
        Files.delete(backup);

        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo { int vim; }"));
        listener.assertNothingElseBefore(root, "Marker");
    }

    @Test
    void aSaveThatChangesNothingIsNotReported() throws Exception {
        watcher = SaveWatcher.start(root, OPTIONS, listener);

        Files.writeString(foo, "class Foo {}");
        Files.setLastModifiedTime(foo, Files.getLastModifiedTime(foo));

        listener.assertNothingElseBefore(root, "Marker");
    }

    @Test
    void aFileDeletedAndPutBackAsItWasIsReportedOnItsReturn() throws Exception {
        watcher = SaveWatcher.start(root, OPTIONS, listener);

        Files.delete(foo);
        listener.assertNothingElseBefore(root, "Marker"); // the deletion has settled, unreported
        Files.writeString(foo, "class Foo {}");

        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo {}"));
    }

    @Test
    void pollingAlsoReportsAFileDeletedAndPutBackAsItWas() throws Exception {
        watcher = SaveWatcher.start(root, OPTIONS.withPollingOnly(true).withPollInterval(Duration.ofMillis(20)),
                listener);

        Files.delete(foo);
        listener.assertNothingElseBefore(root, "Marker");
        Files.writeString(foo, "class Foo {}");

        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo {}"));
    }

    @Test
    void aNewFileInANewSubfolderIsSeen() throws Exception {
        watcher = SaveWatcher.start(root, OPTIONS, listener);

        Path fresh = Files.createDirectories(root.resolve("dev/tutor/exercises/gil/deep")).resolve("Fresh.java");
        Files.writeString(fresh, "class Fresh {}");

        assertThat(listener.next()).isEqualTo(new Saved(fresh, "class Fresh {}"));
        listener.assertNothingElseBefore(root, "Marker");
    }

    @Test
    void pollingOnlySeesASaveAndSaysSo() throws Exception {
        WatchOptions polling = OPTIONS.withPollingOnly(true).withPollInterval(Duration.ofMillis(20));
        watcher = SaveWatcher.start(root, polling, listener);

        Files.writeString(foo, "class Foo { int polled; }");

        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo { int polled; }"));
        assertThat(watcher.mode()).isEqualTo(WatchMode.POLLING_ONLY);
        assertThat(watcher.describeMode()).isEqualTo("watching by polling every 20 ms");
        listener.assertNothingElseBefore(root, "Marker");
    }

    @Test
    void theDefaultModeUsesNativeEventsWithAPollingFallback() throws Exception {
        watcher = SaveWatcher.start(root, WatchOptions.defaults(), listener);

        Files.writeString(foo, "class Foo { int native; }");

        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo { int native; }"));
        assertThat(watcher.mode()).isEqualTo(WatchMode.NATIVE_WITH_POLLING_FALLBACK);
        assertThat(watcher.describeMode()).isEqualTo("watching with native file events + 1 s polling fallback");
        assertThat(listener.problems).isEmpty();
    }

    @Test
    void filesInHiddenFoldersAndNonJavaNamesAreNeverReported() throws Exception {
        watcher = SaveWatcher.start(root, OPTIONS, listener);

        Files.writeString(Files.createDirectories(root.resolve(".history")).resolve("Foo.java"), "class Foo {}");
        Files.writeString(root.resolve("notes.txt"), "text");
        Files.writeString(root.resolve(".#Foo.java"), "lock");

        listener.assertNothingElseBefore(root, "Marker");
    }

    @Test
    void aListenerThatThrowsIsReportedAsAProblemAndWatchingGoesOn() throws Exception {
        SaveListener failing = new SaveListener() {
            @Override
            public void saved(Path javaFile) {
                if (javaFile.equals(foo)) {
                    throw new IllegalStateException("grader broke");
                }
                listener.saved(javaFile);
            }

            @Override
            public void problem(String line) {
                listener.problem(line);
            }
        };
        watcher = SaveWatcher.start(root, OPTIONS, failing);

        Files.writeString(foo, "class Foo { int boom; }");

        listener.nextProblem();
        listener.assertNothingElseBefore(root, "Marker");
        assertThat(listener.problems).singleElement().asString().contains(foo.toString(), "grader broke");
    }

    @Test
    void closeStopsEveryThreadItStartedAndCanBeCalledTwice() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        watcher = SaveWatcher.start(root, OPTIONS, listener);
        Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        started.removeIf(t -> t.getName().startsWith("junit")); // JUnit's own time-out thread, not ours

        watcher.close();
        watcher.close();

        assertThat(started).extracting(Thread::getName).contains("tutor-watch", "tutor-watch-events");
        for (Thread t : started) {
            t.join(5_000); // a bound for failure only: a thread that ends returns at once
        }
        assertThat(started).noneMatch(Thread::isAlive);
    }

    @Test
    void closeFromInsideTheListenerDoesNotHang() throws Exception {
        SaveWatcher[] self = new SaveWatcher[1];
        RecordingListener after = new RecordingListener();
        self[0] = SaveWatcher.start(root, OPTIONS, file -> {
            self[0].close();
            after.saved(file);
        });
        watcher = self[0];

        Files.writeString(foo, "class Foo { int last; }");

        assertThat(after.next().file()).isEqualTo(foo);
    }

    @Test
    void aMissingFolderIsRefusedWithItsName() {
        Path missing = root.resolve("src/main/java");

        assertThatThrownBy(() -> SaveWatcher.start(missing, OPTIONS, listener))
                .isInstanceOf(IOException.class)
                .hasMessage("Cannot watch " + missing + ": there is no such folder.");
    }
}
