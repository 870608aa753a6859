package dev.tutor.app.course;

/**
 * A wrong answer that learners are likely to write, kept beside the solution so the build proves that
 * the tests catch it and that the hint its failure offers is the one that names it.
 *
 * @param name        short name, also the folder of its files under {@code solutions/mistakes/<exercise>/}
 * @param hint        the 1-based hint that its failure must offer first
 * @param description one line saying what the learner did wrong
 */
public record Mistake(String name, int hint, String description) {
}
