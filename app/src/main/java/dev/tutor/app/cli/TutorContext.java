package dev.tutor.app.cli;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.CourseSource;
import dev.tutor.app.grading.Grader;
import dev.tutor.app.progress.ProgressStore;
import dev.tutor.app.session.Attempts;
import dev.tutor.app.session.TutorSession;
import dev.tutor.app.tui.Terminals;
import dev.tutor.app.workspace.Workspace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What every command needs: the learner's {@link TutorSession}, where to print, and whom to ask.
 */
final class TutorContext implements AutoCloseable {
    private final PrintWriter out;
    private final PrintWriter err;
    private final BufferedReader in;
    private final boolean interactive;
    private final TutorSession session;
    private boolean verbose;

    TutorContext() {
        this(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                Terminals.inputAndOutput());
    }

    TutorContext(PrintWriter out, PrintWriter err, BufferedReader in, boolean interactive) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.interactive = interactive;
        this.session = new TutorSession(warning -> err.println("warning: " + warning));
    }

    /** The learner's tutor, which every command works through. */
    TutorSession session() {
        return session;
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
        session.nameWorkspace(dir);
    }

    CourseSource source() {
        return session.source();
    }

    void loadCourseInBackground() {
        session.loadCourseInBackground();
    }

    Course course() {
        return session.course();
    }

    Workspace workspace() {
        return session.workspace();
    }

    /** The workspace, which must have been made with {@code tutor init}. */
    Workspace existingWorkspace() {
        return session.existingWorkspace();
    }

    ProgressStore progress() {
        return session.progressStore();
    }

    /** Saves the learner's progress; a failure (a full disk, say) is one line naming the file. */
    void saveProgress(dev.tutor.app.progress.Progress updated) {
        session.saveProgress(updated);
    }

    Attempts attempts() {
        return session.attempts();
    }

    Grader grader() {
        return session.grader();
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
    public void close() {
        session.close();
    }
}
