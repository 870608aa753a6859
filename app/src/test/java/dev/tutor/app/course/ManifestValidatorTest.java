package dev.tutor.app.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The manifest's rules, each broken once, each named in one line with its entry. */
class ManifestValidatorTest {
    private static final String TOPICS = """
            [[topics]]
            id = "T1"
            title = "one"
            [[topics]]
            id = "T2"
            title = "two"
            """;
    private static final String LESSON = """
            [[lessons]]
            id = "waiting"
            title = "Waiting"
            topics = ["T1", "T2"]
            text = "lessons/01.md"
            """;

    /** A source in which every file named exists, except those listed as missing. */
    private static CourseSource sourceWithout(String... missing) {
        java.util.Set<String> gone = java.util.Set.of(missing);
        return new CourseSource() {
            private Optional<String> present(String path) {
                return gone.contains(path) ? Optional.empty() : Optional.of("text");
            }

            @Override
            public Optional<String> manifest() {
                return Optional.empty();
            }

            @Override
            public Optional<String> lessonText(String path) {
                return present(path);
            }

            @Override
            public Optional<String> stub(String path) {
                return present("stub:" + path);
            }

            @Override
            public Optional<String> test(String path) {
                return present(path);
            }

            @Override
            public Optional<String> solution(String path) {
                return present(path);
            }

            @Override
            public Optional<String> mistake(String exerciseId, String mistakeName, String path) {
                return present(mistakeName);
            }
        };
    }

    private static String exercise(Map<String, String> overrides) {
        Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of(
                "id", "\"probe\"", "lesson", "\"waiting\"", "title", "\"Probe\"", "topics", "[\"T1\", \"T2\"]",
                "files", "[\"dev/tutor/exercises/waiting/Probe.java\"]",
                "tests", "[\"dev/tutor/exercises/waiting/ProbeTest.java\"]",
                "hints", "[\"nudge\", \"answer\"]"));
        fields.putAll(overrides);
        StringBuilder toml = new StringBuilder("[[exercises]]\n");
        fields.forEach((k, v) -> toml.append(k).append(" = ").append(v).append('\n'));
        return toml.toString();
    }

    private static java.util.List<String> problems(String toml, CourseSource source) {
        return ManifestValidator.problems(ManifestLoader.parse(toml), source);
    }

    @Test
    void acceptsAValidCourse() {
        assertThat(problems(TOPICS + LESSON + exercise(Map.of()), sourceWithout())).isEmpty();
    }

    @Test
    void namesAnUnknownTopic() {
        assertThat(problems(TOPICS + LESSON + exercise(Map.of("topics", "[\"T1\", \"T2\", \"T13\"]")), sourceWithout()))
                .containsExactly("exercise 'probe': unknown topic 'T13' (topics are T1 to T12)");
    }

    @Test
    void namesATopicNoLessonTeachesAndOneNoExercisePractises() {
        String lessonOfT1 = LESSON.replace("topics = [\"T1\", \"T2\"]", "topics = [\"T1\"]");
        assertThat(problems(TOPICS + lessonOfT1 + exercise(Map.of("topics", "[\"T1\"]")), sourceWithout()))
                .containsExactly("topic 'T2': no lesson teaches it", "topic 'T2': no exercise practises it");
    }

    @Test
    void namesAMissingFile() {
        assertThat(problems(TOPICS + LESSON + exercise(Map.of()), sourceWithout("lessons/01.md",
                "dev/tutor/exercises/waiting/ProbeTest.java")))
                .containsExactly("lesson 'waiting': text file 'lessons/01.md' does not exist",
                        "exercise 'probe': test 'dev/tutor/exercises/waiting/ProbeTest.java' does not exist in"
                                + " exercises/src/test/java");
    }

    @Test
    void namesADuplicateId() {
        String twice = exercise(Map.of()) + exercise(Map.of("files", "[\"dev/tutor/exercises/waiting/Other.java\"]"));
        assertThat(problems(TOPICS + LESSON + twice, sourceWithout())).containsExactly("exercise 'probe': duplicate id");
    }

    @Test
    void namesAnExerciseWithFewerThanTwoHints() {
        assertThat(problems(TOPICS + LESSON + exercise(Map.of("hints", "[\"only one\"]")), sourceWithout()))
                .containsExactly("exercise 'probe': has 1 hint(s), needs at least 2");
    }

    @Test
    void namesAMistakePointingToAHintThatDoesNotExist() {
        String withMistake = exercise(Map.of()) + """
                [[exercises.mistakes]]
                name = "inverted"
                hint = 3
                description = "labels the wrong way round"
                """;
        assertThat(problems(TOPICS + LESSON + withMistake, sourceWithout()))
                .containsExactly("exercise 'probe' mistake 'inverted': points to hint 3, but the exercise has 2 hints");
    }

    @Test
    void namesAFileOutsideTheLessonsPackage() {
        assertThat(problems(TOPICS + LESSON + exercise(Map.of("files", "[\"Probe.java\"]")), sourceWithout()))
                .containsExactly("exercise 'probe': file 'Probe.java' must be a .java file under"
                        + " dev/tutor/exercises/waiting/");
    }

    @Test
    void rejectsAMissingFieldWithItsEntry() {
        assertThatThrownBy(() -> ManifestLoader.parse(TOPICS + LESSON + "[[exercises]]\nid = \"x\"\n"))
                .isInstanceOf(CourseException.class)
                .hasMessage("course.toml: exercise 'x' needs 'lesson' as a non-empty string.");
    }

    @Test
    void bundledCourseIsValid() {
        Course course = ManifestLoader.load(new ClasspathCourseSource());
        assertThat(course.exercises()).isNotEmpty();
        assertThat(course.exercise("workload-probe")).isPresent();
        assertThat(ManifestValidator.problems(course, new ClasspathCourseSource())).as("the bundled course's problems")
                .isEmpty();
        assertThat(course.lessons()).filteredOn(Lesson::meters).extracting(Lesson::id)
                .containsExactly("sockets", "nonblocking", "selectors");
    }

    @Test
    void aLessonHasTheMetersOnlyWhenItSaysSo() {
        Course course = ManifestLoader.parse(TOPICS + LESSON + LESSON.replace("waiting", "sockets")
                .replace("01.md", "07.md") + "meters = true\n");
        assertThat(course.lessons()).extracting(Lesson::meters).containsExactly(false, true);
    }
}
