package dev.tutor.app.grading;

import java.util.List;

/**
 * What the tutor asks of a waiting test JVM: one line of JSON on its standard input.
 *
 * @param exercise          the exercise's id, which the tests may name in a failure ({@code tutor.exercise})
 * @param classesDirs       the folders holding the freshly compiled learner classes and the test classes
 * @param testClasses       the test classes to run, fully qualified
 * @param learnerClasses    the learner's top-level classes, to find the learner's line in a stack trace
 * @param repeat            how many times to run the whole set; stops at the first run that fails
 * @param testTimeLimitMs   the time limit for each single test
 * @param outputCapBytes    how much of the learner's output to keep
 * @param seed              the seed of the tests' varied inputs ({@code tutor.seed}), or null for a fresh one
 */
public record WorkerRequest(String exercise, List<String> classesDirs, List<String> testClasses,
                            List<String> learnerClasses, int repeat,
                            long testTimeLimitMs, int outputCapBytes, Long seed) {
}
