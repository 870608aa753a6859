package dev.tutor.app.grading;

import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.MemoryCourseSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A one-exercise course for the grader's own tests: an {@code Adder} whose method body each test
 * replaces with a particular bug.
 */
final class FixtureCourse extends MemoryCourseSource {
    static final String FILE = "dev/tutor/exercises/fixture/Adder.java";
    static final String TEST_FILE = "dev/tutor/exercises/fixture/AdderTest.java";
    static final Duration TEST_LIMIT = Duration.ofSeconds(2);
    static final Duration HARD_LIMIT = Duration.ofSeconds(10);

    static final String TEST = """
            package dev.tutor.exercises.fixture;

            import static org.junit.jupiter.api.Assertions.assertEquals;

            import java.util.concurrent.TimeUnit;
            import org.junit.jupiter.api.MethodOrderer;
            import org.junit.jupiter.api.Order;
            import org.junit.jupiter.api.Tag;
            import org.junit.jupiter.api.Test;
            import org.junit.jupiter.api.TestMethodOrder;
            import org.junit.jupiter.api.Timeout;

            @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
            @Timeout(value = 1, unit = TimeUnit.SECONDS)
            class AdderTest {
                @Test
                @Order(1)
                @Tag("hint:2")
                void addsTwoNumbers() {
                    assertEquals(5, Adder.add(2, 3), "2 + 3 should be 5");
                }

                @Test
                @Order(2)
                void addsNegativeNumbers() {
                    assertEquals(-1, Adder.add(2, -3), "2 + -3 should be -1");
                }

                @Test
                @Order(3)
                void publishesAFigure(org.junit.jupiter.api.TestReporter reporter) {
                    reporter.publishEntry("tests before this one", "2");
                }

                @Test
                @Order(4)
                void looksAtWhatOnlySomeSystemsShow() {
                    // A check left out where the system cannot show what it needs: neither passed nor failed.
                    org.junit.jupiter.api.Assumptions.assumeTrue(false, "this system does not show it");
                }
            }
            """;

    FixtureCourse() {
        super(Map.of(), Map.of(TEST_FILE, TEST));
    }

    static Exercise exercise(int repeat) {
        return new Exercise("fixture", "fixture", "Adder", List.of("T2"), List.of(FILE), List.of(TEST_FILE),
                List.of("Think about it.", "Use the plus sign."), HARD_LIMIT, TEST_LIMIT, repeat, List.of());
    }

    /** The learner's file with the given body for {@code add(int a, int b)} and optional extra members. */
    static Map<String, String> adder(String body, String members) {
        return Map.of(FILE, """
                package dev.tutor.exercises.fixture;

                public class Adder {
                    public static int add(int a, int b) {
                %s
                    }
                %s
                }
                """.formatted(body.indent(8).stripTrailing(), members.indent(4).stripTrailing()));
    }

    static Map<String, String> adder(String body) {
        return adder(body, "");
    }
}
