package dev.tutor.app.grading;

import java.util.List;
import java.util.Optional;

/**
 * One failing test: its name, the message that teaches, and the learner's line where it failed.
 *
 * @param test      the test's display name
 * @param message   the failure's message
 * @param exception the exception's class name
 * @param where     the learner's line ({@code WorkloadProbe.java:42}), or the test's line, or null
 * @param tags      the test's JUnit tags
 */
public record TestFailure(String test, String message, String exception, String where, List<String> tags) {
    public TestFailure {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The hint this test points to, from a tag {@code hint:N}. */
    public Optional<Integer> hint() {
        return hintOf(tags);
    }

    static Optional<Integer> hintOf(List<String> tags) {
        for (String tag : tags) {
            if (tag.startsWith("hint:")) {
                try {
                    return Optional.of(Integer.parseInt(tag.substring("hint:".length())));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
