package dev.tutor.app.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up cache keeps the folder from filling up with the caches of earlier tutor.jars. */
class StartupCacheTest {
    @TempDir
    Path folder;
    @TempDir
    Path jars;

    private StartupCache cache() throws IOException {
        Path jar = Files.writeString(jars.resolve("tutor.jar"), "not really a jar");
        return new StartupCache(List.of(jar.toString()), List.of("-Xmx256m"), folder);
    }

    private Path file(String name, Duration age) throws IOException {
        Path file = Files.writeString(folder.resolve(name), "cache");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    @Test
    void removesCachesUnusedForAWeekAndTrainingsThatDiedButKeepsTheRest() throws IOException {
        StartupCache cache = cache();
        Path own = file(cache.file().getFileName().toString(), Duration.ofDays(30));
        Path stale = file("test-jvm-0000000000000001.aot", Duration.ofDays(8));
        Path recent = file("test-jvm-0000000000000002.aot", Duration.ofDays(2));
        Path deadTraining = file("test-jvm-0000000000000003.aot.partial-4242", Duration.ofHours(2));
        Path runningTraining = file("test-jvm-0000000000000004.aot.partial-4343", Duration.ofMinutes(5));
        Path deadLock = file("test-jvm-0000000000000005.aot.training", Duration.ofHours(3));
        Path notOurs = file("notes.txt", Duration.ofDays(400));

        cache.removeStaleSiblings();

        assertThat(stale).doesNotExist();
        assertThat(deadTraining).doesNotExist();
        assertThat(deadLock).doesNotExist();
        assertThat(own).exists();
        assertThat(recent).exists();
        assertThat(runningTraining).exists();
        assertThat(notOurs).exists();
    }

    @Test
    void keepsOnlyTheCachesOfTheOtherJarsUsedLastHoweverRecent() throws IOException {
        StartupCache cache = cache();
        Path own = file(cache.file().getFileName().toString(), Duration.ofDays(5));
        List<Path> others = new java.util.ArrayList<>();
        for (int i = 0; i < StartupCache.OTHERS_KEPT + 3; i++) { // i hours old: the first ones were used last
            others.add(file("test-jvm-00000000000001%02d.aot".formatted(i), Duration.ofHours(i)));
        }
        Path runningTraining = file("test-jvm-0000000000000999.aot.partial-4343", Duration.ofMinutes(50));

        cache.removeStaleSiblings();

        assertThat(own).exists();
        assertThat(runningTraining).as("a training under way is no cache to count").exists();
        assertThat(others.subList(0, StartupCache.OTHERS_KEPT)).allMatch(Files::exists);
        assertThat(others.subList(StartupCache.OTHERS_KEPT, others.size())).noneMatch(Files::exists);
    }

    @Test
    void startingATrainingClearsWhatDeadTrainingsLeftEvenWhenThisOneFails() throws IOException {
        StartupCache cache = cache();
        Path deadTraining = file("test-jvm-0000000000000003.aot.partial-4242", Duration.ofHours(2));

        cache.train(List.of("/bin/false", "-cp", "tutor.jar", TestJvmPool.WORKER_CLASS));

        assertThat(deadTraining).doesNotExist();
        assertThat(cache.file()).doesNotExist();
        assertThat(cache.needsTraining()).as("a failed training is not repeated by the same tutor").isFalse();
    }

    @Test
    void usingTheCacheDatesItToTodaySoTheCleanUpKeepsIt() throws IOException {
        StartupCache cache = cache();
        Path own = file(cache.file().getFileName().toString(), Duration.ofDays(30));

        assertThat(cache.useOptions()).singleElement().asString().endsWith(own.toString());

        Duration age = Duration.between(Files.getLastModifiedTime(own).toInstant(), Instant.now());
        assertThat(age).isLessThan(Duration.ofMinutes(1));
    }
}
