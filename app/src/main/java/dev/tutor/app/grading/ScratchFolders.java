package dev.tutor.app.grading;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The grader's scratch folders: one per attempt and one per test JVM, deleted after use, and those still
 * in use deleted when the tutor's JVM ends, as it does when its terminal is closed or it is sent SIGTERM.
 */
final class ScratchFolders {
    /** Folders made and not yet deleted. */
    private static final Set<Path> IN_USE = ConcurrentHashMap.newKeySet();
    /** Set once the JVM has begun to end: a folder made after that is deleted at once. */
    private static volatile boolean ending;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(ScratchFolders::deleteAllInUse, "tutor-delete-scratch-folders"));
        } catch (IllegalStateException e) {
            ending = true; // the JVM is already ending
        }
    }

    private ScratchFolders() {
    }

    /** Makes a new empty folder for one use, under the system's temporary folder. */
    static Path create(String prefix) {
        try {
            Path folder = Files.createTempDirectory(prefix);
            IN_USE.add(folder);
            if (ending) { // made while the JVM ends, perhaps after the hook looked: not to be used
                delete(folder);
                throw new GradingException("The tutor is ending.");
            }
            return folder;
        } catch (IOException e) {
            throw new GradingException("Could not make a scratch folder in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage() + ". Free some disk space or set TMPDIR.", e);
        }
    }

    /**
     * Deletes every folder in use. The grader's threads go on while the JVM ends, and one may be writing into a
     * folder as it is deleted (javac into a warm-up's), so what is still there is deleted once more a moment later.
     */
    private static void deleteAllInUse() {
        ending = true;
        for (int pass = 0; pass < 3 && !IN_USE.isEmpty(); pass++) {
            for (Path folder : List.copyOf(IN_USE)) {
                delete(folder);
                if (Files.exists(folder)) {
                    IN_USE.add(folder);
                }
            }
            if (!IN_USE.isEmpty()) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Deletes a folder and everything in it, quietly: a scratch folder left behind is no reason to fail. */
    static void delete(Path root) {
        if (root == null) {
            return;
        }
        IN_USE.remove(root);
        if (!Files.exists(root)) {
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
