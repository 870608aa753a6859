package dev.tutor.app.progress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The {@link ProgressStore} of a learner's workspace: the JSON file {@code WORKSPACE/.tutor/progress.json}.
 *
 * <p>A save writes a temporary file beside the real one, forces it to disk and renames it over the real one, so a
 * crash or a full disk leaves either the old progress or the new, never half of each. A file that cannot be read is
 * never deleted: it is renamed to {@code progress.json.corrupt-<UTC time>}, one warning line names both, and the
 * tutor starts from empty progress.
 *
 * <p>Thread-safe: loads and saves are serialised on one lock, so two threads saving at once write one after the
 * other and the later one wins whole.
 */
public final class FileProgressStore implements ProgressStore {

    /** Where the file sits inside a workspace. */
    public static final String RELATIVE_PATH = ".tutor/progress.json";

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private final Path file;
    private final Consumer<String> warnings;
    private final Clock clock;
    private final Object lock = new Object();

    /**
     * Creates a store for the workspace at {@code workspace}, which reports each problem it survives as one line to
     * {@code warnings}.
     */
    public FileProgressStore(Path workspace, Consumer<String> warnings) {
        this(workspace, warnings, Clock.systemUTC());
    }

    /** Like {@link #FileProgressStore(Path, Consumer)}, with the clock that names a corrupt file kept aside. */
    public FileProgressStore(Path workspace, Consumer<String> warnings, Clock clock) {
        this.file = workspace.resolve(RELATIVE_PATH).toAbsolutePath().normalize();
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns the progress file this store reads and writes. */
    public Path file() {
        return file;
    }

    @Override
    public Progress load() {
        synchronized (lock) {
            String problem;
            try {
                if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    problem = "it is a folder, not a file";
                } else {
                    return ProgressJson.read(readUtf8());
                }
            } catch (NoSuchFileException e) {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    problem = reason(e); // a link to nowhere: something stands there that is not our file
                } else {
                    return Progress.empty();
                }
            } catch (IOException e) {
                problem = reason(e);
            } catch (ProgressFormatException e) {
                problem = e.getMessage();
            }
            warnings.accept(keepAside(problem));
            return Progress.empty();
        }
    }

    @Override
    public void save(Progress progress) throws IOException {
        Objects.requireNonNull(progress, "progress");
        byte[] bytes = ProgressJson.write(progress).getBytes(StandardCharsets.UTF_8);
        synchronized (lock) {
            Path temp = null;
            try {
                Path dir = Files.createDirectories(file.getParent());
                // Same folder as the target, so that the rename below stays on one file system and can be atomic.
                temp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    out.force(true);
                }
                moveOver(temp);
                temp = null;
                forceDirectory(dir);
            } catch (IOException e) {
                throw new IOException("Could not save progress to " + file + " (" + reason(e)
                        + "); the progress of this session is kept in memory only.", e);
            } finally {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    private String readUtf8() throws IOException, ProgressFormatException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProgressFormatException("not UTF-8 text");
        }
    }

    private void moveOver(Path temp) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Some file systems (certain network mounts) cannot rename atomically; a plain replace is the best left.
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename itself durable; where a folder cannot be opened (Windows) the rename is still done. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // Not every platform lets a folder be opened; the data itself was already forced.
        }
    }

    /** Renames the unreadable file aside and returns the warning line that says where it went. */
    private String keepAside(String problem) {
        String start = "Progress file " + file + " could not be read (" + problem + "); ";
        String base = file.getFileName() + ".corrupt-" + STAMP.format(clock.instant());
        IOException failure = null;
        for (int n = 1; n <= 100; n++) {
            Path aside = file.resolveSibling(n == 1 ? base : base + "-" + n);
            try {
                Files.move(file, aside);
                return start + "kept it as " + aside.getFileName() + " and started fresh.";
            } catch (FileAlreadyExistsException taken) {
                // Two corrupt files within the same second: try the next free name.
            } catch (IOException e) {
                failure = e;
                break;
            }
        }
        return start + "could not keep it aside (" + (failure == null ? "no free name" : reason(failure))
                + "), so the next save will replace it; copy it away now to keep it.";
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
