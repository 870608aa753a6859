package dev.tutor.app.session;

import dev.tutor.app.course.ClasspathCourseSource;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.CourseImage;
import dev.tutor.app.grading.Grader;
import dev.tutor.app.progress.FileProgressStore;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.progress.ProgressStore;
import dev.tutor.app.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * One learner's tutor: the course, their workspace and progress, the grader and their attempts, each made once
 * and only when first asked for. The full screen, the prompt and every command take it, so each rule and each
 * piece of wiring lives here once.
 */
public final class TutorSession implements AutoCloseable {
    private final Consumer<String> warnings;
    private Path workspaceOption;
    private CourseSource source;
    private Course course;
    /** The course being loaded by {@link #loadCourseInBackground()}, until {@link #course()} takes it. */
    private CompletableFuture<Course> loading;
    private Grader grader;
    private ProgressStore progressStore;
    private Attempts attempts;
    /** Once closed, no grader is made: a warm-up still starting must not leave a test JVM behind the tutor. */
    private boolean closed;

    /** @param warnings where to say what goes wrong without stopping anything (a corrupt progress file) */
    public TutorSession(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    /** Uses the workspace the learner named ({@code --workspace DIR}) instead of the default one. */
    public synchronized void nameWorkspace(Path dir) {
        this.workspaceOption = dir;
    }

    public synchronized CourseSource source() {
        if (source == null) {
            source = new ClasspathCourseSource();
        }
        return source;
    }

    /**
     * Starts loading the course on a thread of its own, beside the rest of the start-up (the command line, the
     * terminal, the progress) on the second core: from the build's image a few milliseconds, but parsing the
     * manifest, when there is no image that fits it, about a fifth of a second in a fresh JVM.
     */
    public synchronized void loadCourseInBackground() {
        if (course != null || loading != null) {
            return;
        }
        CourseSource from = source();
        loading = CompletableFuture.supplyAsync(() -> CourseImage.load(from),
                task -> Thread.ofPlatform().daemon().name("tutor-course-loader").start(task));
    }

    public synchronized Course course() {
        if (course == null && loading != null) {
            try {
                course = loading.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException thrown) {
                    throw thrown; // the CourseException that says what is wrong with the manifest
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            } finally {
                loading = null;
            }
        }
        if (course == null) {
            course = CourseImage.load(source());
        }
        return course;
    }

    /** The workspace, made or not. */
    public synchronized Workspace workspace() {
        return Workspace.locate(workspaceOption);
    }

    /** The workspace, which must have been made with {@code tutor init}. */
    public Workspace existingWorkspace() {
        Workspace workspace = workspace();
        if (!workspace.exists()) {
            throw new NoWorkspaceException(workspace.root(), workspaceOption != null);
        }
        return workspace;
    }

    public synchronized ProgressStore progressStore() {
        if (progressStore == null) {
            progressStore = new FileProgressStore(existingWorkspace().root(), warnings);
        }
        return progressStore;
    }

    /** The learner's progress as it is on disk now. */
    public Progress progress() {
        return progressStore().load();
    }

    /** Saves the learner's progress; a failure (a full disk, say) is one line naming the file. */
    public void saveProgress(Progress updated) {
        try {
            progressStore().save(updated);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    public synchronized Attempts attempts() {
        if (attempts == null) {
            attempts = new Attempts(course(), source(), existingWorkspace(), grader(), progressStore(),
                    Clock.systemUTC());
        }
        return attempts;
    }

    public synchronized Grader grader() {
        if (closed) {
            throw new IllegalStateException("The tutor is closing.");
        }
        if (grader == null) {
            grader = Grader.forThisJvm(source());
        }
        return grader;
    }

    /**
     * A line for a learner whose progress was lost: the progress is empty while an unreadable progress file was
     * kept aside in the workspace (now or on an earlier start, which may have been the full screen, where a
     * warning on stderr is never seen). Empty when there is nothing to say.
     */
    public Optional<String> lostProgressNotice() {
        return workspace().exists() ? lostProgressNotice(progress()) : Optional.empty();
    }

    /** Like {@link #lostProgressNotice()}, for progress already read. */
    public Optional<String> lostProgressNotice(Progress progress) {
        Workspace workspace = workspace();
        if (!workspace.exists() || !progress.exercises().isEmpty()) {
            return Optional.empty();
        }
        String prefix = workspace.progressFile().getFileName() + ".corrupt-";
        try (Stream<Path> files = Files.list(workspace.progressFile().getParent())) {
            return files.map(f -> f.getFileName().toString()).filter(name -> name.startsWith(prefix)).sorted()
                    .reduce((first, last) -> last)
                    .map(aside -> "Your progress file could not be read and was kept aside as .tutor/" + aside
                            + "; 'tutor check --all' grades every exercise in your workspace to rebuild it.");
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Warms the grader up on a thread of its own, for a face that grades only when asked (the plain prompt's
     * {@code check}): the spare test JVM and the compiler are ready by the learner's first check. Faces that
     * watch saves warm up through their {@link Gradings} instead.
     */
    public void warmUpInBackground() {
        Thread.ofPlatform().daemon().name("tutor-warm-up").start(() -> {
            try {
                attempts().warmUp();
            } catch (RuntimeException e) {
                // No workspace, or the tutor closing: only the first check is slower for it.
            }
        });
    }

    /** The save-to-verdict pipeline over this session's attempts, reporting to {@code listener}. */
    public Gradings gradings(Gradings.Listener listener) {
        return new Gradings(attempts(), progressStore(), listener);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (grader != null) {
            grader.close();
        }
    }

    /** There is no workspace where the learner said, or at the default place. */
    public static final class NoWorkspaceException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Path root;

        NoWorkspaceException(Path root, boolean named) {
            super("No workspace at " + root + ": run 'tutor init" + (named ? " " + root : "") + "' first, or point"
                    + " to yours with --workspace DIR.");
            this.root = root;
        }

        public Path root() {
            return root;
        }
    }
}
