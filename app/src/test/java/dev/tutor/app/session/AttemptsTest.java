package dev.tutor.app.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.MemoryCourseSource;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.GradeRequest;
import dev.tutor.app.grading.TestFailure;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.progress.ExerciseStatus;
import dev.tutor.app.progress.Progress;
import dev.tutor.app.progress.ProgressStore;
import dev.tutor.app.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an attempt is graded and counted: an untouched stub is not started, and not worth a grading. */
class AttemptsTest {
    private static final Exercise EXERCISE = StandingTest.COURSE.requireExercise("a");
    private static final String FILE = EXERCISE.files().get(0);
    private static final String STUB = "class A {\n    int x() {\n        // TODO\n        return 0;\n    }\n}\n";
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path root;

    /** A grader that grades nothing: it notes every call and fails the attempt with one test. */
    private static final class CountingGrader implements Attempts.Grading {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void startTestJvmFor(Exercise exercise) {
            calls.add("startTestJvmFor " + exercise.id());
        }

        @Override
        public void prepareFor(GradeRequest likely) {
            calls.add("prepareFor " + likely.exercise().id() + " " + likely.learnerSources());
        }

        @Override
        public void warmUp() {
            calls.add("warmUp");
        }

        @Override
        public void compileAhead(GradeRequest attempt) {
            calls.add("compileAhead " + attempt.exercise().id() + " " + attempt.learnerSources());
        }

        @Override
        public GradeReport grade(GradeRequest request) {
            calls.add("grade " + request.exercise().id());
            TestFailure failure = new TestFailure("aTest", "saw 0", "AssertionError", "A.java:4", List.of());
            return new GradeReport(request.exercise().id(), new Verdict.TestsFailed(List.of(failure), 1, 1), "", 0,
                    Duration.ofMillis(900), GradeReport.Phases.NONE);
        }
    }

    /** Progress kept in memory, with every save seen. */
    private static final class MemoryProgress implements ProgressStore {
        final AtomicReference<Progress> stored = new AtomicReference<>(Progress.empty());
        final List<Progress> saves = new CopyOnWriteArrayList<>();

        @Override
        public Progress load() {
            return stored.get();
        }

        @Override
        public void save(Progress progress) {
            saves.add(progress);
            stored.set(progress);
        }
    }

    private static final CourseSource STUBS = new MemoryCourseSource(Map.of(FILE, STUB), Map.of());

    private final CountingGrader grader = new CountingGrader();
    private final MemoryProgress progress = new MemoryProgress();

    private Attempts attempts() {
        return attempts(progress);
    }

    private Attempts attempts(ProgressStore store) {
        return new Attempts(StandingTest.COURSE, STUBS, new Workspace(root), grader, store,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** What the gradings told a face, in order, one line each; {@link #done} counts verdicts and failures. */
    private static final class Heard implements Gradings.Listener {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final AtomicReference<Attempt> attempt = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        final CountDownLatch problem = new CountDownLatch(1);

        @Override
        public void started(Exercise exercise, long nanos) {
            lines.add("started " + exercise.id());
        }

        @Override
        public void finished(Attempt finished) {
            attempt.set(finished);
            lines.add("verdict " + finished.exercise().id() + ": " + (finished.passed() ? "passed" : "failed"));
            done.countDown();
        }

        @Override
        public void failed(Exercise exercise, String message) {
            lines.add("failed: " + message);
            done.countDown();
        }

        @Override
        public void progressChanged(Progress changed) {
            lines.add("progress changed");
        }

        @Override
        public void problem(String line) {
            lines.add("problem: " + line);
            problem.countDown();
        }
    }

    private void save(String text) throws Exception {
        Path file = new Workspace(root).learnerFile(FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void anUntouchedStubIsNotStartedYetWithoutCompilingOrGrading() throws Exception {
        save(STUB.replace("\n", "\r\n") + "\n"); // an editor on another system saved it as it opened it
        Attempt attempt = attempts().check(EXERCISE);

        assertThat(grader.calls).as("what the grader was asked for an untouched stub").isEmpty();
        assertThat(attempt.untouched()).isTrue();
        assertThat(attempt.passed()).isFalse();
        assertThat(attempt.report().elapsed()).isZero();
        assertThat(AttemptText.lines(attempt, StandingTest.COURSE, new Workspace(root)).get(0))
                .isEqualTo("a: not started yet: your file is still the stub, so the tests have nothing to judge.");
        // No attempt is counted, but the learner is on this exercise now: the progress recorded before the
        // shortcut, exactly.
        assertThat(progress.saves).containsExactly(Progress.empty().withCurrent("a"));
        assertThat(attempt.progress()).isEqualTo(Progress.empty().withCurrent("a"));
        assertThat(attempt.progress().exercise("a").status()).isEqualTo(ExerciseStatus.NOT_STARTED);
    }

    @Test
    void theStubPutBackAfterAnAttemptIsNotStartedAgainWithTheAttemptStillCounted() throws Exception {
        save(STUB.replace("return 0;", "return 1;"));
        attempts().check(EXERCISE);
        save(STUB);

        Attempt back = attempts().check(EXERCISE);

        assertThat(back.untouched()).isTrue();
        assertThat(back.progress().exercise("a").status()).isEqualTo(ExerciseStatus.NOT_STARTED);
        assertThat(back.progress().exercise("a").attempts()).isEqualTo(1);
    }

    @Test
    void aBegunFileIsGradedAndCountedAsAFailedAttempt() throws Exception {
        save(STUB.replace("return 0;", "return 1;"));
        Attempt attempt = attempts().check(EXERCISE);

        assertThat(grader.calls).containsExactly("startTestJvmFor a", "grade a");
        assertThat(attempt.untouched()).isFalse();
        assertThat(attempt.progress()).isEqualTo(Progress.empty().withAttempt("a", false, NOW).withCurrent("a"));
        assertThat(progress.saves).containsExactly(attempt.progress());
    }

    @Test
    void aSaveOfTheUntouchedStubGetsItsVerdictThroughTheGradingsWithoutAGrading() throws Exception {
        save(STUB);
        Heard heard = new Heard();
        try (Gradings gradings = new Gradings(attempts(), progress, heard)) {
            gradings.submit(EXERCISE);
            assertThat(heard.done.await(10, TimeUnit.SECONDS)).as("a verdict came").isTrue();
        }
        assertThat(heard.lines).containsExactly("started a", "verdict a: failed");
        assertThat(heard.attempt.get().untouched()).isTrue();
        assertThat(grader.calls).as("what the grader was asked for an untouched stub").isEmpty();
        assertThat(progress.stored.get()).isEqualTo(Progress.empty().withCurrent("a"));
    }

    @Test
    void aVerdictIsHeardBeforeItsProgressIsWrittenAndAProgressThatCannotBeWrittenIsAProblemAfterIt() throws Exception {
        save(STUB.replace("return 0;", "return 4;"));
        Heard heard = new Heard();
        ProgressStore fullDisk = new ProgressStore() {
            @Override
            public Progress load() {
                return Progress.empty();
            }

            @Override
            public void save(Progress progress) throws IOException {
                heard.lines.add("progress written");
                throw new IOException("/ws/.tutor/progress.json: No space left on device");
            }
        };
        try (Gradings gradings = new Gradings(attempts(fullDisk), fullDisk, heard)) {
            gradings.submit(EXERCISE);
            assertThat(heard.problem.await(10, TimeUnit.SECONDS)).as("a problem reported").isTrue();
        }
        assertThat(heard.lines).containsExactly("started a", "verdict a: failed", "progress written",
                "problem: Could not save progress: /ws/.tutor/progress.json: No space left on device");
        assertThat(heard.attempt.get().progress()).as("the progress the verdict showed")
                .isEqualTo(Progress.empty().withAttempt("a", false, NOW).withCurrent("a"));
    }

    @Test
    void closingWaitsForTheProgressOfAVerdictAlreadyGivenToBeWritten() throws Exception {
        save(STUB.replace("return 0;", "return 5;"));
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch mayFinishWriting = new CountDownLatch(1);
        ProgressStore slowDisk = new ProgressStore() {
            @Override
            public Progress load() {
                return progress.load();
            }

            @Override
            public void save(Progress updated) throws IOException {
                writing.countDown();
                try {
                    mayFinishWriting.await();
                } catch (InterruptedException e) {
                    throw new IOException("interrupted while writing", e);
                }
                progress.save(updated);
            }
        };
        Heard heard = new Heard();
        Gradings gradings = new Gradings(attempts(slowDisk), slowDisk, heard);
        gradings.submit(EXERCISE);
        assertThat(writing.await(10, TimeUnit.SECONDS)).as("the verdict given, its progress being written").isTrue();

        Thread closing = new Thread(gradings::close, "closing the gradings");
        closing.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closing.getState() != Thread.State.TIMED_WAITING && closing.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(closing.getState()).as("close() while the progress is being written").isEqualTo(
                Thread.State.TIMED_WAITING);
        mayFinishWriting.countDown();
        closing.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(closing.isAlive()).as("close() once the progress was written").isFalse();
        assertThat(progress.saves).containsExactly(Progress.empty().withAttempt("a", false, NOW).withCurrent("a"));
        assertThat(heard.lines).containsExactly("started a", "verdict a: failed");
    }

    @Test
    void warmingUpReadiesTheGraderForTheExerciseTheLearnerWillResumeWithTheirFilesAsTheyStand() throws Exception {
        String begun = STUB.replace("return 0;", "return 2;");
        Path other = new Workspace(root).learnerFile(StandingTest.COURSE.requireExercise("b").files().get(0));
        Files.createDirectories(other.getParent());
        Files.writeString(other, "class B {}\n");
        save(begun);
        progress.stored.set(Progress.empty().withAttempt("a", true, NOW).withCurrent("a"));

        attempts().warmUp();

        // "a" is passed, so the learner resumes at "b"; its file is read now, not the stub's text
        assertThat(grader.calls).containsExactly("warmUp", "prepareFor b {" + StandingTest.COURSE
                .requireExercise("b").files().get(0) + "=class B {}\n}");
        assertThat(progress.saves).as("readying the grader records nothing").isEmpty();
    }

    @Test
    void anExerciseWithAFileMissingIsNotPreparedSinceItsSaveWillOnlySayWhichFileToRestore() {
        attempts().prepare(EXERCISE);
        attempts().compileAhead(EXERCISE);

        assertThat(grader.calls).isEmpty();
    }

    @Test
    void aSaveOnItsWayIsCompiledAheadWithTheFilesAsTheyStandButAnUntouchedStubIsNot() throws Exception {
        save(STUB.replace("\n", "\r\n"));
        attempts().compileAhead(EXERCISE);
        assertThat(grader.calls).as("what the grader was asked for an untouched stub").isEmpty();

        String begun = STUB.replace("return 0;", "return 3;");
        save(begun);
        attempts().compileAhead(EXERCISE);

        assertThat(grader.calls).containsExactly("compileAhead a {" + FILE + "=" + begun + "}");
        assertThat(progress.saves).as("compiling ahead records nothing").isEmpty();
    }
}
