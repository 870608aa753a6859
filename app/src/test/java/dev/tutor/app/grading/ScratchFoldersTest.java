package dev.tutor.app.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scratch folders in use when the tutor is ended from outside. */
@Timeout(60)
class ScratchFoldersTest {

    @Test
    void aFolderStillInUseIsDeletedWhenTheJvmIsToldToEnd() throws Exception {
        Process tutor = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldsAScratchFolder.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(tutor.getInputStream(),
                StandardCharsets.UTF_8))) {
            Path folder = Path.of(out.readLine());
            assertThat(folder.resolve("kept.txt")).as("the file written in the scratch folder").exists();

            tutor.destroy(); // SIGTERM, as when its terminal is closed (SIGHUP) or the system shuts down

            assertThat(tutor.waitFor(30, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
            assertThat(folder).as("the scratch folder of a JVM told to end").doesNotExist();
        } finally {
            tutor.destroyForcibly();
        }
    }

    /** A JVM that makes a scratch folder, writes into it, says where, and waits to be ended. */
    static final class HoldsAScratchFolder {
        public static void main(String[] args) throws Exception {
            Path folder = ScratchFolders.create("tutor-scratch-test");
            Files.writeString(folder.resolve("kept.txt"), "in use");
            System.out.println(folder);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
