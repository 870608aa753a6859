package dev.tutor.app.workspace.watch;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The polling safety net: compares each source file's modification time, size and identity with the last scan.
 *
 * <p>It exists because native file events do not arrive everywhere (WSL2's {@code /mnt}, some VMs and network
 * mounts), and because even where they do, an overflowed event queue loses some. It reports candidates only; the
 * {@link SaveDebouncer} decides by content whether a save happened, so a scan that repeats what native events
 * already said costs a hash and nothing more.
 *
 * <p>Called only on the watcher's thread.
 */
final class PollingScanner {

    /** What a scan remembers of one file; the file key changes when an editor saves by renaming a new file in. */
    record Stamp(FileTime modified, long size, Object fileKey) {}

    private final Path root;
    private final Consumer<Path> changed;
    private Map<Path, Stamp> last;

    /** Creates a scanner that starts from {@code baseline} and reports each changed or new file to {@code changed}. */
    PollingScanner(Path root, Map<Path, Stamp> baseline, Consumer<Path> changed) {
        this.root = root;
        this.last = new HashMap<>(baseline);
        this.changed = changed;
    }

    /** Scans once and reports every source file that is new or whose stamp differs from the previous scan. */
    void scan() {
        Map<Path, Stamp> now = stamps(root);
        // Deletions first, as native events would have come: reported so that the file's return is a save.
        for (Path gone : last.keySet()) {
            if (!now.containsKey(gone)) {
                changed.accept(gone);
            }
        }
        for (Map.Entry<Path, Stamp> e : now.entrySet()) {
            if (!Objects.equals(last.get(e.getKey()), e.getValue())) {
                changed.accept(e.getKey());
            }
        }
        last = now;
    }

    /** Returns the stamp of every source file under {@code root}; an unreadable or missing folder has none. */
    static Map<Path, Stamp> stamps(Path root) {
        Map<Path, Stamp> found = new HashMap<>();
        try {
            Files.walkFileTree(root, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    boolean hidden = !dir.equals(root) && dir.getFileName().toString().startsWith(".");
                    return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && SourceFiles.isSourceName(file.getFileName().toString())) {
                        found.put(file, new Stamp(attrs.lastModifiedTime(), attrs.size(), attrs.fileKey()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // A file deleted or renamed between listing and reading: the next scan sees the new state.
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Not reached with the visitor above; a vanished root simply has no files until it returns.
        }
        return found;
    }
}
