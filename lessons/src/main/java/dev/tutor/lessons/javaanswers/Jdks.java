package dev.tutor.lessons.javaanswers;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JDKs installed on this machine, for {@link PinningLabDemo}: the one running, {@code JAVA_HOME}, and
 * every JDK in the usual folders (the same ones {@code scripts/find-jdk.sh} looks in). A JDK's version
 * comes from its {@code release} file, so that finding them starts no JVM.
 */
final class Jdks {

    /** A JDK home with a {@code bin/java}, its full version and its feature version (21 for 21.0.8). */
    record Jdk(Path home, String version, int feature) {
        Path java() {
            return home.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
        }
    }

    private Jdks() {
    }

    /** Every JDK found, each once (by its real path), the oldest first. */
    static List<Jdk> installed() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(System.getProperty("java.home")));
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            candidates.add(Path.of(javaHome));
        }
        String home = System.getProperty("user.home");
        for (String folder : List.of("/usr/lib/jvm", "/usr/java", "/opt/java", "/usr/local/lib/jvm",
                "/Library/Java/JavaVirtualMachines", home + "/.sdkman/candidates/java", home + "/.jdks")) {
            candidates.addAll(children(Path.of(folder)));
        }
        Map<Path, Jdk> found = new LinkedHashMap<>();
        for (Path candidate : candidates) {
            for (Path dir : List.of(candidate, candidate.resolve("Contents").resolve("Home"))) {
                Optional<Jdk> jdk = at(dir);
                if (jdk.isPresent()) {
                    try {
                        found.putIfAbsent(dir.toRealPath(), jdk.get());
                    } catch (IOException e) {
                        // vanished while we looked: leave it out
                    }
                }
            }
        }
        List<Jdk> jdks = new ArrayList<>(found.values());
        jdks.sort(Comparator.comparingInt(Jdk::feature).thenComparing(Jdk::version));
        return jdks;
    }

    /** The JDK at {@code home}, if it has an executable {@code bin/java} and a release file naming its version. */
    static Optional<Jdk> at(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        try {
            Optional<String> version = javaVersion(Files.readAllLines(release));
            Optional<Jdk> jdk = version.map(v -> new Jdk(home, v, feature(v)));
            return jdk.filter(j -> Files.isExecutable(j.java()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The value of {@code JAVA_VERSION="..."} in the lines of a release file. */
    static Optional<String> javaVersion(List<String> releaseLines) {
        for (String line : releaseLines) {
            if (line.startsWith("JAVA_VERSION=")) {
                String value = line.substring("JAVA_VERSION=".length()).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** The feature version of a version string: 25 for "25.0.3", 21 for "21", 8 for "1.8.0_402"; 0 if none. */
    static int feature(String version) {
        String rest = version.startsWith("1.") ? version.substring(2) : version;
        int end = 0;
        while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(rest.substring(0, end));
    }

    private static List<Path> children(Path folder) {
        List<Path> children = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return children;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            entries.forEach(children::add);
        } catch (IOException | RuntimeException e) {
            // an unreadable folder holds no JDK we can use
        }
        children.sort(Comparator.naturalOrder());
        return children;
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
