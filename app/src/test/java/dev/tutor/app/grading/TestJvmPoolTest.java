package dev.tutor.app.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool's test JVMs, as the system around them sees them. */
@Timeout(90)
class TestJvmPoolTest {

    @Test
    void aTestJvmThatExploredInterleavingsLeavesNothingInTheTemporaryFoldersOnceKilled() throws IOException {
        try (TestJvmPool pool = new TestJvmPool(Grader.currentClassPath(), List.of())) {
            TestJvm jvm = pool.take(true);
            Path scratch = jvm.classesFolder().getParent();
            Path socket = TestJvm.ATTACH_SOCKETS.resolve(".java_pid" + jvm.pid());
            try {
                assertThat(jvm.awaitReady(80_000)).as("the explorer's JVM became ready").isTrue();
                // Lincheck's bootstrap jar (and, from tutor.jar, Byte Buddy's agent jar) go to its scratch folder...
                assertThat(names(TestJvm.temporaryFolder(scratch)))
                        .as("files the JVM made in its temporary folder")
                        .anyMatch(name -> name.startsWith("lincheck-bootstrap"));
                // ...and the agent was attached, which leaves a socket where the JVM's temporary folder is not.
                assertThat(socket).as("the attach listener's socket while the JVM runs").exists();
            } finally {
                jvm.close();
            }
            assertThat(scratch).as("the JVM's scratch folder once killed").doesNotExist();
            assertThat(socket).as("the attach listener's socket once the JVM is killed").doesNotExist();
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
