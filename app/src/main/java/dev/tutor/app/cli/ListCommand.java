package dev.tutor.app.cli;

import com.google.gson.GsonBuilder;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Lesson;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.workspace.Workspace;
import dev.tutor.app.session.Standing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tutor list [--json]}: every lesson and exercise, and where the learner stands. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the lessons and exercises with your status.")
final class ListCommand implements Callable<Integer> {
    private final TutorContext context;

    @Option(names = "--json", description = "One JSON array for scripts: id, lesson, title, status, files.")
    boolean json;

    ListCommand(TutorContext context) {
        this.context = context;
    }

    record Row(String id, String lesson, String title, String status, List<String> files) {
    }

    @Override
    public Integer call() {
        Course course = context.course();
        Workspace workspace = context.workspace();
        Progress progress = workspace.exists() ? context.progress().load() : Progress.empty();
        List<Row> rows = new ArrayList<>();
        for (Exercise e : course.exercises()) {
            rows.add(new Row(e.id(), e.lessonId(), e.title(),
                    Standing.label(progress.exercise(e.id()).status()),
                    e.files().stream().map(f -> workspace.learnerFile(f).toString()).toList()));
        }
        if (json) {
            context.out().println(new GsonBuilder().setPrettyPrinting().create().toJson(rows));
            return TutorCommand.PASSED;
        }
        for (Lesson lesson : course.lessons()) {
            context.out().printf("%d. %s  (%s)%n", lesson.number(), lesson.title(), String.join(", ", lesson.topics()));
            for (Row row : rows) {
                if (row.lesson().equals(lesson.id())) {
                    context.out().printf("   %-3s %-24s %s%n", mark(row.status()), row.id(), row.title());
                }
            }
        }
        long passed = Standing.passedCount(course, progress);
        context.out().printf("%d of %d exercises passed.%s%n", passed, rows.size(),
                workspace.exists() ? "" : " (No workspace yet: run 'tutor init'.)");
        context.session().lostProgressNotice().ifPresent(context.out()::println);
        return TutorCommand.PASSED;
    }

    private static String mark(String status) {
        return switch (status) {
            case "passed" -> "[x]";
            case "failing" -> "[!]";
            default -> "[ ]";
        };
    }
}
