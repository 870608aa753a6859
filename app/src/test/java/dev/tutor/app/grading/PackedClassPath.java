package dev.tutor.app.grading;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The build's class path with each folder of classes packed into a jar beside it, so that the build's own
 * gradings start their test JVMs from a start-up cache as tutor.jar's do: a cache cannot hold classes that
 * come from folders, and without one each test JVM takes about twice as long to be ready.
 *
 * <p>Packing is repeatable: the same classes give a jar of the same bytes and the same time, so the
 * start-up cache, keyed by the jars' sizes and times, is trained again only when the classes changed.
 */
final class PackedClassPath {
    /** Every entry's time; the jar's own time is its newest file's, which is what tells a change. */
    private static final long ENTRY_TIME = 315_532_800_000L; // 1980-01-01, the earliest a zip can say

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
            FileTime newest = FileTime.fromMillis(ENTRY_TIME);
            try (OutputStream out = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setLevel(Deflater.BEST_SPEED);
                for (Path file : files) {
                    ZipEntry entry = new ZipEntry(folder.relativize(file).toString().replace('\\', '/'));
                    entry.setTime(ENTRY_TIME);
                    zip.putNextEntry(entry);
                    Files.copy(file, zip);
                    zip.closeEntry();
                    FileTime modified = Files.getLastModifiedTime(file);
                    if (modified.compareTo(newest) > 0) {
                        newest = modified;
                    }
                }
            }
            Files.setLastModifiedTime(partial, newest);
            return Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not pack " + folder + " into a jar: " + e.getMessage(), e);
        }
    }
}
