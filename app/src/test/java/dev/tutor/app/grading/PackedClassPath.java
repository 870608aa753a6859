package dev.tutor.app.grading;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The build's class path with each folder of classes packed into a jar beside it, so that the build's own
 * gradings start their test JVMs from a start-up cache as tutor.jar's do: a cache cannot hold classes that
 * come from folders, and without one each test JVM takes about twice as long to be ready.
 *
 * <p>Packing is repeatable: the same files give a jar of the same bytes and the same time, so the start-up
 * cache, keyed by the jars' sizes and times, is trained again only when a file changed. The time comes from
 * the files' contents, not their times: the build writes some resources anew on every run.
 */
final class PackedClassPath {
    /** Every entry's time, and the base of the jar's own: 1980-01-01, the earliest a zip can say. */
    private static final long ENTRY_TIME = 315_532_800_000L;

    private PackedClassPath() {
    }

    /** The class path with every folder replaced by a jar of it, made next to the folder. */
    static List<String> of(List<String> classPath) {
        return classPath.stream().map(entry -> {
            Path folder = Path.of(entry);
            return Files.isDirectory(folder) ? pack(folder).toString() : entry;
        }).toList();
    }

    private static Path pack(Path folder) {
        Path jar = folder.resolveSibling(folder.getFileName() + "-packed.jar");
        Path partial = folder.resolveSibling(folder.getFileName() + "-packed.jar.partial");
        try (Stream<Path> walk = Files.walk(folder)) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            CRC32 contents = new CRC32();
            try (OutputStream out = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setLevel(Deflater.BEST_SPEED);
                for (Path file : files) {
                    String name = folder.relativize(file).toString().replace('\\', '/');
                    byte[] bytes = Files.readAllBytes(file);
                    ZipEntry entry = new ZipEntry(name);
                    entry.setTime(ENTRY_TIME);
                    zip.putNextEntry(entry);
                    zip.write(bytes);
                    zip.closeEntry();
                    contents.update(name.getBytes(StandardCharsets.UTF_8));
                    contents.update(bytes);
                }
            }
            // Seconds after 1980 that only the contents decide: another content, another time, another cache.
            Files.setLastModifiedTime(partial, FileTime.fromMillis(ENTRY_TIME + contents.getValue() * 1000));
            return Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not pack " + folder + " into a jar: " + e.getMessage(), e);
        }
    }
}
