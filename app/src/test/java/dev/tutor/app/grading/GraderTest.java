package dev.tutor.app.grading;

import static dev.tutor.app.grading.FixtureCourse.adder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.grading.Verdict.Cause;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The grader against every kind of learner bug: each must end in the right verdict, in time, leaving nothing. */
@Timeout(60)
class GraderTest {
    private static Grader grader;

    @BeforeAll
    static void startGrader() {
        grader = Grader.forThisJvm(new FixtureCourse());
        grader.warmUp();
    }

    @AfterAll
    static void stopGrader() {
        grader.close();
    }

    @AfterEach
    void leavesOnlyTheSpareJvm() throws InterruptedException {
        // A verdict kills its JVM and every child; only the waiting spare (and its own children: none) remain.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcessHandle.current().children().count() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.current().children().count()).as("child JVMs left").isLessThanOrEqualTo(1);
    }

    private static GradeReport grade(Map<String, String> files) {
        return grade(files, 1);
    }

    private static GradeReport grade(Map<String, String> files, int repeat) {
        GradeReport report = grader.grade(new GradeRequest(FixtureCourse.exercise(repeat), files));
        assertThat(report.elapsed()).as("verdict within the hard limit plus a margin for a loaded machine")
                .isLessThan(FixtureCourse.HARD_LIMIT.plusSeconds(20));
        return report;
    }

    @Test
    void preparingForAnExerciseCompilesItsTestsBeforeTheFirstSaveSoThatTheSaveCompilesOnlyTheLearnersFiles()
            throws Exception {
        try (Grader fresh = Grader.forThisJvm(new FixtureCourse())) {
            GradeRequest likely = new GradeRequest(FixtureCourse.exercise(1), adder("return 0;"));
            assertThat(fresh.keepsCompiledTestsOf(likely.exercise())).as("before preparing").isFalse();

            fresh.prepareFor(likely).get();

            assertThat(fresh.keepsCompiledTestsOf(likely.exercise())).as("after preparing").isTrue();
        }
    }

    @Test
    void aSaveIsGradedOnItsOwnTextWhateverWasCompiledAhead() {
        grader.compileAhead(new GradeRequest(FixtureCourse.exercise(1), adder("return a + b;")));
        assertThat(grade(adder("return a - b;")).verdict()).as("a wrong answer after a right one compiled ahead")
                .isInstanceOf(Verdict.TestsFailed.class);

        grader.compileAhead(new GradeRequest(FixtureCourse.exercise(1), adder("return a - b;")));
        assertThat(grade(adder("return a + b;")).verdict()).as("a right answer after a wrong one compiled ahead")
                .isEqualTo(new Verdict.Passed(1));

        grader.compileAhead(new GradeRequest(FixtureCourse.exercise(1), adder("return a + b;")));
        assertThat(grade(adder("return a + b;")).verdict()).as("the very text compiled ahead")
                .isEqualTo(new Verdict.Passed(1));
        grader.compileAhead(new GradeRequest(FixtureCourse.exercise(1), adder("return a +")));
        assertThat(grade(adder("return a +")).verdict()).as("a compile error compiled ahead")
                .isInstanceOf(Verdict.CompileFailed.class);
    }

    @Test
    void passesCorrectAnswer() {
        GradeReport report = grade(adder("return a + b;"));
        assertThat(report.verdict()).isEqualTo(new Verdict.Passed(1));
        assertThat(report.verdict().summary()).isEqualTo("passed");
    }

    @Test
    void carriesWhatTheTestsMeasuredToTheReportAndItsText() {
        GradeReport report = grade(adder("return a + b;"));
        assertThat(report.measurements()).containsExactly(new Measurement("tests before this one", "2"));
        assertThat(VerdictText.lines(FixtureCourse.exercise(1), report))
                .containsSubsequence("  Measured on your code:", "    tests before this one: 2");
    }

    @Test
    void failsWrongAnswerNamingTestMessageLineAndHintAndStopsThere() {
        GradeReport report = grade(adder("return a - b;"));
        assertThat(report.verdict()).isInstanceOf(Verdict.TestsFailed.class);
        Verdict.TestsFailed failed = (Verdict.TestsFailed) report.verdict();
        // Both tests would fail; the first settles the verdict, so the second is not run.
        TestFailure first = failed.failures().get(0);
        assertThat(failed.failures()).hasSize(1);
        assertThat(first.test()).isEqualTo("addsTwoNumbers");
        assertThat(first.message()).contains("2 + 3 should be 5").contains("expected: <5> but was: <-1>");
        assertThat(first.where()).isEqualTo("AdderTest.java:20");
        assertThat(report.suggestedHint()).contains(2);
    }

    @Test
    void offersNoHintWhenTheFirstFailingTestNamesNone() {
        GradeReport report = grade(adder("return a + Math.abs(b);"));
        Verdict.TestsFailed failed = (Verdict.TestsFailed) report.verdict();
        assertThat(failed.failures()).singleElement().satisfies(f -> assertThat(f.test()).isEqualTo("addsNegativeNumbers"));
        assertThat(report.suggestedHint()).isEmpty();
        assertThat(VerdictText.lines(FixtureCourse.exercise(1), report)).anySatisfy(line ->
                assertThat(line).contains("No hint fits this failure"));
    }

    @Test
    void aJUnitTimeoutDoesNotRaceTheGradersOwnLimit() {
        // The test class says @Timeout(1 s) for IDEs; the grader's limit is 2 s and takes the dump itself,
        // so a deadlock is still standing when it is described.
        GradeReport report = grade(adder("""
                Object lock = new Object();
                synchronized (lock) {
                    Thread helper = new Thread(() -> {
                        synchronized (lock) {
                            System.out.println("never");
                        }
                    }, "helper");
                    helper.start();
                    try {
                        helper.join();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("interrupted: " + e);
                    }
                }
                return a + b;"""));
        Verdict.TimedOut timedOut = (Verdict.TimedOut) report.verdict();
        assertThat(timedOut.dump()).contains("\"helper\" BLOCKED on Object@").contains("held by \"main\"")
                .doesNotContain("interrupted");
    }

    @Test
    void aDeadlockThroughTheSimulatedGilShowsWhoHoldsIt() {
        GradeReport report = grade(adder("""
                dev.tutor.runtime.gil.Gil gil = dev.tutor.runtime.gil.Gil.create();
                gil.acquire();
                Thread fetcher = new Thread(() -> gil.run(() -> { }), "fetcher");
                fetcher.start();
                try {
                    fetcher.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return a + b;"""));
        Verdict.TimedOut timedOut = (Verdict.TimedOut) report.verdict();
        assertThat(timedOut.dump())
                .contains("\"fetcher\" ")
                .contains("waits for the simulated GIL, held by \"main\"")
                .contains("holds the simulated GIL while 1 other thread waits for it");
    }

    @Test
    void pointsToTheLearnersLineWhenTheLearnersCodeThrows() {
        GradeReport report = grade(adder("if (b < 0) {\n    throw new IllegalStateException(\"negative\");\n}\nreturn a + b;"));
        Verdict.TestsFailed failed = (Verdict.TestsFailed) report.verdict();
        assertThat(failed.failures()).singleElement().satisfies(f -> {
            assertThat(f.test()).isEqualTo("addsNegativeNumbers");
            assertThat(f.where()).isEqualTo("Adder.java:6");
            assertThat(f.exception()).isEqualTo("java.lang.IllegalStateException");
        });
    }

    @Test
    void reportsCompileErrorWithPlaceSourceLineAndCaret() {
        GradeReport report = grade(adder("return a + ;"));
        assertThat(report.verdict()).isInstanceOf(Verdict.CompileFailed.class);
        CompileError error = ((Verdict.CompileFailed) report.verdict()).errors().get(0);
        assertThat(error.file()).isEqualTo("Adder.java");
        assertThat(error.line()).isEqualTo(5);
        assertThat(error.format()).startsWith("Adder.java:5:20: illegal start of expression")
                .endsWith("        return a + ;\n                       ^");
    }

    @Test
    void timesOutInfiniteLoopNamingTheTestAndTheLearnersLine() {
        GradeReport report = grade(adder("while (true) {\n    Thread.onSpinWait();\n}"));
        assertThat(report.verdict()).isInstanceOf(Verdict.TimedOut.class);
        Verdict.TimedOut timedOut = (Verdict.TimedOut) report.verdict();
        assertThat(timedOut.test()).isIn("addsTwoNumbers", "addsNegativeNumbers");
        assertThat(timedOut.dump()).contains("dev.tutor.exercises.fixture.Adder.add(Adder.java:");
    }

    @Test
    void timesOutDeadlockShowingBothThreads() {
        GradeReport report = grade(adder("""
                Object lock = new Object();
                synchronized (lock) {
                    Thread helper = new Thread(() -> {
                        synchronized (lock) {
                            System.out.println("never");
                        }
                    }, "helper");
                    helper.start();
                    try {
                        helper.join();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return a + b;"""));
        Verdict.TimedOut timedOut = (Verdict.TimedOut) report.verdict();
        assertThat(timedOut.dump()).contains("\"helper\" BLOCKED").contains("WAITING");
    }

    @Test
    void systemExitZeroIsACrashNeverAPass() {
        GradeReport report = grade(adder("System.exit(0);\nreturn a + b;"));
        assertThat(report.verdict().passed()).isFalse();
        assertThat(report.verdict()).isInstanceOf(Verdict.Crashed.class);
        Verdict.Crashed crashed = (Verdict.Crashed) report.verdict();
        assertThat(crashed.cause()).isEqualTo(Cause.SYSTEM_EXIT);
        assertThat(crashed.exitStatus()).isZero();
        assertThat(crashed.where()).isEqualTo("Adder.java:5");
        assertThat(crashed.test()).isIn("addsTwoNumbers", "addsNegativeNumbers");
    }

    @Test
    void haltIsACrashNamingTheTest() {
        GradeReport report = grade(adder("Runtime.getRuntime().halt(0);\nreturn a + b;"));
        Verdict.Crashed crashed = (Verdict.Crashed) report.verdict();
        assertThat(crashed.cause()).isEqualTo(Cause.HALTED);
        assertThat(crashed.test()).isIn("addsTwoNumbers", "addsNegativeNumbers");
        // Ending the JVM is a fault of its own, whatever the test: no test's hint is about it.
        assertThat(report.suggestedHint()).isEmpty();
    }

    @Test
    void nonDaemonThreadThatNeverEndsDoesNotHoldTheVerdict() {
        GradeReport report = grade(adder("""
                Thread spinner = new Thread(() -> {
                    while (true) {
                        Thread.onSpinWait();
                    }
                });
                spinner.start();
                return a + b;"""));
        assertThat(report.verdict()).as("a verdict that did not wait for the spinning thread")
                .isEqualTo(new Verdict.Passed(1));
    }

    @Test
    void readingStandardInputGetsEndOfFileInsteadOfHanging() {
        GradeReport report = grade(adder("""
                try {
                    int viaSystemIn = System.in.read();
                    int viaDescriptor = new java.io.FileInputStream(java.io.FileDescriptor.in).read();
                    return viaSystemIn == -1 && viaDescriptor == -1 ? a + b : 0;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }"""));
        assertThat(report.verdict()).isEqualTo(new Verdict.Passed(1));
    }

    @Test
    void endlessOutputIsCappedAndSaysSo() {
        GradeReport report = grade(adder("""
                for (int i = 0; i < 100_000; i++) {
                    System.out.println("line " + i + " of far too much output");
                }
                return a + b;"""));
        assertThat(report.verdict()).isEqualTo(new Verdict.Passed(1));
        assertThat(report.output()).startsWith("line 0 of far too much output");
        assertThat(report.output().length()).isLessThanOrEqualTo(Grader.OUTPUT_CAP_BYTES);
        assertThat(report.droppedOutput()).isGreaterThan(1_000_000);
    }

    @Test
    void exhaustingMemoryIsACrashOfTheTestJvmAlone() {
        GradeReport report = grade(adder("""
                java.util.List<long[]> hog = new java.util.ArrayList<>();
                while (true) {
                    hog.add(new long[1 << 20]);
                }"""));
        Verdict.Crashed crashed = (Verdict.Crashed) report.verdict();
        assertThat(crashed.cause()).isEqualTo(Cause.OUT_OF_MEMORY);
        assertThat(crashed.detail()).contains("256m");
        // It ran out under the first test's inputs, whose hint is about them.
        assertThat(crashed.test()).startsWith("addsTwoNumbers");
        assertThat(report.suggestedHint()).contains(2);
    }

    @Test
    void stackOverflowIsACrashAtTheLearnersLine() {
        GradeReport report = grade(adder("return add(a, b);"));
        Verdict.Crashed crashed = (Verdict.Crashed) report.verdict();
        assertThat(crashed.cause()).isEqualTo(Cause.STACK_OVERFLOW);
        assertThat(crashed.where()).isEqualTo("Adder.java:5");
        assertThat(report.suggestedHint()).contains(2);
    }

    @Test
    void socketLeftBoundIsReleasedWithTheTestJvm() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        GradeReport report = grade(adder("""
                try {
                    new java.net.ServerSocket(%d, 50, java.net.InetAddress.getLoopbackAddress());
                } catch (java.io.IOException e) {
                    // the second test finds it taken: that is the learner's bug, not ours
                }
                return a + b;""".formatted(port)));
        assertThat(report.verdict()).isEqualTo(new Verdict.Passed(1));
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void childProcessDoesNotOutliveTheVerdict(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        GradeReport report = grade(adder("""
                try {
                    Process child = new ProcessBuilder("sleep", "300").start();
                    java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), Long.toString(child.pid()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                while (true) {
                    Thread.onSpinWait();
                }""".formatted(pidFile.toString().replace("\\", "\\\\"))));
        assertThat(report.verdict()).isInstanceOf(Verdict.TimedOut.class);
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        // A SIGKILL takes effect when the kernel next schedules the child, so allow it a moment.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stillRuns(pid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(stillRuns(pid)).as("child " + pid + " still running after the verdict").isFalse();
    }

    /**
     * Whether a process still runs: a killed child that nobody has reaped yet is a zombie, which
     * {@link ProcessHandle#isAlive()} counts as alive though it holds no memory, port or CPU.
     */
    private static boolean stillRuns(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            String text = Files.readString(stat);
            char state = text.charAt(text.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
    }

    @Test
    void repeatedRunsCatchAnAnswerThatFailsOnlySometimes() {
        GradeReport report = grade(adder("calls++;\nreturn calls > 6 ? a - b : a + b;", "static int calls;"), 10);
        assertThat(report.verdict()).isInstanceOf(Verdict.TestsFailed.class);
        assertThat(report.verdict().summary()).startsWith("failed on run 4 of 10");
    }

    @Test
    void repeatedRunsOfACorrectAnswerPassEveryTime() {
        GradeReport report = grade(adder("return a + b;"), 10);
        assertThat(report.verdict().summary()).isEqualTo("passed 10/10");
    }

    @Test
    void renamedMethodAfterAPassIsACompileErrorInTheTestNotARiddle() {
        assertThat(grade(adder("return a + b;")).verdict().passed()).isTrue();
        GradeReport report = grade(Map.of(FixtureCourse.FILE, """
                package dev.tutor.exercises.fixture;

                public class Adder {
                    public static int plus(int a, int b) {
                        return a + b;
                    }
                }
                """));
        assertThat(report.verdict()).isInstanceOf(Verdict.CompileFailed.class);
        CompileError error = ((Verdict.CompileFailed) report.verdict()).errors().get(0);
        assertThat(error.inTest()).isTrue();
        assertThat(error.file()).isEqualTo("AdderTest.java");
        assertThat(error.message()).contains("cannot find symbol");
    }

    @Test
    void aClassOfTheLearnersOwnInAFileTheTutorDoesNotCompileIsExplained() {
        GradeReport report = grade(adder("return new Helper().sum(a, b);"));
        assertThat(report.verdict()).isInstanceOf(Verdict.CompileFailed.class);
        CompileError error = ((Verdict.CompileFailed) report.verdict()).errors().get(0);
        assertThat(error.inTest()).isFalse();
        assertThat(error.advice()).hasValueSatisfying(advice -> assertThat(advice)
                .contains("If Helper is a class of your own").contains("nested class inside Adder.java"));
        assertThat(VerdictText.lines(FixtureCourse.exercise(1), report)).anySatisfy(line ->
                assertThat(line).contains("only the exercise's files are compiled"));
    }
}
