package dev.tutor.app.grading;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cache of the classes a test JVM loads at start-up, so that the spare JVM is ready in about half the
 * time: a JDK 25 AOT cache (JEP 483 and 514) where the JDK has one, an AppCDS archive on Java 21 to 24.
 *
 * <p>It is trained once, in the background, by a test JVM that warms up and exits, and kept in the user's
 * cache folder under a key made of the Java version, the class path (its files' sizes and times) and the
 * JVM options. Its options are passed only once the file exists; when training fails, or the class path
 * holds folders (as in the build's own tests), test JVMs simply start without it.
 */
final class StartupCache {
    private final Path file;
    private final boolean supported;
    private final int feature = Runtime.version().feature();
    private volatile boolean failed;

    StartupCache(List<String> classPath, List<String> jvmOptions) {
        this.supported = !classPath.isEmpty() && classPath.stream().allMatch(p -> p.endsWith(".jar")
                && Files.isRegularFile(Path.of(p))) && !Boolean.getBoolean("tutor.noStartupCache");
        this.file = cacheFolder().resolve("test-jvm-" + key(classPath, jvmOptions) + (feature >= 25 ? ".aot" : ".jsa"));
    }

    /** The options that make a test JVM use the cache, or none while it does not exist. */
    List<String> useOptions() {
        if (!supported || failed || !Files.isRegularFile(file)) {
            return List.of();
        }
        return feature >= 25 ? List.of("-XX:AOTCache=" + file) : List.of("-XX:SharedArchiveFile=" + file);
    }

    boolean needsTraining() {
        return supported && !failed && !Files.isRegularFile(file);
    }

    /**
     * Trains the cache with one test JVM that warms up and exits normally (the cache is written at exit).
     * Blocks for a few seconds; call it off the UI thread.
     */
    void train(List<String> workerCommand) {
        if (!needsTraining()) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial-" + ProcessHandle.current().pid());
            List<String> command = new ArrayList<>(workerCommand);
            int main = command.indexOf(TestJvmPool.WORKER_CLASS);
            command.add(main - 2, feature >= 25 ? "-XX:AOTCacheOutput=" + partial : "-XX:ArchiveClassesAtExit=" + partial);
            command.add(main - 2, "-Dtutor.train=true");
            Process training = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            training.getOutputStream().close();
            if (!training.waitFor(60, TimeUnit.SECONDS)) {
                training.destroyForcibly();
                failed = true;
                return;
            }
            if (training.exitValue() == 0 && Files.isRegularFile(partial)) {
                Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(partial);
                failed = true;
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = true;
        }
    }

    Path file() {
        return file;
    }

    private static Path cacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("concurrency-tutor");
    }

    private static String key(List<String> classPath, List<String> jvmOptions) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Runtime.version().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(System.getProperty("java.home").getBytes(StandardCharsets.UTF_8));
            for (String entry : classPath) {
                File f = new File(entry);
                sha.update((entry + ':' + f.length() + ':' + f.lastModified()).getBytes(StandardCharsets.UTF_8));
            }
            sha.update(String.join(" ", jvmOptions).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
