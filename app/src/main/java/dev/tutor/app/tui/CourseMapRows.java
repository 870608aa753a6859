package dev.tutor.app.tui;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.Lesson;
import java.util.ArrayList;
import java.util.List;

/** The selectable rows of the course map: each lesson, followed by its exercises, in course order. */
final class CourseMapRows {
    private CourseMapRows() {
    }

    /** One row: a lesson ({@code exercise} null) or one of its exercises. */
    record Row(Lesson lesson, Exercise exercise) {
        boolean isLesson() {
            return exercise == null;
        }
    }

    static List<Row> rows(Course course) {
        List<Row> rows = new ArrayList<>();
        for (Lesson lesson : course.lessons()) {
            rows.add(new Row(lesson, null));
            for (Exercise exercise : course.exercisesOf(lesson.id())) {
                rows.add(new Row(lesson, exercise));
            }
        }
        return rows;
    }

    static int indexOfExercise(Course course, String exerciseId) {
        List<Row> rows = rows(course);
        for (int i = 0; i < rows.size(); i++) {
            if (!rows.get(i).isLesson() && rows.get(i).exercise().id().equals(exerciseId)) {
                return i;
            }
        }
        return -1;
    }
}
