package dev.tutor.app.cli;

import dev.tutor.app.course.Course;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.AggregateCompleter;
import org.jline.reader.impl.completer.ArgumentCompleter;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Reads the plain mode's commands a line at a time: through JLine on a terminal (completion of commands
 * and exercise ids, history kept in the workspace), and from plain standard input for scripts.
 */
interface LinePrompt extends AutoCloseable {
    /** The commands the plain mode knows, for completion and its help line. */
    List<String> COMMANDS = List.of("list", "next", "lesson", "check", "hint", "solution", "reset", "watch", "demo",
            "serve", "help", "quit");

    /** The next line, or null at the end of input (Ctrl-D, or the end of a script). */
    String readLine(String prompt);

    @Override
    void close();

    /** JLine on a terminal; plain lines when standard input is not one. */
    static LinePrompt open(TutorContext context, Course course, Path historyFile) {
        if (!context.interactive()) {
            return new LinePrompt() {
                @Override
                public String readLine(String prompt) {
                    context.out().print(prompt);
                    context.out().flush();
                    try {
                        return context.in().readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void close() {
                }
            };
        }
        try {
            Terminal terminal = TerminalBuilder.builder().system(true).build();
            List<String> ids = new ArrayList<>();
            course.exercises().forEach(e -> ids.add(e.id()));
            course.lessons().forEach(l -> ids.add(l.id()));
            AggregateCompleter completer = new AggregateCompleter(
                    new ArgumentCompleter(new StringsCompleter(COMMANDS), new StringsCompleter(ids), NullCompleter.INSTANCE));
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("tutor").completer(completer)
                    .variable(LineReader.HISTORY_FILE, historyFile).build();
            return new LinePrompt() {
                @Override
                public String readLine(String prompt) {
                    try {
                        return reader.readLine(prompt);
                    } catch (UserInterruptException e) {
                        return "";
                    } catch (EndOfFileException e) {
                        return null;
                    }
                }

                @Override
                public void close() {
                    try {
                        reader.getHistory().save();
                        terminal.close();
                    } catch (IOException e) {
                        // history is a convenience; losing it is no reason to fail
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open the terminal: " + e.getMessage(), e);
        }
    }
}
