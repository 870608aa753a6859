package dev.tutor.app.course;

import java.util.List;

/**
 * A chapter of the course: Markdown text to read, demos to run, and the exercises that follow it.
 *
 * @param id     short stable name, used in commands and as the exercises' package ({@code waiting})
 * @param number its place in the course, counted from 1
 * @param title  the chapter's title
 * @param topics the topics it teaches, by id
 * @param text   the Markdown file, relative to the manifest's folder
 * @param demos  fully qualified names of runnable demo classes, in the order the text uses them
 * @param timeline the GIL timeline the reader's {@code v} opens in this lesson, one of {@link #TIMELINES}, or
 *               null when the lesson has none
 * @param learnerDemo the demo that runs on the learner's own class once an exercise passes
 *               ({@code tutor demo ID --mine}), or null when the lesson has none
 * @param meters whether the reader's {@code s} opens the live meters of three echo servers in this lesson
 *               ({@code meters = true} in the manifest: the socket lessons)
 */
public record Lesson(String id, int number, String title, List<String> topics, String text, List<String> demos,
                     String timeline, LearnerDemo learnerDemo, boolean meters) {
    /** The GIL timelines a lesson may name: two CPU-bound threads, or a CPU-bound one beside an I/O-bound one. */
    public static final List<String> TIMELINES = List.of("two-cpu", "cpu-and-io");

    public Lesson {
        topics = List.copyOf(topics);
        demos = List.copyOf(demos);
    }

    public Lesson(String id, int number, String title, List<String> topics, String text, List<String> demos,
                  String timeline, LearnerDemo learnerDemo) {
        this(id, number, title, topics, text, demos, timeline, learnerDemo, false);
    }

    public Lesson(String id, int number, String title, List<String> topics, String text, List<String> demos) {
        this(id, number, title, topics, text, demos, null, null);
    }

    public Lesson(String id, int number, String title, List<String> topics, String text, List<String> demos,
                  String timeline) {
        this(id, number, title, topics, text, demos, timeline, null);
    }
}
