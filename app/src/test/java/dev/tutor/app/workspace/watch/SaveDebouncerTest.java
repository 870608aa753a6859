package dev.tutor.app.workspace.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.workspace.watch.RecordingListener.Saved;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class SaveDebouncerTest {

    @TempDir
    Path root;

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void shutDown() throws InterruptedException {
        loop.shutdownNow();
        assertThat(loop.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theSameSaveSeenByTwoMechanismsIsReportedOnce() throws Exception {
        Path foo = Files.writeString(root.resolve("Foo.java"), "class Foo {}");
        SaveDebouncer debouncer = new SaveDebouncer(loop, Duration.ofMillis(5), List.of(foo), listener);

        Files.writeString(foo, "class Foo { int x; }");
        loop.execute(() -> debouncer.touched(foo)); // native event
        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo { int x; }"));
        loop.execute(() -> debouncer.touched(foo)); // the polling scan, a second later

        Path marker = Files.writeString(root.resolve("Marker.java"), "class Marker {}");
        loop.execute(() -> debouncer.touched(marker));
        assertThat(listener.next().file()).isEqualTo(marker);
    }

    @Test
    void aChangeIsAnnouncedOnceWhileTheDebounceRunsAndThenReportedAsASave() throws Exception {
        Path foo = Files.writeString(root.resolve("Foo.java"), "class Foo {}");
        // A long debounce, so that the glance a few milliseconds after the touches surely comes first.
        SaveDebouncer debouncer = new SaveDebouncer(loop, Duration.ofMillis(300), List.of(foo), listener);

        Files.writeString(foo, "class Foo { int y; }");
        loop.execute(() -> debouncer.touched(foo)); // an editor's burst: several events of one save
        loop.execute(() -> debouncer.touched(foo));
        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo { int y; }"));

        assertThat(listener.heard).containsExactly("changing Foo.java: class Foo { int y; }",
                "saved Foo.java: class Foo { int y; }");
    }

    @Test
    void aTouchThatChangedNothingIsNeitherAnnouncedNorReported() throws Exception {
        Path foo = Files.writeString(root.resolve("Foo.java"), "class Foo {}");
        SaveDebouncer debouncer = new SaveDebouncer(loop, Duration.ofMillis(30), List.of(foo), listener);

        loop.execute(() -> debouncer.touched(foo));
        Path marker = Files.writeString(root.resolve("Marker.java"), "class Marker {}");
        loop.execute(() -> debouncer.touched(marker));
        assertThat(listener.next().file()).isEqualTo(marker);

        assertThat(listener.heard).containsExactly("changing Marker.java: class Marker {}",
                "saved Marker.java: class Marker {}");
    }

    @Test
    void aFileGoneBeforeItWentQuietIsNotReported() throws Exception {
        Path gone = root.resolve("Gone.java");
        SaveDebouncer debouncer = new SaveDebouncer(loop, Duration.ofMillis(5), List.of(), listener);

        loop.execute(() -> debouncer.touched(gone));
        Path marker = Files.writeString(root.resolve("Marker.java"), "class Marker {}");
        loop.execute(() -> debouncer.touched(marker));

        assertThat(listener.next().file()).isEqualTo(marker);
    }

    @Test
    void aFileDeletedAndPutBackAsItWasIsReportedOnItsReturn() throws Exception {
        Path foo = Files.writeString(root.resolve("Foo.java"), "class Foo {}");
        SaveDebouncer debouncer = new SaveDebouncer(loop, Duration.ofMillis(5), List.of(foo), listener);

        Files.delete(foo);
        loop.execute(() -> debouncer.touched(foo));
        Path marker = Files.writeString(root.resolve("Marker.java"), "class Marker {}");
        loop.execute(() -> debouncer.touched(marker));
        assertThat(listener.next().file()).isEqualTo(marker); // the deletion has settled, unreported

        Files.writeString(foo, "class Foo {}");
        loop.execute(() -> debouncer.touched(foo));
        assertThat(listener.next()).isEqualTo(new Saved(foo, "class Foo {}"));
    }
}
