package dev.tutor.app.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.ansi.UnixLikeTerminal;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.CourseSource;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.session.Gradings;
import dev.tutor.app.session.LearnerDemos;
import dev.tutor.app.session.LessonDemos;
import dev.tutor.app.session.TutorSession;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.workspace.Workspace;
import dev.tutor.app.workspace.watch.WatchOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The full-screen tutor: opens the terminal, starts the session's gradings and the ticker, and runs the
 * {@link TutorLoop} until the learner quits.
 *
 * <p>The terminal is always restored: by the {@code finally} on a normal end or an error, and by a shutdown hook
 * when the JVM is ended by a signal. Ctrl-C is read as a key (Lanterna's TRAP mode), so it also ends through the
 * normal path.
 */
public final class FullScreenTutor {
    /** How often the spinner and the elapsed time move while a grading runs. */
    private static final long TICK_MILLIS = 100;

    private FullScreenTutor() {
    }

    /** Whether the full screen can run here: standard input and output both a terminal. */
    public static boolean terminalAvailable() {
        return Terminals.inputAndOutput();
    }

    /** Runs the tutor on this process's terminal until the learner quits; returns the exit code, 0. */
    public static int run(TutorSession session) throws IOException {
        Glyphs glyphs = Glyphs.forEnvironment(System.getenv(), stdoutCharset());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("tutor-ticker"));

        Terminal terminal = openTerminal();
        Optional<String> ownModes = terminal instanceof BatchedUnixTerminal unix ? unix.ownModes() : Optional.empty();
        TerminalScreen screen = new TerminalScreen(terminal);
        Thread restore = new Thread(() -> stopQuietly(screen), "tutor-restore-terminal");
        Runtime.getRuntime().addShutdownHook(restore);
        Gradings gradings = null;
        // Read before the screen opens: a warning about an unreadable progress file then lands on the normal
        // screen, where it is still there after the tutor ends, and not across the full screen's drawing.
        Progress saved = session.progress();
        try {
            screen.startScreen();
            screen.setCursorPosition(null);
            // First what does not need the course, while it may still be loading on its own thread.
            Workspace workspace = session.existingWorkspace();
            Course course = session.course();
            TerminalSize size = screen.getTerminalSize();
            // The first frame needs no lesson nor solution: they are read after it (readTexts below).
            TutorState first = TutorState.initial(course, CourseTexts.pending(course, workspace), saved,
                    size.getColumns(), size.getRows(), glyphs);
            TutorLoop loop = new TutorLoop(screen, first.withNotice(session.lostProgressNotice(saved).orElse("")));
            TerminalLoan loan = new TerminalLoan(screen, ownModes, System.out, System.in);
            LessonDemos demos = new LessonDemos(course);
            // The first screen before anything slow: on two cores the grader (the compiler's classes and the
            // random source of its scratch folders, about a quarter of a second in a fresh JVM), the spare test
            // JVM, the compiler's warm-up and the watcher's first scan would each hold it up. Keys pressed
            // meanwhile wait in the terminal's input until the loop runs.
            loop.paint();
            readTexts(loop.state(), session.source(), workspace, loop.inbox());
            gradings = session.gradings(EffectRunner.messagesTo(loop.inbox()));
            EffectRunner effects = new EffectRunner(course::requireExercise, gradings, loop.inbox(),
                    lessonId -> lendToDemo(loop, loan, demos, lessonId),
                    lessonId -> LearnerDemos.prepare(session.course(), session.existingWorkspace(), session.progress(),
                            lessonId, List.of()),
                    ready -> lendToLearnerDemo(loop, loan, ready));
            gradings.warmUp(); // in the background: the first verdict then costs no JVM start nor a cold javac
            gradings.watch(workspace.sourceRoot(), WatchOptions.defaults());
            ticker.scheduleAtFixedRate(() -> loop.inbox().add(new Msg.Tick(System.nanoTime())),
                    TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            loop.run(effects::run);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (gradings != null) {
                gradings.close();
            }
            ticker.shutdownNow();
            stopQuietly(screen);
            try {
                Runtime.getRuntime().removeShutdownHook(restore);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to; it restores the terminal too.
            }
        }
        return 0;
    }

    /** Runs the lesson's demo on the real terminal, then paints the whole screen again. */
    private static void lendToDemo(TutorLoop loop, TerminalLoan loan, LessonDemos demos, String lessonId) {
        demos.find(lessonId).ifPresent(demo -> {
            String title = "Lesson demo " + demo.simpleName() + " (Ctrl-C stops it; the tutor comes back afterwards)";
            loan.run(LessonDemos.command(demo, List.of()), title, "tutor demo " + lessonId)
                    .ifPresent(problem -> loop.inbox().add(new Msg.GradeFailed("", problem)));
        });
        try {
            loop.paint();
        } catch (IOException e) {
            // The next message paints again.
        }
    }

    /** Runs the lesson's demo on the learner's compiled class on the real terminal, then paints again. */
    private static void lendToLearnerDemo(TutorLoop loop, TerminalLoan loan, LearnerDemos.Ready ready) {
        loan.run(ready.command(), "Lesson demo on your own code, " + ready.exerciseId()
                        + " (Ctrl-C stops it; the tutor comes back afterwards)", "tutor demo " + ready.lessonId() + " --mine")
                .ifPresent(problem -> loop.inbox().add(new Msg.GradeFailed("", problem)));
        try {
            loop.paint();
        } catch (IOException e) {
            // The next message paints again.
        }
    }

    private static void stopQuietly(TerminalScreen screen) {
        try {
            screen.stopScreen(); // leaves the alternate screen, shows the cursor, and undoes raw mode
        } catch (IOException | RuntimeException e) {
            // Nothing better to do while the terminal is going away.
        }
    }

    /**
     * The terminal the full screen draws on: where the system has a {@code /dev/tty}, one that takes it over in a
     * single stty call; elsewhere Lanterna's choice.
     */
    private static Terminal openTerminal() throws IOException {
        if (Stty.TTY.canRead()) {
            return new BatchedUnixTerminal(System.in, new ScreenOutput(), StandardCharsets.UTF_8);
        }
        return new DefaultTerminalFactory(new ScreenOutput(), System.in, StandardCharsets.UTF_8)
                .setForceTextTerminal(true)
                .setUnixTerminalCtrlCBehaviour(UnixLikeTerminal.CtrlCBehaviour.TRAP)
                .createTerminal();
    }

    private static java.nio.charset.Charset stdoutCharset() {
        String name = System.getProperty("stdout.encoding");
        try {
            return name == null ? java.nio.charset.Charset.defaultCharset() : java.nio.charset.Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return java.nio.charset.Charset.defaultCharset();
        }
    }

    /**
     * Reads the lessons and solutions on a thread of its own and hands them to the loop (see {@link CourseTexts}),
     * then rehearses the verdict panel on a copy of the first state (see {@link VerdictRehearsal}).
     */
    private static void readTexts(TutorState first, CourseSource source, Workspace workspace, Queue<Msg> inbox) {
        Course course = first.course();
        daemon("tutor-read-texts").newThread(() -> {
            CourseTexts texts;
            try {
                texts = CourseTexts.read(course, source, workspace);
            } catch (RuntimeException e) {
                texts = CourseTexts.unreadable(course, workspace, e.getMessage());
            }
            inbox.add(new Msg.TextsRead(texts));
            try {
                VerdictRehearsal.run(first.withTexts(texts));
            } catch (RuntimeException e) {
                // Only a warm-up: the real verdict draws the same panel and reports what is wrong.
            }
        }).start();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true); // never keep the JVM alive after the screen is gone
            return t;
        };
    }
}
