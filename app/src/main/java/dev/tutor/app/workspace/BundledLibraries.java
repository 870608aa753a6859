package dev.tutor.app.workspace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Lays out the jars a workspace needs (the bundled runtime, JUnit) as a small Maven repository inside the
 * workspace, so that an IDE resolves every import offline and nothing is downloaded.
 */
final class BundledLibraries {
    private static final String LIST = "dev/tutor/app/workspace-libraries.txt";
    private static final String RUNTIME_ARTIFACT = "tutor-runtime";

    /** One jar of the workspace's repository. */
    record Library(String scope, String groupId, String artifactId, String version) {
        String folder() {
            return groupId.replace('.', '/') + "/" + artifactId + "/" + version;
        }

        String fileName(String suffix) {
            return artifactId + "-" + version + suffix;
        }
    }

    private BundledLibraries() {
    }

    /**
     * The workspace's libraries. The runtime's version carries a hash of its classes, so that a tutor
     * whose runtime changed writes a new version: Maven never looks again at a release it has cached in
     * {@code ~/.m2}, and would otherwise hand the IDE the old runtime after an update.
     */
    static List<Library> list() {
        List<Library> libraries = new ArrayList<>();
        libraries.add(new Library("main", "dev.tutor", RUNTIME_ARTIFACT, tutorVersion() + "-" + RuntimeJar.HASH));
        for (String line : resourceText(LIST).split("\n")) {
            parse(line).ifPresent(libraries::add);
        }
        return libraries;
    }

    /**
     * One line of the list the build writes ({@code dependency:list}): {@code group:artifact:type:version:scope},
     * or with a classifier before the version, and perhaps {@code -- module name} after it; other lines are
     * headings.
     */
    static Optional<Library> parse(String line) {
        String l = line.strip();
        int comment = l.indexOf(" -- ");
        if (comment >= 0) {
            l = l.substring(0, comment).strip();
        }
        String[] parts = l.split(":");
        if (l.contains(" ") || parts.length < 5 || parts.length > 6 || !parts[2].equals("jar")) {
            return Optional.empty();
        }
        return Optional.of(new Library("test", parts[0], parts[1], parts[parts.length - 2]));
    }

    /** Writes every library, with a minimal POM, under {@code repo}; existing files are rewritten. */
    static void writeRepository(Path repo) throws IOException {
        for (Library lib : list()) {
            Path folder = repo.resolve(lib.folder());
            Files.createDirectories(folder);
            if (lib.artifactId().equals(RUNTIME_ARTIFACT)) {
                Files.write(folder.resolve(lib.fileName(".jar")), RuntimeJar.BYTES);
                Files.write(folder.resolve(lib.fileName("-sources.jar")),
                        jarOf(ClasspathFolder.read("course/runtime-sources/"), "course/runtime-sources/"));
            } else {
                Files.write(folder.resolve(lib.fileName(".jar")),
                        resourceBytes("workspace-lib/" + lib.fileName(".jar")));
            }
            Files.writeString(folder.resolve(lib.fileName(".pom")), pom(lib), StandardCharsets.UTF_8);
        }
    }

    /** The runtime's classes as a jar, built once; its bytes do not vary, as entries are sorted and undated. */
    private static final class RuntimeJar {
        static final byte[] BYTES = build();
        static final String HASH = hash(BYTES);

        private static byte[] build() {
            try {
                return jarOf(ClasspathFolder.read("dev/tutor/runtime/"), "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String hash(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 4);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this Java", e);
            }
        }
    }

    private static String pom(Library lib) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by the Concurrency Tutor: a bundled copy, with no dependencies of its own. -->
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId>
                  <artifactId>%s</artifactId>
                  <version>%s</version>
                </project>
                """.formatted(lib.groupId(), lib.artifactId(), lib.version());
    }

    private static byte[] jarOf(Map<String, byte[]> files, String stripPrefix) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Created-By", "Concurrency Tutor");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            // Written by hand: JarOutputStream's own manifest entry is dated now, which changed the runtime's
            // hash, and so the workspace's pom.xml, on every init of the same tutor.jar.
            JarEntry manifestEntry = new JarEntry(JarFile.MANIFEST_NAME);
            manifestEntry.setTime(0);
            jar.putNextEntry(manifestEntry);
            manifest.write(jar);
            jar.closeEntry();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                JarEntry entry = new JarEntry(file.getKey().substring(stripPrefix.length()));
                entry.setTime(0);
                jar.putNextEntry(entry);
                jar.write(file.getValue());
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String tutorVersion() {
        Properties version = new Properties();
        try {
            version.load(new StringReader(resourceText("dev/tutor/app/version.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return version.getProperty("version");
    }

    private static String resourceText(String name) {
        return new String(resourceBytes(name), StandardCharsets.UTF_8);
    }

    private static byte[] resourceBytes(String name) {
        try (InputStream in = BundledLibraries.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from tutor.jar: rebuild it with ./tutor.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
