package dev.tutor.app.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The learner's folder: a Maven project that any IDE opens, holding the exercise files the learner edits,
 * the tests they can read, and the tutor's own state in {@code .tutor/}.
 *
 * <pre>
 * WORKSPACE/
 *   pom.xml                   opens in IntelliJ IDEA, VS Code and Eclipse; mvn test works too (slowly)
 *   src/main/java/...         the learner's files, same package paths as exercises/ and solutions/
 *   src/test/java/...         the tests, visible; the grader uses its own pristine copy
 *   .tutor/progress.json      progress, written atomically
 *   .tutor/backups/           a learner's file before each reset
 *   .tutor/repo/              the bundled runtime and JUnit jars, so the IDE resolves them offline
 * </pre>
 */
public record Workspace(Path root) {
    /** The folder whose presence marks a workspace. */
    public static final String TUTOR_DIR = ".tutor";

    public Workspace {
        root = root.toAbsolutePath().normalize();
    }

    public Path sourceRoot() {
        return root.resolve("src/main/java");
    }

    public Path testRoot() {
        return root.resolve("src/test/java");
    }

    public Path tutorDir() {
        return root.resolve(TUTOR_DIR);
    }

    public Path progressFile() {
        return tutorDir().resolve("progress.json");
    }

    public Path backupsDir() {
        return tutorDir().resolve("backups");
    }

    /** Where a learner file lives, from its source path ({@code dev/tutor/exercises/.../Foo.java}). */
    public Path learnerFile(String sourcePath) {
        return sourceRoot().resolve(sourcePath);
    }

    /** Whether {@code init} has been run here. */
    public boolean exists() {
        return Files.isDirectory(tutorDir()) && Files.isDirectory(sourceRoot());
    }

    /** The text of a learner file, or empty when the learner has deleted it. */
    public Optional<String> read(String sourcePath) {
        Path file = learnerFile(sourcePath);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The source path of a file inside the source root, or empty for a file outside it. */
    public Optional<String> sourcePathOf(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(sourceRoot())) {
            return Optional.empty();
        }
        return Optional.of(sourceRoot().relativize(absolute).toString().replace('\\', '/'));
    }

    /**
     * Finds the workspace to use: the one given, else {@code TUTOR_WORKSPACE}, else the nearest folder
     * upwards from the current one that holds {@code .tutor/}, else {@code ~/concurrency-tutor}.
     */
    public static Workspace locate(Path given) {
        if (given != null) {
            return new Workspace(given);
        }
        String fromEnv = System.getenv("TUTOR_WORKSPACE");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Workspace(Path.of(fromEnv));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(TUTOR_DIR)) && Files.isDirectory(dir.resolve("src/main/java"))) {
                return new Workspace(dir);
            }
        }
        return new Workspace(defaultRoot());
    }

    public static Path defaultRoot() {
        return dev.tutor.app.home.Home.folder().resolve("concurrency-tutor");
    }
}
