package dev.tutor.app.grading;

import static dev.tutor.app.grading.FixtureCourse.adder;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A compile begun before the save is reported serves that save only, byte for byte, and leaves no folder. */
@Timeout(20)
class CompileAheadTest {
    private static final GradeRequest SUM = new GradeRequest(FixtureCourse.exercise(1), adder("return a + b;"));
    private static final GradeRequest DIFFERENCE = new GradeRequest(FixtureCourse.exercise(1), adder("return a - b;"));

    /** Each compile made: the attempt's body and its folder. */
    private final List<String> compiled = new CopyOnWriteArrayList<>();
    private final List<Path> folders = new CopyOnWriteArrayList<>();
    private final CountDownLatch compilesMayEnd = new CountDownLatch(1);

    /** A stand-in for javac: notes the attempt, writes a class file into its folder, and says which attempt it was. */
    private final BiFunction<GradeRequest, Path, String> compile = (attempt, classes) -> {
        String body = attempt.learnerSources().get(FixtureCourse.FILE).contains("a + b") ? "sum" : "difference";
        compiled.add(body);
        folders.add(classes);
        try {
            compilesMayEnd.await(10, TimeUnit.SECONDS);
            Files.writeString(classes.resolve("Adder.class"), body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return body;
    };

    private final CompileAhead<String> ahead = new CompileAhead<>(compile);

    @AfterEach
    void close() {
        compilesMayEnd.countDown();
        ahead.close();
    }

    @Test
    void aGradingOfTheSameTextTakesTheCompileAheadWaitingForItToEnd() throws Exception {
        ahead.start(SUM);
        Thread grading = Thread.currentThread();
        Thread release = new Thread(() -> {
            awaitCompiles(1);
            // The compile ends only once the grading is already waiting for it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (grading.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            compilesMayEnd.countDown();
        });
        release.start();

        CompileAhead.Taken<String> taken = ahead.take(SUM).orElseThrow();

        assertThat(taken.compiled()).isEqualTo("sum");
        assertThat(taken.classes().resolve("Adder.class")).hasContent("sum");
        assertThat(compiled).as("compiles made").containsExactly("sum");
        assertThat(ahead.take(SUM)).as("a second grading of the same text: the compile ahead is used up").isEmpty();
        release.join();
    }

    @Test
    void aGradingOfOtherTextGetsNothingAndTheCompileAheadIsDeletedOnceItEnds() throws Exception {
        ahead.start(SUM);
        awaitCompiles(1);

        assertThat(ahead.take(DIFFERENCE)).isEmpty();
        compilesMayEnd.countDown();
        awaitGone(folders.get(0));
    }

    @Test
    void aNewTextReplacesTheCompileAheadAndTheSameTextTouchedAgainDoesNotCompileTwice() throws Exception {
        compilesMayEnd.countDown();
        ahead.start(SUM);
        ahead.start(DIFFERENCE);
        ahead.start(DIFFERENCE);

        assertThat(ahead.take(DIFFERENCE).orElseThrow().compiled()).isEqualTo("difference");
        assertThat(compiled).as("compiles made").containsExactly("sum", "difference");
        awaitGone(folders.get(0));
        assertThat(ahead.take(SUM)).isEmpty();
    }

    @Test
    void aCompileAheadThatFailedLeavesTheGradingToCompileItself() throws Exception {
        try (CompileAhead<String> failing = new CompileAhead<>((attempt, classes) -> {
            folders.add(classes);
            throw new GradingException("The test of exercise 'adder' is missing from tutor.jar.");
        })) {
            failing.start(SUM);

            assertThat(failing.take(SUM)).isEmpty();
            awaitGone(folders.get(0));
        }
    }

    @Test
    void closingDeletesTheCompileAheadNobodyTook() throws Exception {
        compilesMayEnd.countDown();
        ahead.start(SUM);
        awaitCompiles(1);

        ahead.close();
        ahead.start(DIFFERENCE);

        awaitGone(folders.get(0));
        assertThat(compiled).as("compiles made, none after closing").containsExactly("sum");
    }

    private void awaitCompiles(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (compiled.size() < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(compiled).as("compiles begun").hasSize(count);
    }

    /** Waits for a folder's deletion, which follows its compile's end on the compiling thread. */
    private static void awaitGone(Path folder) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(folder) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(folder).as("the compile ahead's folder").doesNotExist();
    }
}
