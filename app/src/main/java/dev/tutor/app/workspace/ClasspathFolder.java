package dev.tutor.app.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Reads every file under a folder of the class path, whether the tutor runs from tutor.jar or from the
 * build's class folders, so the workspace can be given the runtime's classes and sources.
 */
final class ClasspathFolder {
    private ClasspathFolder() {
    }

    /**
     * The files under {@code folder} (with a trailing slash), by their path on the class path, in order.
     * Empty when the folder is not on the class path.
     */
    static Map<String, byte[]> read(String folder) {
        Map<String, byte[]> files = new TreeMap<>();
        try {
            Enumeration<URL> roots = ClasspathFolder.class.getClassLoader().getResources(folder);
            while (roots.hasMoreElements()) {
                URL url = roots.nextElement();
                if (url.getProtocol().equals("jar")) {
                    readJar(((JarURLConnection) url.openConnection()).getJarFileURL(), folder, files);
                } else if (url.getProtocol().equals("file")) {
                    readDirectory(Path.of(url.toURI()), folder, files);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + folder + " from the class path: " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    private static void readJar(URL jarUrl, String folder, Map<String, byte[]> files) throws IOException {
        try (JarFile jar = new JarFile(Path.of(toUri(jarUrl)).toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.isDirectory() && entry.getName().startsWith(folder)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        files.putIfAbsent(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }
    }

    private static void readDirectory(Path dir, String folder, Map<String, byte[]> files) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                String name = folder + dir.relativize(p).toString().replace('\\', '/');
                files.putIfAbsent(name, Files.readAllBytes(p));
            }
        }
    }

    private static java.net.URI toUri(URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Bad class path entry " + url, e);
        }
    }
}
