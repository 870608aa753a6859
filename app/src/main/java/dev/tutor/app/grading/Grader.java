package dev.tutor.app.grading;

import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.grading.Verdict.Cause;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Grades an attempt: compiles the learner's files with the tutor's pristine tests, runs those tests in a
 * fresh test JVM under hard limits, and turns what happened into a {@link Verdict}.
 *
 * <p>No learner bug can hang or fool it: the test JVM is killed with its whole process tree at the time
 * limit, {@code System.exit} is reported as a crash and never as a pass, and the learner's own copy of
 * the tests is never used. Safe to call from several threads; attempts queue for the compiler.
 */
public final class Grader implements AutoCloseable {
    /** How much of the learner's output a verdict keeps. */
    public static final int OUTPUT_CAP_BYTES = 64 * 1024;
    /** How long a test JVM may take to start and warm up before the grader gives up on it. */
    private static final long STARTUP_LIMIT_MS = 30_000;

    private final CourseSource course;
    private final SourceCompiler compiler;
    private final TestJvmPool pool;
    private final Path compiledTestsRoot = ScratchFolders.create("tutor-tests");
    private final Map<String, Path> compiledTests = new ConcurrentHashMap<>();
    private final AtomicInteger compiledTestsMade = new AtomicInteger();
    private final WarmUp warmUp;
    private final CompileAhead<Compiled> compileAhead;

    /**
     * @throws GradingException when this Java cannot compile (a runtime without the compiler): checked
     *         before any {@code javax.tools} class is touched, since a trimmed runtime may lack even those
     */
    public Grader(CourseSource course, List<String> classPath, List<String> extraJvmOptions) {
        if (ModuleLayer.boot().findModule("jdk.compiler").isEmpty()) {
            throw new GradingException(SourceCompiler.NO_COMPILER.formatted(System.getProperty("java.home")));
        }
        this.course = course;
        this.compiler = new SourceCompiler(classPath);
        this.pool = new TestJvmPool(classPath, extraJvmOptions);
        this.warmUp = new WarmUp(pool, compiler, course,
                (attempt, scratch) -> compileAttempt(attempt, scratch, true));
        this.compileAhead = new CompileAhead<>((attempt, classes) ->
                warmUp.holdingOff(() -> compileAttempt(attempt, classes, true)));
    }

    /** A grader for the class path this JVM runs on: tutor.jar, or the build's folders in tests. */
    public static Grader forThisJvm(CourseSource course) {
        return new Grader(course, currentClassPath(), List.of());
    }

    /** This JVM's class path with every entry absolute: test JVMs start in a scratch folder of their own. */
    public static List<String> currentClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
                .toList();
    }

    /**
     * Starts the spare test JVM (training the start-up cache first, once) and warms the compiler up on the
     * likely attempt ({@link #prepareFor}), in the background while the learner reads.
     */
    public void warmUp() {
        warmUp.start();
    }

    /**
     * Readies the grader for the exercise the learner has open: a spare test JVM of the kind it needs, and its
     * tests compiled in the background now rather than at the first save, which then compiles only the
     * learner's files; the warm-up's later rounds compile this attempt.
     *
     * @return done once the attempt has been compiled; nobody needs to wait for it but a test
     */
    public CompletableFuture<Void> prepareFor(GradeRequest attempt) {
        pool.expect(explores(attempt.exercise()));
        return warmUp.prepareFor(attempt);
    }

    /** Whether the tests of this exercise are compiled and kept, so that a save compiles only the learner's files. */
    boolean keepsCompiledTestsOf(Exercise exercise) {
        return compiledTests.keySet().stream().anyMatch(key -> key.startsWith(exercise.id() + "-"));
    }

    /**
     * Compiles an attempt once, now, keeping its exercise's compiled tests: what a learner's tutor has done
     * in its warm-up before their first save, so that a course author's measured verdict times are those a
     * learner meets rather than a cold compiler's.
     */
    public void warmCompilerOn(GradeRequest attempt) {
        warmUp.compileOnce(attempt);
    }

    /**
     * Readies the grader for many gradings in a row, as a course's verification makes: trains the test JVMs'
     * start-up cache now when it is missing, and waits for it. A full screen or {@code watch} trains it in
     * the background and starts without it meanwhile; here every grading waits for a test JVM of its own,
     * and one started from the cache takes half the CPU time (1.4 s against 2.7 s, measured on two busy
     * cores), so the few seconds of training are paid back within the first few gradings.
     */
    public void trainStartupCache() {
        pool.trainStartupCache();
    }

    /**
     * Starts a test JVM of the kind the exercise needs, unless one is waiting, and returns at once: it then
     * boots on the other core while the attempt compiles, instead of after it (a one-shot {@code check} has
     * no spare JVM from a warm-up).
     */
    public void startTestJvmFor(Exercise exercise) {
        pool.expect(explores(exercise));
        pool.prestart();
    }

    /**
     * Starts compiling an attempt the learner is about to save, on a thread of its own, and returns at once: the
     * watcher waits for the file to stay quiet meanwhile, and {@link #grade} takes this compile if the attempt it
     * grades holds exactly this text. An attempt that differs in any byte is compiled anew.
     */
    public void compileAhead(GradeRequest attempt) {
        compileAhead.start(attempt);
    }

    public GradeReport grade(GradeRequest request) {
        return warmUp.holdingOff(() -> grade(request, true));
    }

    /** Whether an exercise's tests explore interleavings, and so want a test JVM with Lincheck warm. */
    static boolean explores(Exercise exercise) {
        return exercise.tests().stream().anyMatch(path -> path.endsWith("/support/Interleavings.java"));
    }

    private GradeReport grade(GradeRequest request, boolean reuseCompiledTests) {
        long started = System.nanoTime();
        Exercise exercise = request.exercise();
        Optional<CompileAhead.Taken<Compiled>> ahead = reuseCompiledTests ? compileAhead.take(request) : Optional.empty();
        Path classes = ahead.map(CompileAhead.Taken::classes).orElseGet(() -> ScratchFolders.create("tutor-attempt"));
        try {
            Compiled compiled = ahead.isPresent() ? ahead.get().compiled()
                    : compileAttempt(request, classes, reuseCompiledTests);
            long compiledAt = System.nanoTime();
            if (!compiled.errors().isEmpty()) {
                return report(exercise, new Verdict.CompileFailed(compiled.errors()), "", 0, started,
                        new GradeReport.Phases(Duration.ofNanos(compiledAt - started), Duration.ZERO, Duration.ZERO),
                        Map.of());
            }
            GradeReport report;
            try (TestJvm jvm = pool.take(explores(exercise))) {
                copyTree(classes, jvm.classesFolder());
                copyTree(compiled.testClasses(), jvm.testsFolder());
                boolean ready = jvm.awaitReady(STARTUP_LIMIT_MS);
                Timing timing = new Timing(exercise, started, compiledAt, System.nanoTime());
                if (!ready) {
                    throw new GradingException("A test JVM did not start within " + STARTUP_LIMIT_MS / 1000
                            + " s: " + firstLine(jvm.stderr()) + " Try again; if it persists, run with --verbose.");
                }
                jvm.send(new WorkerRequest(exercise.id(),
                        List.of(jvm.classesFolder().toString(), jvm.testsFolder().toString()),
                        exercise.testClassNames(), exercise.learnerClassNames(), exercise.repeat(),
                        exercise.testTimeLimit().toMillis(), OUTPUT_CAP_BYTES,
                        request.seed().isPresent() ? request.seed().getAsLong() : null));
                report = watch(jvm, timing);
            }
            if (compiled.reused() && LinkageProblems.in(report.verdict())) {
                // The kept tests were compiled against another shape of the learner's class: compile both
                // again, so the learner sees the mismatch as a compile error in the test, not a riddle.
                return grade(request, false);
            }
            return report;
        } finally {
            ScratchFolders.delete(classes);
            pool.prestart();
        }
    }

    /** Copies compiled classes into a test JVM's class folders; a few files, a few milliseconds. */
    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new GradingException("Could not hand the compiled classes to the test JVM: " + e.getMessage(), e);
        }
    }

    /** What compiling an attempt gave: errors, and where the test classes are. */
    private record Compiled(List<CompileError> errors, Path testClasses, boolean reused) {
    }

    /**
     * Compiles the learner's files into {@code classes}. The tests are compiled once per exercise and kept,
     * since only the learner's files change between saves; that saves most of the compile time.
     */
    private Compiled compileAttempt(GradeRequest request, Path classes, boolean reuseCompiledTests) {
        Map<String, String> tests = pristineTests(request.exercise());
        String key = request.exercise().id() + "-" + Integer.toHexString(tests.hashCode());
        Path kept = reuseCompiledTests ? compiledTests.get(key) : null;
        if (kept != null) {
            return new Compiled(compiler.compile(request.learnerSources(), Map.of(), classes), kept, true);
        }
        Path testClasses = compiledTestsRoot.resolve(key + "-" + compiledTestsMade.incrementAndGet());
        List<CompileError> errors = compiler.compile(request.learnerSources(), tests, classes, testClasses);
        if (errors.isEmpty()) {
            compiledTests.put(key, testClasses);
        }
        return new Compiled(errors, testClasses, false);
    }

    private Map<String, String> pristineTests(Exercise exercise) {
        Map<String, String> tests = new LinkedHashMap<>();
        for (String path : exercise.tests()) {
            tests.put(path, course.test(path).orElseThrow(() -> new GradingException(
                    "The test " + path + " of exercise '" + exercise.id() + "' is missing from tutor.jar.")));
        }
        return tests;
    }

    /** Follows the worker's messages until the verdict is known or the hard limit passes. */
    private GradeReport watch(TestJvm jvm, Timing t) {
        Exercise exercise = t.exercise();
        // Counted from the request, not the save: a crowded machine's slow compile or JVM start is not the
        // learner's code running too long, and must not turn into a "timed out" verdict on it.
        long deadline = t.sent() + exercise.timeLimit().toNanos();
        RunLog log = new RunLog(exercise.repeat());
        while (true) {
            Optional<WorkerMessage> next = jvm.next(deadline);
            if (next.isEmpty()) {
                return t.report(new Verdict.TimedOut(log.currentTest, exercise.timeLimit(),
                        "(the test JVM did not answer before the hard limit; it was stopped)", List.of()),
                        log);
            }
            WorkerMessage m = next.get();
            if (m == TestJvm.END) {
                return t.report(endedEarly(jvm, log), log);
            }
            switch (m) {
                case WorkerMessage.RunStarted r -> log.startRun(r.run());
                case WorkerMessage.TestStarted started -> {
                    log.currentTest = started.test();
                    log.currentTags = started.tags();
                }
                case WorkerMessage.TestFinished finished -> log.finished(finished);
                case WorkerMessage.TestTimedOut timedOut -> {
                    log.keepOutput(timedOut.output(), timedOut.dropped());
                    return t.report(new Verdict.TimedOut(timedOut.test(), exercise.testTimeLimit(), timedOut.dump(),
                            timedOut.tags()), log);
                }
                case WorkerMessage.Measured measured -> log.measured.put(measured.name(), measured.value());
                case WorkerMessage.ExitCalled exit -> {
                    log.exit = exit;
                    log.keepOutput(exit.output(), exit.dropped());
                }
                case WorkerMessage.Done done -> {
                    log.keepOutput(done.output(), done.dropped());
                    return t.report(log.verdict(), log);
                }
                case WorkerMessage.WorkerFailed failed -> {
                    return t.report(new Verdict.Crashed(Cause.WORKER_ERROR, null, null, null, failed.message()),
                            log);
                }
                case WorkerMessage.Ready ready -> {
                    // the test JVM's pool takes READY; it never reaches here
                }
            }
        }
    }

    /** The worker's output ended before it said DONE: System.exit, halt, out of memory or a crash. */
    private static Verdict endedEarly(TestJvm jvm, RunLog log) {
        Integer status = jvm.awaitExit(2_000).orElse(null);
        String stderr = jvm.stderr();
        if (stderr.contains("OutOfMemoryError")) {
            return new Verdict.Crashed(Cause.OUT_OF_MEMORY, status, log.currentTest, null,
                    "the test JVM ran out of its " + TestJvmPool.HEAP.substring(4) + " heap: " + firstLine(
                            stderr.substring(stderr.indexOf("OutOfMemoryError"))), log.currentTags);
        }
        if (log.exit != null) {
            return new Verdict.Crashed(Cause.SYSTEM_EXIT, status, log.exit.test(), log.exit.where(),
                    "System.exit(" + status + ") ends the whole JVM, tests and all; return or throw instead");
        }
        return new Verdict.Crashed(Cause.HALTED, status, log.currentTest, null,
                stderr.isBlank() ? "the JVM ended without a word" : firstLine(stderr));
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int newline = t.indexOf('\n');
        return newline < 0 ? t : t.substring(0, newline);
    }

    private static GradeReport report(Exercise exercise, Verdict verdict, String output, long dropped, long started,
                                      GradeReport.Phases phases, Map<String, String> measured) {
        List<Measurement> measurements = measured.entrySet().stream()
                .map(e -> new Measurement(e.getKey(), e.getValue())).toList();
        return new GradeReport(exercise.id(), verdict, output == null ? "" : output, dropped,
                Duration.ofNanos(System.nanoTime() - started), phases, measurements);
    }

    /** The moments of one grading, from which its report's phases are measured. */
    private record Timing(Exercise exercise, long started, long compiled, long sent) {
        GradeReport report(Verdict verdict, RunLog log) {
            long now = System.nanoTime();
            return Grader.report(exercise, verdict, log.output, log.dropped, started, new GradeReport.Phases(
                    Duration.ofNanos(compiled - started), Duration.ofNanos(sent - compiled), Duration.ofNanos(now - sent)),
                    log.measured);
        }
    }

    @Override
    public void close() {
        compileAhead.close();
        warmUp.close();
        pool.close();
        ScratchFolders.delete(compiledTestsRoot);
    }

    /** What the worker has said so far in one grading. */
    private static final class RunLog {
        final int runs;
        int run = 1;
        String currentTest;
        List<String> currentTags = List.of();
        final List<TestFailure> failures = new ArrayList<>();
        int testsFinished;
        WorkerMessage.ExitCalled exit;
        String output = "";
        long dropped;
        /** What the tests measured, by name; a later run's figure replaces an earlier run's. */
        final Map<String, String> measured = new LinkedHashMap<>();

        RunLog(int runs) {
            this.runs = runs;
        }

        void startRun(int number) {
            run = number;
        }

        void finished(WorkerMessage.TestFinished m) {
            currentTest = null;
            testsFinished++;
            if ("FAILED".equals(m.status())) { // ABORTED: an assumption that did not hold, a check left out
                failures.add(new TestFailure(m.test(), m.message(), m.exception(), m.where(), m.tags()));
            }
        }

        void keepOutput(String printed, long droppedBytes) {
            output = printed == null ? "" : printed;
            dropped = droppedBytes;
        }

        Verdict verdict() {
            for (TestFailure f : failures) {
                if ("java.lang.StackOverflowError".equals(f.exception())) {
                    return new Verdict.Crashed(Cause.STACK_OVERFLOW, null, f.test(), f.where(),
                            "a method called itself without end", f.tags());
                }
                if ("java.lang.OutOfMemoryError".equals(f.exception())) {
                    return new Verdict.Crashed(Cause.OUT_OF_MEMORY, null, f.test(), f.where(), f.message(), f.tags());
                }
            }
            if (!failures.isEmpty()) {
                return new Verdict.TestsFailed(failures, run, runs);
            }
            if (testsFinished == 0) {
                return new Verdict.Crashed(Cause.WORKER_ERROR, null, null, null, "no test ran");
            }
            return new Verdict.Passed(runs);
        }
    }
}
