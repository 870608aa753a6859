package dev.tutor.exercises.multitasking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tutor.exercises.multitasking.Overlap.Slice;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Grades {@link Overlap}. The tests run in the order of the exercise: slices running at once first
 * (hint 1), then tasks in progress at once (hint 2), then the finer points (hint 3), so the first failure
 * names the first thing to fix.
 *
 * <p>Each test carries {@code @Tag("hint:N")}: when it fails, the tutor offers hint N of the exercise's
 * entry in the course manifest. The schedules are written out by hand, so every answer is exact.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class OverlapTest {

    /** Two tasks taking turns on core 0, ten ticks a turn: A B A B. */
    private static final List<Slice> ONE_CORE_TAKING_TURNS = List.of(
            new Slice("A", 0, 0, 10), new Slice("B", 0, 10, 20),
            new Slice("A", 0, 20, 30), new Slice("B", 0, 30, 40));

    /** Two tasks side by side on two cores, each running the whole time. */
    private static final List<Slice> TWO_CORES_SIDE_BY_SIDE = List.of(
            new Slice("A", 0, 0, 40), new Slice("B", 1, 0, 40));

    @Test
    @Order(1)
    @Tag("hint:1")
    void oneCoreRunsOneSliceAtATime() {
        int running = Overlap.mostRunning(ONE_CORE_TAKING_TURNS);

        assertEquals(1, running,
                () -> "On one core, A and B took turns: " + show(ONE_CORE_TAKING_TURNS) + ". One core runs"
                        + " one slice at a time, so at most 1 was running at any instant, but mostRunning()"
                        + " returned " + running + ". " + whyRunningWrong(running, 1));
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void twoCoresRunTwoSlicesAtOnce() {
        assertRunning(2, TWO_CORES_SIDE_BY_SIDE, "A and B ran side by side on two cores");
        assertRunning(3, List.of(new Slice("A", 0, 0, 10), new Slice("B", 1, 5, 15), new Slice("C", 2, 8, 12)),
                "all three slices cover the ticks 8 to 9");
        assertRunning(2, List.of(new Slice("A", 0, 0, 10), new Slice("B", 1, 5, 15), new Slice("C", 0, 10, 20)),
                "A and B overlap from 5 to 9 and B and C from 10 to 14, but A ends where C starts");
    }

    @Test
    @Order(3)
    @Tag("hint:2")
    void tasksTakingTurnsOnOneCoreAreBothInProgress() {
        int inProgress = Overlap.mostInProgress(ONE_CORE_TAKING_TURNS);

        assertEquals(2, inProgress,
                () -> "On one core, A and B took turns: " + show(ONE_CORE_TAKING_TURNS) + ". From tick 10 to"
                        + " 30 both had started and neither had finished, so 2 were in progress at once"
                        + " although only 1 ran at a time, but mostInProgress() returned " + inProgress + ". "
                        + (inProgress == 1
                                ? "That counts running slices. A task is in progress from the start of its"
                                        + " first slice to the end of its last, the waits between its turns"
                                        + " included: that is concurrency without parallelism."
                                : "Count each task once, over its span from first start to last end."));
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void tasksOneAfterAnotherAreNotConcurrent() {
        List<Slice> schedule = List.of(new Slice("A", 0, 0, 10), new Slice("A", 0, 10, 20),
                new Slice("B", 0, 20, 30));
        int inProgress = Overlap.mostInProgress(schedule);

        assertEquals(1, inProgress,
                () -> "A ran to its end at tick 20 before B started: " + show(schedule) + ". Only 1 task was"
                        + " ever in progress, but mostInProgress() returned " + inProgress + ". A task's span"
                        + " ends where its last slice ends, and a span [0, 20) does not cover tick 20.");
    }

    @Test
    @Order(5)
    @Tag("hint:2")
    void tasksRunningInParallelAreAlsoInProgress() {
        int inProgress = Overlap.mostInProgress(TWO_CORES_SIDE_BY_SIDE);

        assertEquals(2, inProgress,
                () -> "A and B ran side by side on two cores: " + show(TWO_CORES_SIDE_BY_SIDE) + ". Tasks"
                        + " that run at once are also in progress at once, so the answer is 2, but"
                        + " mostInProgress() returned " + inProgress + ". Parallelism is one way of being"
                        + " concurrent.");
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void findsSpansWhateverTheOrderOfTheList() {
        // Listed core by core, as a recorder with one log per core would write it: A's later slice comes first.
        List<Slice> schedule = List.of(
                new Slice("B", 0, 0, 10), new Slice("A", 0, 30, 40),
                new Slice("A", 1, 0, 10), new Slice("C", 1, 10, 30));
        int inProgress = Overlap.mostInProgress(schedule);

        assertEquals(2, inProgress,
                () -> "The schedule " + show(schedule) + " is listed core by core, not in time order. A's"
                        + " span is [0, 40): it starts at its earliest start and ends at its latest end, so A"
                        + " and B, then A and C, are in progress together: 2. mostInProgress() returned "
                        + inProgress + ". Take the smallest start and the largest end of each task's slices"
                        + " (Math.min, Math.max), not the first and last ones in the list.");
        assertRunning(2, schedule, "A and B run side by side from 0 to 9, then C runs alone");
    }

    @Test
    @Order(7)
    @Tag("hint:3")
    void anEmptyScheduleHasNothingRunningOrInProgress() {
        assertEquals(0, Overlap.mostRunning(List.of()), "An empty schedule has no slices: mostRunning() must be 0.");
        assertEquals(0, Overlap.mostInProgress(List.of()),
                "An empty schedule has no tasks: mostInProgress() must be 0.");
    }

    // ---- helpers ----

    private static void assertRunning(int expected, List<Slice> schedule, String why) {
        int running = Overlap.mostRunning(schedule);
        assertEquals(expected, running,
                () -> "For " + show(schedule) + ", " + why + ", so at most " + expected + " ran at once, but"
                        + " mostRunning() returned " + running + ". " + whyRunningWrong(running, expected));
    }

    private static String whyRunningWrong(int actual, int expected) {
        if (actual == 0) {
            return "Walk through the starts and ends of the slices in time order: one more is running at"
                    + " each start, one fewer at each end; the answer is the highest count.";
        }
        if (actual > expected) {
            return "A slice covers [start, end): one that ends at 10 and one that starts at 10 never run at"
                    + " the same instant. When a start and an end fall on the same tick, count the end first.";
        }
        return "Every slice counts, whichever task and core it belongs to: count the slices that cover each"
                + " instant and keep the highest count.";
    }

    private static String show(List<Slice> schedule) {
        return schedule.stream()
                .map(s -> s.task() + "@core" + s.core() + "[" + s.start() + "," + s.end() + ")")
                .collect(Collectors.joining(" "));
    }
}
