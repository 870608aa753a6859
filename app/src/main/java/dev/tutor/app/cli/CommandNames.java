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

    /** Levenshtein distance: the fewest insertions, deletions and substitutions from a to b. */
    static int edits(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
