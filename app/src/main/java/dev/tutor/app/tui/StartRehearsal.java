package dev.tutor.app.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.CourseSource;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.tui.text.Glyphs;
import dev.tutor.app.workspace.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The tutor's first screens drawn on a terminal that exists only in memory: what {@code ./tutor} runs once, in
 * the background, to train the AOT cache of the tutor's own start-up (JDK 25+). A JVM that rehearses loads
 * and links the classes a real start needs, the cache keeps them, and the next start skips that work.
 *
 * <p>It reads nothing but the course, and writes nothing: progress stays as it is, no grader starts.
 */
public final class StartRehearsal {
    private static final int COLUMNS = 100;
    private static final int ROWS = 30;

    private StartRehearsal() {
    }

    /**
     * Paints the course map, lesson 1 scrolled a page, and the first exercise's panel, and draws its verdicts as
     * the full screen rehearses them; returns the text of the course map, the first screen a learner sees.
     */
    public static String run(Course course, CourseSource source, Workspace workspace) throws IOException {
        DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(COLUMNS, ROWS));
        TerminalScreen screen = new TerminalScreen(terminal);
        screen.startScreen();
        try {
            Glyphs glyphs = Glyphs.forEnvironment(System.getenv(), StandardCharsets.UTF_8);
            // As the full screen starts: the first frame without the texts, which follow in a message.
            TutorLoop loop = new TutorLoop(screen, TutorState.initial(course, CourseTexts.pending(course, workspace),
                    Progress.empty(), COLUMNS, ROWS, glyphs));
            loop.paint();
            String courseMap = text(terminal);
            loop.handle(new Msg.TextsRead(CourseTexts.read(course, source, workspace)), effect -> true);
            VerdictRehearsal.run(loop.state());
            for (Key.Kind key : new Key.Kind[] {Key.Kind.ENTER, Key.Kind.PAGE_DOWN, Key.Kind.ESCAPE, Key.Kind.DOWN,
                    Key.Kind.ENTER, Key.Kind.ESCAPE}) {
                loop.handle(new Msg.KeyPressed(Key.of(key)), effect -> true); // effects (a grading, a demo) are skipped
                loop.paint();
            }
            return courseMap;
        } finally {
            screen.stopScreen();
        }
    }

    private static String text(DefaultVirtualTerminal terminal) {
        StringBuilder out = new StringBuilder();
        for (int row = 0; row < ROWS; row++) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < COLUMNS; column++) {
                line.append(terminal.getCharacter(column, row).getCharacterString());
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
