package dev.tutor.app.course;

/**
 * A lesson's demo that runs on the learner's own code instead of the tutor's, once their exercise passes:
 * lesson 10's trace drawn from their {@code MiniLoop}, say.
 *
 * @param exercise the exercise whose learner class the demo runs on; it belongs to the same lesson
 * @param demo     the demo's main class, in the lesson's package; its first argument is the learner's class
 */
public record LearnerDemo(String exercise, String demo) {
}
