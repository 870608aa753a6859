package dev.tutor.app.home;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HomeTest {
    @Test
    void homeFollowsTheShellsHomeNotThePasswordDatabase() {
        assertThat(Home.folder(Map.of("HOME", "/tmp/elsewhere"), "/home/learner")).isEqualTo(Path.of("/tmp/elsewhere"));
        assertThat(Home.folder(Map.of(), "/home/learner")).isEqualTo(Path.of("/home/learner"));
        assertThat(Home.folder(Map.of("HOME", " "), "/home/learner")).isEqualTo(Path.of("/home/learner"));
    }

    @Test
    void cachesGoWhereTheScriptPutsThem() {
        assertThat(Home.cacheFolder(Map.of("HOME", "/tmp/h"), "/home/learner"))
                .isEqualTo(Path.of("/tmp/h/.cache/concurrency-tutor"));
        assertThat(Home.cacheFolder(Map.of("HOME", "/tmp/h", "XDG_CACHE_HOME", "/var/c"), "/home/learner"))
                .isEqualTo(Path.of("/var/c/concurrency-tutor"));
    }
}
