package dev.tutor.app.grading;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One error the compiler found, with what a learner needs to find it: the place, the message, and the
 * source line with a caret under the column.
 *
 * @param file       the file name as the learner knows it ({@code WorkloadProbe.java}), or a test's name
 * @param line       1-based line, or 0 when the compiler gave none
 * @param column     1-based column, or 0 when the compiler gave none
 * @param message    the compiler's message
 * @param sourceLine the text of that line, or empty
 * @param inTest     whether the error is in a test file: the learner's class no longer fits the tests
 */
public record CompileError(String file, long line, long column, String message, String sourceLine, boolean inTest) {

    /** javac's "cannot find symbol" for a class: {@code symbol:   class Extra}. */
    private static final Pattern MISSING_CLASS = Pattern.compile("cannot find symbol[\\s\\S]*symbol:\\s+class (\\w+)");

    /**
     * What to try, for an error whose message alone may puzzle a learner: one in a test, or a class that cannot
     * be found (which may be one of the learner's own in a file the tutor does not compile). Empty otherwise.
     */
    public Optional<String> advice() {
        if (inTest) {
            return Optional.of("This error is in a test: your class no longer has what the test uses; keep the"
                    + " names and signatures the stub gave you.");
        }
        Matcher missing = MISSING_CLASS.matcher(message);
        if (missing.find()) {
            return Optional.of("If " + missing.group(1) + " is a class of your own in a file of its own: only the"
                    + " exercise's files are compiled, so make it a nested class inside " + file + ". If it comes"
                    + " from the JDK, import it.");
        }
        return Optional.empty();
    }

    /** {@code File.java:12:5: message}, then the source line and a caret under the column. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append(file);
        if (line > 0) {
            out.append(':').append(line);
            if (column > 0) {
                out.append(':').append(column);
            }
        }
        out.append(": ").append(message);
        if (!sourceLine.isEmpty()) {
            out.append('\n').append("    ").append(sourceLine.stripTrailing());
            if (column > 0) {
                out.append('\n').append("    ").append(caretIndent(sourceLine, (int) column - 1)).append('^');
            }
        }
        return out.toString();
    }

    /** Spaces up to the column, keeping tabs so the caret lines up under tab-indented code. */
    private static String caretIndent(String source, int column) {
        StringBuilder indent = new StringBuilder();
        for (int i = 0; i < column && i < source.length(); i++) {
            indent.append(source.charAt(i) == '\t' ? '\t' : ' ');
        }
        return indent.toString();
    }
}
