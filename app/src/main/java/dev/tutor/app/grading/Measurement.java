package dev.tutor.app.grading;

/**
 * A figure a test measured on the learner's code and published beside its verdict, such as the worst lateness
 * of a timer in the learner's event loop: numbers, not only pass or fail.
 *
 * <p>A test publishes one with JUnit's {@code TestReporter.publishEntry(name, value)}; the worker passes it on,
 * and the faces show it under the verdict.
 *
 * @param name  what was measured, as the learner reads it ("worst timer lateness")
 * @param value the figure with its unit ("0.4 ms")
 */
public record Measurement(String name, String value) {
}
