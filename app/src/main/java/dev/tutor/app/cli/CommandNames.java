package dev.tutor.app.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** The command a mistyped word most likely meant. */
final class CommandNames {
    /** Further than this many edits away, a word is taken to mean no command at all. */
    private static final int MAX_EDITS = 2;

    private CommandNames() {
    }

    /** The command nearest to {@code word} (a prefix counts as near), if one is near enough to suggest. */
    static Optional<String> closest(String word, Collection<String> commands) {
        String typed = word.toLowerCase(Locale.ROOT);
        Optional<String> prefixed = commands.stream().filter(c -> typed.length() >= 2 && c.startsWith(typed))
                .findFirst();
        if (prefixed.isPresent()) {
            return prefixed;
        }
        return commands.stream().min(Comparator.comparingInt(c -> edits(typed, c)))
                .filter(c -> edits(typed, c) <= Math.min(MAX_EDITS, Math.max(1, c.length() / 3)));
    }

    /**
     * The fewest insertions, deletions, substitutions and swaps of two neighbouring letters from a to b (the
     * optimal string alignment distance): {@code lsit} is one edit from {@code list}.
     */
    static int edits(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
