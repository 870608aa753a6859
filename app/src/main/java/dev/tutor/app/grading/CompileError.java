package dev.tutor.app.grading;

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
