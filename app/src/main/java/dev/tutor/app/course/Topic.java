package dev.tutor.app.course;

/**
 * A topic of the curriculum that at least one lesson must teach.
 *
 * @param id    the topic's short name, {@code T1} to {@code T12}
 * @param title what the topic is about, in a few words
 */
public record Topic(String id, String title) {
}
