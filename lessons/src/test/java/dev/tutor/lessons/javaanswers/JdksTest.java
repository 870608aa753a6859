package dev.tutor.lessons.javaanswers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdksTest {

    @Test
    void theFeatureVersionIsTheFirstNumberAfterAnyLeadingOne() {
        assertEquals(25, Jdks.feature("25.0.3"));
        assertEquals(21, Jdks.feature("21"));
        assertEquals(24, Jdks.feature("24-ea"));
        assertEquals(8, Jdks.feature("1.8.0_402"));
        assertEquals(0, Jdks.feature("unknown"));
    }

    @Test
    void theVersionComesFromTheReleaseFile() {
        List<String> release = List.of("IMPLEMENTOR=\"Eclipse Adoptium\"", "JAVA_VERSION=\"25.0.3\"",
                "JAVA_VERSION_DATE=\"2026-04-21\"");
        assertEquals(Optional.of("25.0.3"), Jdks.javaVersion(release));
        assertEquals(Optional.empty(), Jdks.javaVersion(List.of("JAVA_VERSION_DATE=\"2026-04-21\"")));
        assertEquals(Optional.empty(), Jdks.javaVersion(List.of("JAVA_VERSION=\"\"")));
    }

    @Test
    void aFolderIsAJdkOnlyWithAReleaseFileAndARunnableJava(@TempDir Path home) throws IOException {
        assertEquals(Optional.empty(), Jdks.at(home));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"22.0.2\"\n");
        assertEquals(Optional.empty(), Jdks.at(home), "no bin/java yet");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        assertTrue(java.toFile().setExecutable(true));
        Jdks.Jdk jdk = Jdks.at(home).orElseThrow();
        assertEquals(22, jdk.feature());
        assertEquals("22.0.2", jdk.version());
    }

    @Test
    void theRunningJdkIsAlwaysFound() {
        int running = Runtime.version().feature();
        assertTrue(Jdks.installed().stream().anyMatch(jdk -> jdk.feature() == running), Jdks.installed().toString());
    }
}
