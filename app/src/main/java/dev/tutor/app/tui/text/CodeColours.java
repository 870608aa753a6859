package dev.tutor.app.tui.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Simple syntax colouring for the Java and Python in lessons: keywords, string literals and comments.
 *
 * <p>A line-by-line scan, not a parser: enough to make code easy to scan in a terminal. A block comment or a
 * triple-quoted string spanning lines is coloured only on its first line, which lessons rarely need.
 */
public final class CodeColours {
    private static final Set<String> JAVA = Set.of("abstract", "boolean", "break", "byte", "case", "catch", "char",
            "class", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
            "for", "if", "implements", "import", "instanceof", "int", "interface", "long", "new", "package", "private",
            "protected", "public", "record", "return", "sealed", "short", "static", "super", "switch", "synchronized",
            "this", "throw", "throws", "try", "var", "void", "volatile", "while", "yield", "true", "false", "null");
    private static final Set<String> PYTHON = Set.of("and", "as", "assert", "async", "await", "break", "class",
            "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
            "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
            "None", "True", "False");

    private CodeColours() {
    }

    /** The spans of one code line in {@code language} ("java", "python"; anything else stays plain). */
    public static List<Span> line(String code, String language) {
        String lang = language == null ? "" : language.strip().toLowerCase(java.util.Locale.ROOT);
        Set<String> keywords = lang.startsWith("java") ? JAVA : lang.startsWith("py") ? PYTHON : null;
        if (keywords == null) {
            return List.of(new Span(code, Style.CODE));
        }
        String comment = keywords == JAVA ? "//" : "#";
        List<Span> out = new ArrayList<>();
        int i = 0;
        StringBuilder plain = new StringBuilder();
        while (i < code.length()) {
            char c = code.charAt(i);
            if (code.startsWith(comment, i)) {
                flush(plain, out);
                out.add(new Span(code.substring(i), Style.COMMENT));
                return out;
            }
            if (c == '"' || c == '\'') {
                int end = closing(code, i, c);
                flush(plain, out);
                out.add(new Span(code.substring(i, end), Style.STRING));
                i = end;
            } else if (Character.isJavaIdentifierStart(c)) {
                int end = i;
                while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
                    end++;
                }
                String word = code.substring(i, end);
                if (keywords.contains(word)) {
                    flush(plain, out);
                    out.add(new Span(word, Style.KEYWORD));
                } else {
                    plain.append(word);
                }
                i = end;
            } else {
                plain.append(c);
                i++;
            }
        }
        flush(plain, out);
        return out;
    }

    private static int closing(String code, int start, char quote) {
        for (int i = start + 1; i < code.length(); i++) {
            if (code.charAt(i) == '\\') {
                i++;
            } else if (code.charAt(i) == quote) {
                return i + 1;
            }
        }
        return code.length();
    }

    private static void flush(StringBuilder plain, List<Span> out) {
        if (!plain.isEmpty()) {
            out.add(new Span(plain.toString(), Style.CODE));
            plain.setLength(0);
        }
    }
}
