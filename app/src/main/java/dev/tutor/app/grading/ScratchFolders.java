package dev.tutor.app.grading;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The grader's scratch folders: one per attempt and one per test JVM, deleted after use. */
final class ScratchFolders {
    private ScratchFolders() {
    }

    /** Makes a new empty folder for one use, under the system's temporary folder. */
    static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new GradingException("Could not make a scratch folder in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage() + ". Free some disk space or set TMPDIR.", e);
        }
    }

    /** Deletes a folder and everything in it, quietly: a scratch folder left behind is no reason to fail. */
    static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the OS's temp cleaner
                }
            });
        } catch (IOException e) {
            // left for the OS's temp cleaner
        }
    }
}
