package dev.tutor.app.grading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.MemoryCourseSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The grader's warm-up compiles while the learner reads, and never while a verdict is being made. */
@Timeout(30)
class WarmUpTest {
    private static final String LEARNER = "class Adder { static int add(int a, int b) { return 0; } }";
    private static final String SOLUTION = "class Adder { static int add(int a, int b) { return a + b; } }";

    private final List<String> compiled = new CopyOnWriteArrayList<>();
    private final CountDownLatch roundsDone = new CountDownLatch(3);

    /** A warm-up whose compiles are only noted: the learner's file's text, or the solution's. */
    private WarmUp warmUp() {
        MemoryCourseSource course = new MemoryCourseSource(Map.of(), Map.of()) {
            @Override
            public Optional<String> solution(String path) {
                return Optional.of(SOLUTION);
            }
        };
        return new WarmUp(null, null, course, (attempt, scratch) -> {
            compiled.add(attempt.learnerSources().get(FixtureCourse.FILE));
            roundsDone.countDown();
        });
    }

    @Test
    void roundsWaitWhileAGradingIsUnderWayAndGoOnOnceItHasEnded() throws Exception {
        try (WarmUp warmUp = warmUp()) {
            warmUp.prepareFor(new GradeRequest(FixtureCourse.exercise(1), Map.of(FixtureCourse.FILE, LEARNER))).get();
            warmUp.gradingStarts();

            warmUp.startRounds(2, Duration.ofSeconds(20).toNanos());
            awaitARoundWaitingForTheGrading();
            assertThat(compiled).as("compiled while a grading was under way").containsExactly(LEARNER);

            warmUp.gradingEnds();
            assertThat(roundsDone.await(10, TimeUnit.SECONDS)).as("both rounds ran once the grading ended").isTrue();
            assertThat(compiled).as("every other round the reference solution")
                    .containsExactly(LEARNER, LEARNER, SOLUTION);
        }
    }

    @Test
    void closingDuringARoundEndsTheRoundsWithoutAnExceptionOnTheirThread() throws Exception {
        CountDownLatch inARound = new CountDownLatch(1);
        AtomicReference<Thread> roundsThread = new AtomicReference<>();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
        try {
            WarmUp warmUp = new WarmUp(null, null, new MemoryCourseSource(Map.of(), Map.of()), (attempt, scratch) -> {
                if (compiled.add("x") && compiled.size() > 1) {
                    roundsThread.set(Thread.currentThread());
                    inARound.countDown();
                    try {
                        new CountDownLatch(1).await(); // a compile that lasts until the warm-up is closed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            warmUp.prepareFor(new GradeRequest(FixtureCourse.exercise(1), Map.of(FixtureCourse.FILE, LEARNER))).get();
            warmUp.startRounds(3, Duration.ofSeconds(20).toNanos());
            assertThat(inARound.await(10, TimeUnit.SECONDS)).as("a round began").isTrue();

            warmUp.close();

            roundsThread.get().join(Duration.ofSeconds(10));
            assertThat(roundsThread.get().isAlive()).as("the rounds' thread is still alive").isFalse();
            assertThat(uncaught).as("exceptions thrown out of the rounds' thread").isEmpty();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    /** Until the warm-up's thread waits in the rounds' wait for gradings to end; a thread state, not a sleep. */
    private static void awaitARoundWaitingForTheGrading() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            boolean waiting = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey().getState() == Thread.State.TIMED_WAITING)
                    .anyMatch(e -> List.of(e.getValue()).stream().anyMatch(frame ->
                            frame.getClassName().equals(WarmUp.class.getName())
                                    && frame.getMethodName().equals("awaitNoGrading")));
            if (waiting) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no warm-up round came to wait for the grading within 10 s");
    }
}
