package dev.tutor.app.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class FileProgressStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-25T04:30:00Z");

    @TempDir
    Path workspace;

    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private FileProgressStore store() {
        return new FileProgressStore(workspace, warnings::add, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Path file() {
        return workspace.resolve(".tutor/progress.json");
    }

    private static Progress sample() {
        return Progress.empty()
                .withAttempt("probe-01", false, NOW.minusSeconds(90))
                .withAttempt("probe-01", true, NOW.minusSeconds(30).plusNanos(123_456_789))
                .withHintTaken("probe-01")
                .withSolutionViewed("gil-02")
                .withCurrent("gil-02");
    }

    @Test
    void aMissingFileIsEmptyProgressWithoutWarning() {
        assertThat(store().load()).isEqualTo(Progress.empty());
        assertThat(warnings).isEmpty();
    }

    @Test
    void savedProgressLoadsBackEqual() throws IOException {
        store().save(sample());

        assertThat(store().load()).isEqualTo(sample());
        assertThat(warnings).isEmpty();
    }

    @Test
    void theFileIsPrettyJsonThatSaysTheTutorWroteIt() throws IOException {
        store().save(sample());

        String text = Files.readString(file());
        assertThat(text).startsWith("{\n  \"_note\": \"Written by the Concurrency Tutor");
        assertThat(text).contains("\"status\": \"passed\"", "\"current\": \"gil-02\"");
    }

    @Test
    void savingLeavesNoTemporaryFilesBehind() throws IOException {
        store().save(sample());
        store().save(sample().withHintTaken("x"));

        try (Stream<Path> files = Files.list(file().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("progress.json");
        }
    }

    @Test
    void exercisesUnknownToTheCourseAreKept() throws IOException {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), """
                {"schemaVersion": 1, "exercises": {"retired-07": {"status": "passed", "attempts": 4}}}
                """);

        Progress p = store().load();
        store().save(p.withHintTaken("probe-01"));

        assertThat(store().load().exercise("retired-07").attempts()).isEqualTo(4);
    }

    @Test
    void concurrentSavesFromEightThreadsLeaveOneWholeValidFile() throws Exception {
        FileProgressStore store = store();
        List<Progress> saved = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            saved.add(sample().withCurrent("exercise-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (Progress p : saved) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int round = 0; round < 5; round++) {
                        store.save(p);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(store().load()).isIn(saved);
        assertThat(warnings).isEmpty();
        try (Stream<Path> files = Files.list(file().getParent())) {
            assertThat(files).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "not json at all",
        "{\"schemaVersion\": 1, \"exercises\": {",
        "[1, 2, 3]",
        "{\"schemaVersion\": 99, \"exercises\": {}}",
        "{\"exercises\": {}}",
        "{\"schemaVersion\": 1, \"exercises\": {\"a\": {\"attempts\": \"three\"}}}",
        "{\"schemaVersion\": 1, \"exercises\": {\"a\": {\"attempts\": -1}}}",
        "{\"schemaVersion\": 1, \"exercises\": {\"a\": {\"status\": \"great\"}}}",
        "{\"schemaVersion\": 1, \"exercises\": {\"a\": {\"lastAttemptAt\": \"yesterday\"}}}",
        "{\"schemaVersion\": 1, \"exercises\": [\"a\"]}",
        "{\"schemaVersion\": 1, \"current\": 7}",
        "{\"schemaVersion\": 1} trailing",
        ""
    })
    void aCorruptFileIsKeptAsideWithOneWarningAndProgressStartsEmpty(String content) throws IOException {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), content);

        assertThat(store().load()).isEqualTo(Progress.empty());

        assertKeptAsideWithOneWarning();
        assertThat(Files.readString(file().resolveSibling("progress.json.corrupt-20261125T043000")))
                .isEqualTo(content);
    }

    @Test
    void textThatIsNotUtf8IsKeptAside() throws IOException {
        Files.createDirectories(file().getParent());
        Files.write(file(), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});

        assertThat(store().load()).isEqualTo(Progress.empty());

        assertKeptAsideWithOneWarning();
        assertThat(warnings.get(0)).contains("not UTF-8");
    }

    @Test
    void aWarningNamesTheFileTheProblemAndTheBackup() throws IOException {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "[]");

        store().load();

        assertThat(warnings).containsExactly("Progress file " + file() + " could not be read (the top level is not"
                + " a JSON object but []); kept it as progress.json.corrupt-20261125T043000 and started fresh.");
    }

    @Test
    void aFolderWhereTheFileShouldBeIsKeptAsideAndTheNextSaveWorks() throws IOException {
        Files.createDirectories(file().resolve("inside"));

        assertThat(store().load()).isEqualTo(Progress.empty());
        assertKeptAsideWithOneWarning();
        assertThat(warnings.get(0)).contains("it is a folder");

        store().save(sample());
        assertThat(store().load()).isEqualTo(sample());
    }

    @Test
    void aFileThatCannotBeOpenedIsKeptAside() throws IOException {
        // A link to itself cannot be read even by root, unlike a file without read permission.
        Files.createDirectories(file().getParent());
        Files.createSymbolicLink(file(), file().getFileName());

        assertThat(store().load()).isEqualTo(Progress.empty());

        assertKeptAsideWithOneWarning();
    }

    @Test
    void twoCorruptFilesInOneSecondAreBothKept() throws IOException {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "first");
        store().load();
        Files.writeString(file(), "second");
        store().load();

        Path dir = file().getParent();
        assertThat(Files.readString(dir.resolve("progress.json.corrupt-20261125T043000"))).isEqualTo("first");
        assertThat(Files.readString(dir.resolve("progress.json.corrupt-20261125T043000-2"))).isEqualTo("second");
    }

    @Test
    void aSaveThatCannotWriteSaysWhereAndKeepsTheOldFile() throws IOException {
        store().save(sample());
        Path blocked = workspace.resolve("blocked");
        Files.writeString(blocked, "a file where a folder is needed");
        FileProgressStore store = new FileProgressStore(blocked, warnings::add);

        assertThatThrownBy(() -> store.save(sample()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Could not save progress to " + blocked.resolve(".tutor/progress.json"));
        assertThat(store().load()).isEqualTo(sample());
    }

    private void assertKeptAsideWithOneWarning() throws IOException {
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0))
                .startsWith("Progress file " + file() + " could not be read (")
                .endsWith("kept it as progress.json.corrupt-20261125T043000 and started fresh.");
        assertThat(file()).doesNotExist();
        assertThat(file().resolveSibling("progress.json.corrupt-20261125T043000")).existsNoFollowLinks();
        assertThat(warnings.get(0)).doesNotContain("\n");
        assertThat(store().load()).isEqualTo(Progress.empty());
        assertThat(warnings).hasSize(1);
    }
}
