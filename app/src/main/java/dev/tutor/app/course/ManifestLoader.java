package dev.tutor.app.course;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads the course manifest (TOML) into a {@link Course} and validates it, failing with one line per
 * problem that names the entry and what is wrong.
 */
public final class ManifestLoader {
    /** A test that runs longer than this, unless the manifest says otherwise, is reported as timed out. */
    static final Duration DEFAULT_TEST_TIME_LIMIT = Duration.ofSeconds(5);
    /** A whole grading run that lasts longer than this, unless the manifest says otherwise, is killed. */
    static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(20);

    private ManifestLoader() {
    }

    /**
     * Loads and validates the course.
     *
     * @throws CourseException with every problem found, one a line, when the manifest is invalid
     */
    public static Course load(CourseSource source) {
        String text = source.manifest().orElseThrow(() -> new CourseException(
                "The course manifest course/course.toml is missing from tutor.jar: rebuild it with ./tutor."));
        Course course = parse(text);
        List<String> problems = ManifestValidator.problems(course, source);
        if (!problems.isEmpty()) {
            throw new CourseException("The course manifest has " + problems.size() + " problem(s):\n  "
                    + String.join("\n  ", problems));
        }
        return course;
    }

    /** Parses the manifest without checking the files it names; structural errors still throw. */
    public static Course parse(String text) {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            throw new CourseException("course.toml: " + toml.errors().get(0).toString());
        }
        List<Topic> topics = new ArrayList<>();
        for (TomlTable t : tables(toml, "topics")) {
            topics.add(new Topic(string(t, "id", "topic"), string(t, "title", "topic " + t.getString("id"))));
        }
        List<Lesson> lessons = new ArrayList<>();
        for (TomlTable t : tables(toml, "lessons")) {
            String id = string(t, "id", "lesson");
            String where = "lesson '" + id + "'";
            lessons.add(new Lesson(id, lessons.size() + 1, string(t, "title", where), strings(t, "topics", where),
                    string(t, "text", where), optionalStrings(t, "demos", where), t.getString("timeline"),
                    learnerDemo(t, where), Boolean.TRUE.equals(t.getBoolean("meters"))));
        }
        List<Exercise> exercises = new ArrayList<>();
        for (TomlTable t : tables(toml, "exercises")) {
            String id = string(t, "id", "exercise");
            String where = "exercise '" + id + "'";
            List<Mistake> mistakes = new ArrayList<>();
            TomlArray mistakeArray = t.getArray("mistakes");
            if (mistakeArray != null) {
                for (int i = 0; i < mistakeArray.size(); i++) {
                    TomlTable m = mistakeArray.getTable(i);
                    String name = string(m, "name", where + " mistake");
                    String mwhere = where + " mistake '" + name + "'";
                    mistakes.add(new Mistake(name, (int) number(m, "hint", mwhere, -1),
                            string(m, "description", mwhere)));
                }
            }
            exercises.add(new Exercise(id, string(t, "lesson", where), string(t, "title", where),
                    strings(t, "topics", where), strings(t, "files", where), strings(t, "tests", where),
                    strings(t, "hints", where),
                    Duration.ofSeconds(number(t, "time_limit_seconds", where, DEFAULT_TIME_LIMIT.toSeconds())),
                    Duration.ofSeconds(number(t, "test_time_limit_seconds", where,
                            DEFAULT_TEST_TIME_LIMIT.toSeconds())),
                    (int) number(t, "repeat", where, 1), mistakes));
        }
        return new Course(topics, lessons, exercises);
    }

    private static List<TomlTable> tables(TomlParseResult toml, String key) {
        TomlArray array = toml.getArray(key);
        List<TomlTable> result = new ArrayList<>();
        if (array == null) {
            return result;
        }
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable table)) {
                throw new CourseException("course.toml: '" + key + "' must be an array of tables ([[" + key + "]]).");
            }
            result.add(table);
        }
        return result;
    }

    private static String string(TomlTable t, String key, String where) {
        Object value = t.get(key);
        if (!(value instanceof String s) || s.isBlank()) {
            throw new CourseException("course.toml: " + where + " needs '" + key + "' as a non-empty string.");
        }
        return s;
    }

    private static long number(TomlTable t, String key, String where, long fallback) {
        Object value = t.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Long n)) {
            throw new CourseException("course.toml: " + where + " needs '" + key + "' as a whole number.");
        }
        return n;
    }

    private static List<String> strings(TomlTable t, String key, String where) {
        if (!t.contains(key)) {
            throw new CourseException("course.toml: " + where + " needs '" + key + "' as a list of strings.");
        }
        return optionalStrings(t, key, where);
    }

    /** A lesson's {@code learner_demo = { exercise = "...", demo = "..." }}, or null when it has none. */
    private static LearnerDemo learnerDemo(TomlTable lesson, String where) {
        Object value = lesson.get("learner_demo");
        if (value == null) {
            return null;
        }
        if (!(value instanceof TomlTable t)) {
            throw new CourseException("course.toml: " + where + " needs 'learner_demo' as a table { exercise = \"...\","
                    + " demo = \"...\" }.");
        }
        String within = where + " learner_demo";
        return new LearnerDemo(string(t, "exercise", within), string(t, "demo", within));
    }

    private static List<String> optionalStrings(TomlTable t, String key, String where) {
        Object value = t.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof TomlArray array)) {
            throw new CourseException("course.toml: " + where + " needs '" + key + "' as a list of strings.");
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof String s)) {
                throw new CourseException("course.toml: " + where + " needs '" + key + "' as a list of strings.");
            }
            result.add(s);
        }
        return result;
    }
}
