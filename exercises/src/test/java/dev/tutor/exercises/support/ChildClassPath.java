package dev.tutor.exercises.support;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The class path the tests give the child JVMs they start: only the folders that hold the classes those
 * children run, not the whole class path of the test JVM. Under the tutor that class path begins with
 * tutor.jar, 16,000 entries that a child would open and search before it found its class in a folder
 * after it: about 65 ms of CPU more for each child (bench/RESULTS.md, 2026-12-07, night), and the tests of
 * child-process and split-work start dozens. Not a test itself.
 */
public final class ChildClassPath {
    private ChildClassPath() {
    }

    /**
     * The folders or jars the given classes were loaded from, in the order given, each once; the test JVM's
     * whole class path where one of them does not say where it came from (it still holds them all).
     */
    public static String of(Class<?>... classes) {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : classes) {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null || !"file".equals(location.getProtocol())) {
                return System.getProperty("java.class.path");
            }
            try {
                entries.add(Path.of(location.toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                return System.getProperty("java.class.path");
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
