package dev.tutor.app.cli;

import dev.tutor.app.course.ClasspathCourseSource;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.ManifestLoader;
import dev.tutor.app.grading.Grader;
import dev.tutor.app.progress.FileProgressStore;
import dev.tutor.app.progress.ProgressStore;
import dev.tutor.app.session.Attempts;
import dev.tutor.app.workspace.Workspace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What every command needs, made once and only when first asked for: the course, the workspace, the
 * progress store, the grader, and where to print.
 */
final class TutorContext implements AutoCloseable {
    private final PrintWriter out;
    private final PrintWriter err;
    private final BufferedReader in;
    private final boolean interactive;
    private Path workspaceOption;
    private boolean verbose;
    private CourseSource source;
    private Course course;
    /** The course being loaded by {@link #loadCourseInBackground()}, until {@link #course()} takes it. */
    private CompletableFuture<Course> loading;
    private Grader grader;
    private ProgressStore progressStore;
    private Attempts attempts;

    TutorContext() {
        this(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                System.console() != null);
    }

    TutorContext(PrintWriter out, PrintWriter err, BufferedReader in, boolean interactive) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.interactive = interactive;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** Whether a person at a terminal can answer questions (false for scripts and pipes). */
    boolean interactive() {
        return interactive;
    }

    BufferedReader in() {
        return in;
    }

    boolean verbose() {
        return verbose;
    }

    void verbose(boolean on) {
        this.verbose = on;
    }

    void workspaceOption(Path dir) {
        this.workspaceOption = dir;
    }

    synchronized CourseSource source() {
        if (source == null) {
            source = new ClasspathCourseSource();
        }
        return source;
    }

    /**
     * Starts loading the course on a thread of its own, so that parsing the manifest (about a fifth of a second
     * in a fresh JVM) runs on the second core beside the rest of the start-up (the command line, the terminal,
     * the progress) instead of before it. A command that never asks for the course never sees what it found.
     */
    synchronized void loadCourseInBackground() {
        if (course != null || loading != null) {
            return;
        }
        CourseSource from = source();
        loading = CompletableFuture.supplyAsync(() -> ManifestLoader.load(from),
                task -> Thread.ofPlatform().daemon().name("tutor-course-loader").start(task));
    }

    synchronized Course course() {
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
            course = ManifestLoader.load(source());
        }
        return course;
    }

    Workspace workspace() {
        return Workspace.locate(workspaceOption);
    }

    /** The workspace, which must have been made with {@code tutor init}. */
    Workspace existingWorkspace() {
        Workspace workspace = workspace();
        if (!workspace.exists()) {
            throw new UsageException("No workspace at " + workspace.root() + ": run 'tutor init "
                    + (workspaceOption == null ? "" : workspace.root()) + "' first, or point to yours with --workspace DIR.");
        }
        return workspace;
    }

    synchronized ProgressStore progress() {
        if (progressStore == null) {
            progressStore = new FileProgressStore(existingWorkspace().root(), warning -> err.println("warning: " + warning));
        }
        return progressStore;
    }

    /** Saves the learner's progress; a failure (a full disk, say) is one line naming the file. */
    void saveProgress(dev.tutor.app.progress.Progress updated) {
        try {
            progress().save(updated);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    synchronized Attempts attempts() {
        if (attempts == null) {
            attempts = new Attempts(course(), existingWorkspace(), grader(), progress(), Clock.systemUTC());
        }
        return attempts;
    }

    synchronized Grader grader() {
        if (grader == null) {
            grader = Grader.forThisJvm(source());
        }
        return grader;
    }

    /** Asks a yes/no question; without a terminal to answer it, the answer is the default. */
    boolean confirm(String question, boolean defaultAnswer) {
        out.print(question + (defaultAnswer ? " [Y/n] " : " [y/N] "));
        out.flush();
        if (!interactive) {
            out.println(defaultAnswer ? "y (no terminal to ask)" : "n (no terminal to ask; pass --yes to agree)");
            return defaultAnswer;
        }
        try {
            String answer = in.readLine();
            if (answer == null || answer.isBlank()) {
                return defaultAnswer;
            }
            return answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (grader != null) {
            grader.close();
        }
    }
}
