package dev.tutor.app.grading;

import dev.tutor.app.grading.worker.TestWorker;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
    /** A cache nobody has used for this long belongs to a tutor.jar or a Java that is gone; it is removed. */
    private static final Duration UNUSED_FOR = Duration.ofDays(7);
    /**
     * How many caches of other tutor.jars and Javas are kept at most, the most recently used: a course author
     * rebuilds tutor.jar many times a day, and each build's cache is about 30 MB (a week of building the tutor
     * left 110 of them, 3 GB).
     */
    static final int OTHERS_KEPT = 3;
    /** The longest a training may take before it is given up. */
    private static final Duration TRAINING_LIMIT = Duration.ofSeconds(60);
    /** A half-written cache or a training's lock this old was left by a training that died. */
    private static final Duration ABANDONED_AFTER = Duration.ofHours(1);

    private final Path file;
    private final boolean supported;
    private final int feature = Runtime.version().feature();
    private volatile boolean failed;
    private volatile boolean markedUsed;

    StartupCache(List<String> classPath, List<String> jvmOptions) {
        this(classPath, jvmOptions, cacheFolder());
    }

    /** A cache kept in {@code folder}; the tests' own folder instead of the user's. */
    StartupCache(List<String> classPath, List<String> jvmOptions, Path folder) {
        this.supported = !classPath.isEmpty() && classPath.stream().allMatch(p -> p.endsWith(".jar")
                && Files.isRegularFile(Path.of(p))) && !Boolean.getBoolean("tutor.noStartupCache");
        this.file = folder.resolve("test-jvm-" + key(classPath, jvmOptions) + (feature >= 25 ? ".aot" : ".jsa"));
    }

    /** The options that make a test JVM use the cache, or none while it does not exist. */
    List<String> useOptions() {
        if (!supported || failed || !Files.isRegularFile(file)) {
            return List.of();
        }
        markUsed();
        return feature >= 25 ? List.of("-XX:AOTCache=" + file) : List.of("-XX:SharedArchiveFile=" + file);
    }

    /** Dates the cache to today, once per tutor, so that the clean-up after a training keeps it. */
    private void markUsed() {
        if (markedUsed) {
            return;
        }
        markedUsed = true;
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // Read-only cache folder: the cache still works, it may only be cleaned up early.
        }
    }

    /**
     * Removes the caches of other tutor.jars and Javas that nobody used for {@link #UNUSED_FOR} or that are older
     * than the {@link #OTHERS_KEPT} used last, and trainings that died half-way: each tutor update trains a new
     * cache of about 30 MB, and the old ones would pile up.
     */
    void removeStaleSiblings() {
        Instant now = Instant.now();
        try (var siblings = Files.list(file.getParent())) {
            Map<Path, FileTime> others = new HashMap<>();
            for (Path sibling : siblings.filter(p -> p.getFileName().toString().startsWith("test-jvm-")).toList()) {
                FileTime used = Files.getLastModifiedTime(sibling);
                Duration age = Duration.between(used.toInstant(), now);
                String name = sibling.getFileName().toString();
                boolean partial = name.contains(".partial-") || name.endsWith(".training");
                if (sibling.equals(file)) {
                    continue;
                }
                if (age.compareTo(partial ? ABANDONED_AFTER : UNUSED_FOR) > 0) {
                    Files.deleteIfExists(sibling);
                } else if (!partial) {
                    others.put(sibling, used);
                }
            }
            List<Path> olderFirst = others.keySet().stream().sorted(Comparator.comparing(others::get)).toList();
            for (Path older : olderFirst.subList(0, Math.max(0, olderFirst.size() - OTHERS_KEPT))) {
                Files.deleteIfExists(older);
            }
        } catch (IOException e) {
            // Left for the next training to try again.
        }
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
        Path lock = file.resolveSibling(file.getFileName() + ".training");
        try {
            Files.createDirectories(file.getParent());
            if (!takeTrainingLock(lock)) {
                return; // another tutor is training this cache; this one starts its JVMs without it meanwhile
            }
            // Now as well as after: a learner who quits while the training runs never gets to the clean-up below.
            removeStaleSiblings();
            Path partial = file.resolveSibling(file.getFileName() + ".partial-" + ProcessHandle.current().pid());
            List<String> command = new ArrayList<>(workerCommand);
            int main = command.indexOf(TestJvmPool.WORKER_CLASS);
            command.add(main - 2, feature >= 25 ? "-XX:AOTCacheOutput=" + partial : "-XX:ArchiveClassesAtExit=" + partial);
            command.add(main - 2, "-D" + TestWorker.TRAINING_PROPERTY + "=true");
            Process training = new ProcessBuilder(finishingOnItsOwn(command, partial, lock)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            training.getOutputStream().close();
            if (!training.waitFor(TRAINING_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                training.destroyForcibly();
                failed = true;
                return;
            }
            if (training.exitValue() == 0 && Files.isRegularFile(partial)) {
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.isRegularFile(file)) {
                removeStaleSiblings();
            } else {
                Files.deleteIfExists(partial);
                failed = true;
            }
            Files.deleteIfExists(lock);
        } catch (IOException | RuntimeException e) {
            failed = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = true;
        }
    }

    /**
     * Takes the right to train, so that tutors started one after another while the first trains do not each
     * start a training of their own; a lock older than any training belongs to one that died.
     */
    private static boolean takeTrainingLock(Path lock) throws IOException {
        try {
            Files.createFile(lock);
            return true;
        } catch (FileAlreadyExistsException e) {
            Duration age = Duration.between(Files.getLastModifiedTime(lock).toInstant(), Instant.now());
            if (age.compareTo(TRAINING_LIMIT.multipliedBy(2)) < 0) {
                return false;
            }
            Files.deleteIfExists(lock);
            return takeTrainingLock(lock);
        }
    }

    /**
     * The training command, run by a shell that moves the finished cache into place itself and ignores the
     * hang-up and Ctrl-C of the terminal the tutor ran in: a learner who quits or closes the window within the
     * few seconds a training takes leaves it running, and it still ends as a usable cache rather than a
     * half-written file and a training to repeat. Without a shell, the tutor moves it.
     */
    private List<String> finishingOnItsOwn(List<String> command, Path partial, Path lock) {
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            return command;
        }
        List<String> shell = new ArrayList<>();
        // In a session of its own where setsid exists (Linux): the terminal's hang-up cannot reach it at all,
        // not even in the moment before the shell has run its trap.
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                shell.addAll(List.of(setsid, "--wait")); // --wait: should it fork, the tutor still sees the end
                break;
            }
        }
        shell.addAll(List.of("/bin/sh", "-c",
                "trap '' HUP INT; partial=$1; file=$2; lock=$3; shift 3; "
                        + "\"$@\" && [ -f \"$partial\" ] && mv -f \"$partial\" \"$file\"; rm -f \"$lock\"",
                "tutor-train", partial.toString(), file.toString(), lock.toString()));
        shell.addAll(command);
        return shell;
    }

    Path file() {
        return file;
    }

    private static Path cacheFolder() {
        return dev.tutor.app.home.Home.cacheFolder();
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
