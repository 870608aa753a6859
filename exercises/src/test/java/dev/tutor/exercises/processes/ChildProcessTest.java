package dev.tutor.exercises.processes;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutor.exercises.processes.ChildProcess.Finished;
import dev.tutor.exercises.processes.RunCall.Outcome;
import dev.tutor.exercises.processes.TestChildren.Chatter;
import dev.tutor.exercises.processes.TestChildren.Echo;
import dev.tutor.exercises.processes.TestChildren.HalfLine;
import dev.tutor.exercises.processes.TestChildren.Stubborn;
import dev.tutor.exercises.support.ChildClassPath;
import dev.tutor.exercises.support.ProcessEnds;
import dev.tutor.exercises.support.Seeded;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link ChildProcess}, in the order the exercise is written: start a child and return what it
 * said (hint 1); read while it runs, whatever it prints and however it ends its output, up to the end of
 * the output, which may come after the child's own end (hint 2); stop a child that outlives its limit, for
 * good, at the limit and not before (hint 3); and stop it when the waiting thread is interrupted (hint 4).
 *
 * <p>The children are the small programs nested in this class, and {@link LateOutput}. Each runs in a JVM of its own, from the
 * folder that holds them ({@link #CHILD_CLASS_PATH}). Starting a JVM costs a tenth of a second or more,
 * so the class starts six children in all (a few more when a busy machine makes a test try again with a
 * longer limit), and the runs of the first two are shared by the tests that look at them from different
 * sides. Inputs (arguments, exit codes, output sizes and limits) come from the run's seed.
 *
 * <p>Children that never end report their PID, and whatever a polite request to stop did to them, over a
 * socket to the test ({@link RollCall}). The test looks at the child from the thread that called
 * {@code run}, the instant {@code run} came back: a child that is killed but not yet gone is still alive
 * then, for the milliseconds its operating system needs to tear it down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class ChildProcessTest {

    /** The class path of the children: the folder that holds them, not the test JVM's whole class path. */
    static final String CHILD_CLASS_PATH = ChildClassPath.of(TestChildren.class, LateOutput.class, RollCall.class,
            ProcessEnds.class);
    /** The limit of the first child, before the test knows how fast a JVM starts on this machine. */
    private static final Duration FIRST_LIMIT = Duration.ofSeconds(10);
    /**
     * The limit of the run whose output ends after the child: long enough for a child JVM to start and report
     * in on a loaded machine, short because the test holds the last lines back until it has run out again.
     */
    private static final Duration LATE_LIMIT = Duration.ofSeconds(4);
    /** How long past that limit the last lines wait, for a wait that gives up late on a loaded machine. */
    private static final Duration LATE_MARGIN = Duration.ofMillis(750);
    /**
     * How often a test that needs a child to have started before its limit passes tries, with a longer limit
     * each time, on a machine too busy to start a JVM in time.
     */
    private static final int ATTEMPTS = 3;
    /** How long after its limit run() may take to kill a child and come back, on a busy machine. */
    private static final Duration GRACE = Duration.ofMillis(1500);
    /** How long a thread run() started may take to end once run() has come back. */
    private static final Duration THREADS_END_WITHIN = Duration.ofSeconds(1);
    /** How much a pipe between two processes holds on Linux (and at most on macOS): 64 KiB. */
    static final int PIPE = 65_536;
    private static final Pattern LAUNCHER_NOTE = Pattern.compile("(NOTE: )?Picked up [A-Z_]+: ");

    /** The first child's run, shared by the tests that look at it from different sides. */
    private static Echoed echoed;
    /** The big child's run, shared by the two tests that look at its output. */
    private static Chattered chattered;
    private static AssertionError chatterFailed;

    private Set<Long> descendantsBefore;

    /** Each run of the class starts its children afresh (a mutation tester runs the class many times in one JVM). */
    @BeforeAll
    static void forgetEarlierRuns() {
        echoed = null;
        chattered = null;
        chatterFailed = null;
    }

    @BeforeEach
    void noteTheProcessesAlreadyRunning() {
        descendantsBefore = ProcessHandle.current().descendants().map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    @AfterEach
    void endTheChildrenThisTestStarted() throws InterruptedException {
        for (ProcessHandle left : ProcessHandle.current().descendants()
                .filter(p -> !descendantsBefore.contains(p.pid())).toList()) {
            left.destroyForcibly();
            // One not gone within 5 s is gone when this JVM is: the grader ends every process the tests left.
            ProcessEnds.await(left, Duration.ofSeconds(5));
        }
    }

    // ---- hint 1: start it, and return what it said ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void childRunsInAProcessOfItsOwn() throws Exception {
        Echoed e = echo();
        Finished r = e.finished();
        long parent = ProcessHandle.current().pid();

        if (r.pid() <= 0 || r.pid() == parent) {
            fail("run() reported PID " + r.pid() + (r.pid() == parent ? ", which is this JVM's own PID." : ".")
                    + " A child is a new process with a PID of its own: start it with"
                    + " new ProcessBuilder(command).start() and report the Process's pid().");
        }
        if (r.output().isEmpty() || !r.output().get(0).startsWith("pid ")) {
            fail("The child should have printed \"pid\" and its own PID first, but run() returned exit code "
                    + r.exitCode() + " and the output " + head(r.output(), 6) + "." + whyTheChildDidNotRun(r));
        }
        if (!r.output().get(0).equals("pid " + r.pid())) {
            fail("The child printed its own PID, ProcessHandle.current().pid(), as its first line: \""
                    + r.output().get(0) + "\". run() reported PID " + r.pid() + "; report the PID of the child"
                    + " you started, process.pid().");
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void childRunsThisJvmsJavaWithTheGivenClassPath() throws Exception {
        Echoed e = echo();
        List<String> out = e.finished().output();

        String home = valueAfter(out, "java.home ");
        String ours = System.getProperty("java.home");
        if (!ours.equals(home)) {
            fail("The child ran the Java in " + home + ", but this JVM runs the one in " + ours + ". Start the"
                    + " child with this JVM's own launcher, Path.of(System.getProperty(\"java.home\"), \"bin\","
                    + " \"java\"), not a java the system looks up on the PATH.");
        }
        String argv0 = valueAfter(out, "argv0 ");
        if (!argv0.equals("?") && !isThisJvmsLauncher(argv0)) {
            fail("The child was started as \"" + argv0 + "\", which is not the launcher of this JVM ("
                    + launcher() + "): a bare name is looked up on the PATH, which may find another Java."
                    + " Give ProcessBuilder the launcher's full path, from java.home.");
        }
        String classPath = valueAfter(out, "class.path ");
        if (!e.classPath().equals(classPath)) {
            fail("run() was given the class path \"" + e.classPath() + "\", but the child ran with \"" + classPath
                    + "\". Pass the classPath parameter after \"-cp\", as it is.");
        }
    }

    @Test
    @Order(3)
    @Tag("hint:1")
    void passesEachArgumentAsOneWord() throws Exception {
        Echoed e = echo();
        List<String> out = e.finished().output();

        List<String> received = new ArrayList<>();
        int count = Integer.parseInt(valueAfter(out, "args "));
        int at = out.indexOf("args " + count);
        for (int i = 1; i <= count && at + i < out.size(); i++) {
            received.add(out.get(at + i));
        }
        List<String> sent = e.args().stream().map(a -> "[" + a + "]").toList();
        if (!sent.equals(received)) {
            fail("run() was given " + e.args().size() + " arguments, " + sent + " (in brackets, to show spaces"
                    + " and empty ones), but the child received " + count + ": " + received + ". Add each"
                    + " argument to the command as an element of its own, after the main class: a ProcessBuilder"
                    + " passes every element as one argument, spaces and all, with no shell to split or join"
                    + " them.");
        }
    }

    @Test
    @Order(4)
    @Tag("hint:1")
    void returnsTheChildsExitCode() throws Exception {
        Echoed e = echo();
        int code = e.finished().exitCode();

        if (code != e.exitCode()) {
            fail("The child ended with System.exit(" + e.exitCode() + "), but run() reported exit code " + code
                    + ". The exit code is what process.waitFor() returns, or process.exitValue() once the child"
                    + " has ended.");
        }
    }

    @Test
    @Order(5)
    @Tag("hint:1")
    void returnsStandardErrorAndOutputInTheOrderPrinted() throws Exception {
        Echoed e = echo();
        List<String> out = e.finished().output();
        List<String> expected = e.expectedOutput(out);

        if (expected.equals(out)) {
            return;
        }
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(out);
        if (!missing.isEmpty() && missing.stream().allMatch(line -> line.startsWith("to stderr"))) {
            fail("The child printed " + missing.size() + " lines on its standard error, " + missing + ", and run()"
                    + " returned none of them. Join standard error to standard output with"
                    + " redirectErrorStream(true) on the ProcessBuilder, so one reader sees every line.");
        }
        fail("The child printed, in this order (standard error's lines are the \"to stderr\" ones):\n  "
                + String.join("\n  ", expected) + "\nbut run() returned:\n  " + String.join("\n  ", out)
                + "\nReturn every line as the child printed it, in the order it printed them.");
    }

    @Test
    @Order(6)
    @Tag("hint:1")
    void childMemoryIsItsOwn() throws Exception {
        Echoed e = echo();
        List<String> out = e.finished().output();

        if (Echo.counter != e.parentCounter()) {
            fail("Before starting the child, the test set Echo.counter to " + e.parentCounter() + " in this JVM;"
                    + " afterwards it is " + Echo.counter + ". The child's change may only reach the child's"
                    + " own memory: run it in a new process, never by calling its main here.");
        }
        if (!out.contains("counter 7") || !out.contains("counter now 99")) {
            fail("A child JVM loads Echo afresh, so its counter starts at 7, whatever the parent's is ("
                    + e.parentCounter() + "), and the child then sets it to 99. The child printed "
                    + out.stream().filter(l -> l.startsWith("counter")).toList() + ".");
        }
    }

    // ---- hint 2: read while it runs ----

    @Test
    @Order(7)
    @Tag("hint:2")
    void returnsOutputFarLargerThanAPipeHoldsOnBothStreams() throws Exception {
        Chattered c = chatter();
        List<String> got = c.output();
        List<String> expected = c.plan().script().stream().map(Chatter.Line::text).toList();
        List<String> head = got.subList(0, Math.min(got.size(), expected.size()));
        if (!head.equals(expected)) {
            int at = firstDifference(expected, head);
            fail(c.what() + " run() returned " + got.size() + " lines in all, and the first difference from what"
                    + " the child printed is at line " + (at + 1) + ": expected \"" + at(expected, at) + "\", got \""
                    + at(head, at) + "\". Return every line the child printed, in order.");
        }
    }

    @Test
    @Order(8)
    @Tag("hint:2")
    void returnsEveryLineOfABurstPrintedJustBeforeTheEnd() throws Exception {
        Chattered c = chatter();
        Chatter.Plan plan = c.plan();
        List<String> got = c.output();
        List<String> tail = got.subList(Math.min(got.size(), plan.script().size()), got.size());
        String what = c.what() + " Its last " + String.format("%,d", plan.burst().length) + " bytes, "
                + edge(plan.burst().length) + ", were " + plan.burstLines().size() + " short lines on its standard "
                + (plan.burstOnStdout() ? "output" : "error") + ", written in one go just before it ended.";
        if (!tail.equals(plan.burstLines())) {
            if (tail.size() < plan.burstLines().size() && plan.burstLines().subList(0, tail.size()).equals(tail)) {
                fail(what + " run() returned only the first " + tail.size() + " of those lines: the rest were still"
                        + " in the pipe when the child ended. The end of a child is not the end of its output;"
                        + " return the lines once the reading has reached the end of the output, for example"
                        + " with get() on the FutureTask that reads them.");
            }
            fail(what + " run() returned " + tail.size() + " lines after the others, not the ones printed: the first"
                    + " difference is at line " + (firstDifference(plan.burstLines(), tail) + 1) + " of them.");
        }
        if (c.finished().exitCode() != plan.exitCode()) {
            fail(what + " It ended with exit code " + plan.exitCode() + ", but run() reported "
                    + c.finished().exitCode() + ".");
        }
        assertThreadsEnded(c.outcome(), what);
    }

    @Test
    @Order(9)
    @Tag("hint:2")
    void returnsEveryLineUpToTheEndOfTheOutputEvenAfterTheChildHasEnded(Random random) throws Exception {
        assumeTrue(Files.isExecutable(LateOutput.SH), "no " + LateOutput.SH + " to print after the child has ended");
        LateOutput.Plan plan = LateOutput.Plan.of(random);
        Path folder = Files.createTempDirectory("late-output");
        Path end = folder.resolve("end");
        Path gate = folder.resolve("gate");
        Optional<ProcessHandle> printer = Optional.empty();
        String what = "The child printed " + plan.early() + ", then started a process of its own (/bin/sh) that"
                + " shares its standard output, and ended with exit code " + plan.exitCode() + ". Only once the"
                + " child had ended did that process print " + plan.late() + " and end, which ended the output.";
        try (RollCall roll = new RollCall()) {
            RunCall call = RunCall.start(LateOutput.class, plan.args(roll.port(), end, gate), LATE_LIMIT, roll);
            Optional<ProcessHandle> child = roll.child(Duration.ofSeconds(10));
            printer = roll.last("printer ").flatMap(p -> ProcessHandle.of(Long.parseLong(p.substring(8))));
            if (child.isEmpty()) {
                fail("The child should have started and reported in within 10 s, but it did not; run() "
                        + (call.outcome.isDone() ? "came back with " + call.outcome.get() : "is still running") + ".");
            }
            Files.createFile(end);
            if (!ProcessEnds.await(child.get(), Duration.ofSeconds(10))) {
                fail("The test told the child to end, and 10 s later it still ran; run() "
                        + (call.outcome.isDone() ? "came back with " + call.outcome.get() : "is still running") + ".");
            }
            long goneAt = System.nanoTime();
            // A run() that takes the lines when the child ends is back within microseconds; a second is plenty.
            // One found waiting for its reader in the meantime will not come back before the end of the output,
            // so the gate may open at once.
            Outcome early = call.awaitUnlessWaitingForAReader(Duration.ofSeconds(1));
            boolean seenWaitingForAReader = early == null
                    && System.nanoTime() - goneAt < Duration.ofSeconds(1).toNanos();
            if (early == null && !seenWaitingForAReader) {
                // Not seen waiting for the reader without a limit: the last lines come only after the call's
                // limit has run out once more, counted from the child's end, so that a wait for the reader with
                // that limit gives up first; one without has them all.
                long left = goneAt + LATE_LIMIT.plus(LATE_MARGIN).toNanos() - System.nanoTime();
                early = call.await(Duration.ofNanos(Math.max(0, left)));
                if (early != null) {
                    fail(what + " The test held those last lines back until " + LATE_LIMIT.toMillis() + " ms, the"
                            + " call's limit, had passed since the child's end, and run() came back "
                            + Math.max(0, (early.cameBackNanos() - goneAt) / 1_000_000) + " ms after the child had"
                            + " ended, with the output still open, "
                            + (early.thrown() != null ? "throwing " + early.thrown() : early.finished() == null
                            ? "returning null" : "returning " + withoutLauncherNotes(early.finished().output())) + ". run() \"returns"
                            + " once the child has ended and its output has been read to the end\", and that end"
                            + " may come after the child's own: the limit is for the child, so once the child has"
                            + " ended, wait for the reader with no limit.");
                }
            }
            Files.createFile(gate);
            Outcome o = early != null ? early : call.await(Duration.ofSeconds(5));
            if (o == null) {
                fail(what + " run() had not come back 5 s after the output ended; the thread that called it "
                        + call.whereItWaits() + ".");
            }
            Finished r = finishedOrFail(o, roll, 0, what, LATE_LIMIT);
            List<String> got = withoutLauncherNotes(r.output());
            if (early != null && !got.equals(plan.all())) {
                fail(what + " run() came back " + Math.max(0, (o.cameBackNanos() - goneAt) / 1_000_000) + " ms after"
                        + " the child had ended, while the output was still open and those last lines yet to come,"
                        + " and returned " + got + ". The end of a child is not the end of its output: take the"
                        + " lines once the reading has reached the end of the output, for example with get() on the"
                        + " FutureTask that reads them, not as soon as waitFor() returns.");
            }
            if (!got.equals(plan.all())) {
                fail(what + " run() returned " + got + " instead. Return every line that comes through the"
                        + " output, in order, up to its end.");
            }
            if (r.exitCode() != plan.exitCode()) {
                fail(what + " run() reported exit code " + r.exitCode() + ".");
            }
            assertThreadsEnded(o, what);
        } finally {
            if (!Files.exists(gate)) {
                Files.createFile(gate);
            }
            if (printer.isPresent() && !ProcessEnds.await(printer.get(), Duration.ofSeconds(2))) {
                printer.get().destroyForcibly();
            }
            Files.deleteIfExists(end);
            Files.deleteIfExists(gate);
            Files.deleteIfExists(folder);
        }
    }

    @Test
    @Order(10)
    @Tag("hint:2")
    void comesBackAtTheLimitFromAChildThatNeverEndsItsLine(Random random) throws Exception {
        Duration limit = Duration.ofMillis(500 + random.nextInt(300));
        for (int attempt = 1; ; attempt++) {
            try (RollCall roll = new RollCall()) {
                RunCall call = RunCall.start(HalfLine.class, List.of(roll.port()), limit, roll);
                Outcome o = call.awaitUnlessStuck(limit.plus(GRACE), roll);
                if (o == null) {
                    fail("The child printed half a line, \"" + HalfLine.TEXT + "\" with no line break after it,"
                            + " and then ran on. run() was given a limit of " + limit.toMillis() + " ms, but it "
                            + call.notBackAfter(limit.plus(GRACE)) + "; the thread that called it "
                            + call.whereItWaits() + ". Reading on the calling thread"
                            + " (to the end of the output, or a line at a time) waits for an end that never comes,"
                            + " so the wait with a limit never begins. Read on a thread of its own, and wait with"
                            + " the limit on the calling thread.");
                }
                // A reader that polls must have had the half line in front of it for a while before the limit.
                // A run() that came back before its limit is not this test's to judge: the next test's is.
                if (o.reportedIn(Duration.ofMillis(200)) || o.millis() < limit.toMillis() || attempt == ATTEMPTS) {
                    return;
                }
            }
            // The child had not printed its half line before the limit: this machine is busy. Again, with longer.
            endTheChildrenThisTestStarted();
            limit = limit.multipliedBy(2);
        }
    }

    // ---- hint 3: kill it at the limit, for good ----

    @Test
    @Order(11)
    @Tag("hint:3")
    void killsAChildThatOutlivesItsLimitAndIgnoresPoliteRequests(Random random) throws Exception {
        Duration limit = fractionalLimit(random, 0);
        for (int attempt = 1; ; attempt++) {
            try (RollCall roll = new RollCall()) {
                RunCall call = RunCall.start(Stubborn.class, List.of(roll.port()), limit, roll);
                Outcome o = call.awaitUnlessStuck(limit.plus(GRACE), roll);
                boolean cameBackAtTheLimit = o != null && o.millis() >= limit.toMillis();
                if (cameBackAtTheLimit && !o.reportedIn(Duration.ZERO) && attempt < ATTEMPTS) {
                    // The child had not yet started to refuse polite requests when the limit passed: this
                    // machine is busy. Again, with longer.
                    endTheChildrenThisTestStarted();
                    limit = fractionalLimit(random, 2 * limit.toMillis());
                    continue;
                }
                judgeTheTimeOut(call, o, roll, limit);
                return;
            }
        }
    }

    private static void judgeTheTimeOut(RunCall call, Outcome o, RollCall roll, Duration limit) throws Exception {
        String what = "The child never ends, and refuses a polite request to stop; run() was given a limit of "
                + limit.toMillis() + " ms.";
        if (o == null) {
            if (roll.askedToStop()) {
                fail(what + " It was asked politely to stop (destroy(), a SIGTERM), which it refused, and"
                        + " run() " + call.notBackAfter(limit.plus(GRACE)) + "; the thread that called it "
                        + call.whereItWaits() + ". A polite request"
                        + " may be refused: end the child with destroyForcibly(), which it cannot refuse.");
            }
            fail(what + " run() " + call.notBackAfter(limit.plus(GRACE)) + ", and the child had not been asked"
                    + " to stop; the thread that called it "
                    + call.whereItWaits() + ". Wait with process.waitFor(timeout, unit), which returns false"
                    + " when the time is up and the child still runs.");
        }
        if (o.thrown() == null) {
            fail(what + " run() returned " + o.finished() + " after " + o.millis() + " ms instead of throwing"
                    + " a TimeoutException. waitFor(timeout, unit) returns false when the time is up and the"
                    + " child still runs; then kill it and throw.");
        }
        if (!(o.thrown() instanceof TimeoutException)) {
            fail(what + " After " + o.millis() + " ms, run() threw " + o.thrown() + "; the Javadoc promises"
                    + " a java.util.concurrent.TimeoutException for a child that outlives its limit.",
                    o.thrown());
        }
        if (o.millis() < limit.toMillis()) {
            fail(what + " run() gave up after " + o.millis() + " ms, before the limit had passed. Wait for"
                    + " the whole limit: waitFor(limit.toNanos(), TimeUnit.NANOSECONDS) keeps every part"
                    + " of it.");
        }
        assertChildGoneAtTheThrow(o, roll, what + " run() threw its TimeoutException");
        assertThreadsEnded(o, what);
    }

    // ---- hint 4: every way out leaves no child ----

    @Test
    @Order(12)
    @Tag("hint:4")
    void killsTheChildWhenTheWaitingThreadIsInterrupted() throws Exception {
        Duration limit = Duration.ofSeconds(60);
        try (RollCall roll = new RollCall()) {
            RunCall call = RunCall.start(Stubborn.class, List.of(roll.port()), limit, roll);
            if (roll.child(Duration.ofSeconds(10)).isEmpty()) {
                fail("The child should have started and reported in within 10 s, but it did not; run() "
                        + (call.outcome.isDone() ? "came back with " + call.outcome.get() : "is still running") + ".");
            }
            call.thread.interrupt();
            Outcome o = call.await(GRACE);
            String what = "The child never ends, and refuses a polite request to stop. Once it ran, the test"
                    + " interrupted the thread waiting in run() (limit " + limit.toSeconds() + " s).";
            if (o == null) {
                fail(what + " run() had not come back " + GRACE.toMillis() + " ms later; the thread that called it "
                        + call.whereItWaits() + ". An interrupt asks the thread to stop waiting: let the"
                        + " InterruptedException out, after ending the child.");
            }
            if (!(o.thrown() instanceof InterruptedException)) {
                fail(what + " run() " + (o.thrown() == null ? "returned " + o.finished() : "threw " + o.thrown())
                        + "; it should throw the InterruptedException, once the child is dead.");
            }
            assertChildGoneAtTheThrow(o, roll, what + " run() threw its InterruptedException");
            assertThreadsEnded(o, what);
        }
    }

    // ---- helpers ----

    /** The big child's run: what it was to print, and what run() did with it. */
    record Chattered(Chatter.Plan plan, Outcome outcome, String what) {
        Finished finished() {
            return outcome.finished();
        }

        List<String> output() {
            return withoutLauncherNotes(outcome.finished().output());
        }
    }

    private static synchronized Chattered chatter() throws Exception {
        if (chatterFailed != null) {
            throw chatterFailed;
        }
        if (chattered == null) {
            long seed = Seeded.random("chatter").nextLong();
            Chatter.Plan plan = Chatter.plan(seed);
            Duration limit = finishingLimit();
            try (RollCall roll = new RollCall()) {
                Outcome o = RunCall.start(Chatter.class, List.of(Long.toString(seed), roll.port()), limit, roll)
                        .await(limit.plus(GRACE));
                String what = "The child printed " + plan.script().size() + " lines, " + kib(plan.bytes(true))
                        + " on its standard output and " + kib(plan.bytes(false)) + " on its standard error, taking"
                        + " turns, each far more than a pipe holds, then " + plan.burstLines().size() + " short"
                        + " lines more, and ended.";
                try {
                    finishedOrFail(o, roll, plan.bytes(), what, limit);
                } catch (AssertionError e) {
                    chatterFailed = e;
                    throw e;
                }
                chattered = new Chattered(plan, o, what);
            }
        }
        return chattered;
    }

    /** The first child's run and what the test gave it. */
    record Echoed(Finished finished, List<String> args, int exitCode, String classPath, int parentCounter,
                  long millis) {
        /** What the child printed, given the PID and paths it reported. */
        List<String> expectedOutput(List<String> out) {
            List<String> lines = new ArrayList<>();
            lines.add("pid " + finished.pid());
            lines.add("java.home " + System.getProperty("java.home"));
            lines.add("argv0 " + valueAfter(out, "argv0 "));
            lines.add("class.path " + classPath);
            lines.add("to stderr, 1 of 2");
            lines.add("counter 7");
            lines.add("counter now 99");
            lines.add("args " + args.size());
            args.forEach(a -> lines.add("[" + a + "]"));
            lines.add("to stderr, 2 of 2");
            return lines;
        }
    }

    private static synchronized Echoed echo() throws Exception {
        if (echoed == null) {
            Random random = Seeded.random("echo");
            int exitCode = 1 + random.nextInt(120);
            List<String> words = new ArrayList<>(List.of("two words", ""));
            List<String> pool = List.of("*", "$HOME", "--flag=value", "semi;colon", "it's", "  padded  ", "a\tb",
                    "x", "-cp", "back\\slash");
            for (int i = random.nextInt(4); i > 0; i--) {
                words.add(pool.get(random.nextInt(pool.size())));
            }
            Collections.shuffle(words, random);
            List<String> args = new ArrayList<>();
            args.add(Integer.toString(exitCode));
            args.addAll(words);
            String classPath = CHILD_CLASS_PATH + File.pathSeparator + "no-such-folder-" + random.nextInt(1_000);
            int parentCounter = 1_000 + random.nextInt(9_000);
            Echo.counter = parentCounter;
            long started = System.nanoTime();
            Finished r = ChildProcess.run(classPath, Echo.class.getName(), args, FIRST_LIMIT);
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (r == null) {
                fail("run() returned null; return a new Finished(pid, exitCode, output).");
            }
            echoed = new Echoed(new Finished(r.pid(), r.exitCode(), withoutLauncherNotes(r.output())), args,
                    exitCode, classPath, parentCounter, millis);
        }
        return echoed;
    }

    /** A limit for a child that ends by itself: several times what the first child took, at least 2 s. */
    private static Duration finishingLimit() throws Exception {
        return Duration.ofMillis(Math.clamp(6 * echo().millis(), 2_000, 8_000));
    }

    /**
     * At least {@code atLeastMillis} and 0.7 s, up to a second more, never whole seconds: the part of a second
     * is between 0.15 and 0.85 s. Below a second it is 0.70 to 0.85 s, long enough for the child to start and
     * begin refusing polite requests on a quiet machine (a busy one gets a longer limit at the next attempt).
     */
    private static Duration fractionalLimit(Random random, long atLeastMillis) {
        long millis = 1_000L * (atLeastMillis / 1_000 + random.nextInt(2)) + 150 + random.nextInt(700);
        if (millis < 1_000) {
            millis = 700 + random.nextInt(150);
        }
        while (millis < atLeastMillis) {
            millis += 1_000;
        }
        return Duration.ofMillis(millis);
    }

    /** The normal end of a child that ends by itself, or a failure that says what run() did instead. */
    private static Finished finishedOrFail(Outcome o, RollCall roll, long bytes, String what, Duration limit) {
        if (o == null) {
            fail(what + " run() had not come back " + limit.plus(GRACE).toMillis() + " ms later, though its limit"
                    + " was " + limit.toMillis() + " ms." + stuck(roll, bytes));
        }
        if (o.thrown() instanceof TimeoutException) {
            fail(what + " run() gave up on it after " + o.millis() + " ms with " + o.thrown() + "." + stuck(roll, bytes)
                    + " A pipe between two processes holds about 64 KiB: when it is full, the child's next write"
                    + " waits until the parent reads. A parent that waits for the child before it reads waits"
                    + " for a child that is waiting for it. Read the output while the child runs, on a thread of"
                    + " its own, and wait for the child after starting that thread.", o.thrown());
        }
        if (o.thrown() != null) {
            fail(what + " run() threw " + o.thrown(), o.thrown());
        }
        if (o.finished() == null) {
            fail("run() returned null; return a new Finished(pid, exitCode, output).");
        }
        return o.finished();
    }

    /** What the child said about its writing, when it did not get all of its {@code bytes} out. */
    private static String stuck(RollCall roll, long bytes) {
        long wrote = roll.last("wrote ").map(w -> Long.parseLong(w.substring(6))).orElse(0L);
        if (wrote >= bytes) {
            return "";
        }
        Optional<String> writing = roll.last("writing ");
        if (writing.isPresent()) {
            return " The child's last write, of " + writing.get().substring(8) + " bytes in one go, never finished:"
                    + " nobody took them out of the pipe.";
        }
        if (wrote > 0) {
            return " The child's last report said it had written " + String.format("%,d", wrote) + " of its "
                    + String.format("%,d", bytes) + " bytes; then its writing stopped: nobody took more out of the"
                    + " pipe.";
        }
        return "";
    }

    private static void assertChildGoneAtTheThrow(Outcome o, RollCall roll, String what) throws Exception {
        if (o.aliveWhenItCameBack().isEmpty()) {
            return;
        }
        ProcessHandle child = o.aliveWhenItCameBack().get(0);
        if (ProcessEnds.await(child, Duration.ofMillis(500))) {
            fail(what + ", but at that instant the child (PID " + child.pid() + ") was still alive; it was gone"
                    + " soon after. destroyForcibly() only sends the signal to die: wait until the child is"
                    + " gone, destroyForcibly().waitFor(), before you throw.");
        }
        if (roll.askedToStop()) {
            fail(what + ", but the child (PID " + child.pid() + ") was only asked politely to stop (destroy(),"
                    + " a SIGTERM), refused, and still runs. End it with destroyForcibly(), which it cannot"
                    + " refuse, and wait until it is gone before you throw.");
        }
        fail(what + ", but the child (PID " + child.pid() + ") still runs: giving up on a process does not stop"
                + " it. Call destroyForcibly(), then waitFor(), before you throw.");
    }

    /** Every thread that run() started ends soon after run() comes back, daemon threads too. */
    private static void assertThreadsEnded(Outcome o, String what) throws InterruptedException {
        long deadline = System.nanoTime() + THREADS_END_WITHIN.toNanos();
        List<String> left = new ArrayList<>();
        for (Thread t : o.threadsItStarted()) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                left.add("\"" + t.getName() + "\" (" + t.getState() + (t.isDaemon() ? ", daemon" : "") + ")");
            }
        }
        if (!left.isEmpty()) {
            fail(what + " The child is gone, but " + THREADS_END_WITHIN.toMillis() + " ms after run() came back"
                    + " these threads it started still run: " + String.join(", ", left) + ". A thread that reads"
                    + " a child's output ends at the end of the output; a pool you create must be shut down.");
        }
    }

    private static boolean isThisJvmsLauncher(String argv0) {
        try {
            Path started = Path.of(argv0).toAbsolutePath();
            return Files.exists(started) && (Files.isSameFile(started, launcher())
                    || ProcessHandle.current().info().command().map(c -> {
                        try {
                            return Files.isSameFile(started, Path.of(c));
                        } catch (IOException e) {
                            return false;
                        }
                    }).orElse(false));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Path launcher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Why a child that printed no PID did not run the test's program, when its output shows it. */
    private static String whyTheChildDidNotRun(Finished r) {
        String all = String.join("\n", r.output());
        if (all.contains("UnsupportedClassVersionError")) {
            return " The child ran an older Java than this one, which cannot load classes compiled for this one:"
                    + " start it with this JVM's own launcher, from java.home, not a java found on the PATH.";
        }
        if (all.contains("Could not find or load main class")) {
            return " The child JVM could not find its main class: give it the class path it was given, after"
                    + " \"-cp\", and the main class's name.";
        }
        return r.output().isEmpty() ? " Read what the child prints: process.inputReader() gives its lines." : "";
    }

    private static String valueAfter(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()))
                .orElse("(nothing: no line began \"" + prefix.strip() + "\")");
    }

    /**
     * Drops the notes a {@code java} launcher prints on standard error when JAVA_TOOL_OPTIONS or
     * JDK_JAVA_OPTIONS is set on the learner's machine: they are not the child's output.
     */
    private static List<String> withoutLauncherNotes(List<String> lines) {
        return lines.stream().filter(line -> !LAUNCHER_NOTE.matcher(line).lookingAt()).toList();
    }

    private static String edge(int bytes) {
        if (bytes == PIPE) {
            return "just what a pipe holds (64 KiB)";
        }
        int off = Math.abs(bytes - PIPE);
        return off + (off == 1 ? " byte " : " bytes ") + (bytes < PIPE ? "less" : "more") + " than a pipe holds (64 KiB)";
    }

    private static String kib(long bytes) {
        return String.format("%,d bytes (%.1f KiB)", bytes, bytes / 1024.0);
    }

    private static int firstDifference(List<String> expected, List<String> got) {
        int i = 0;
        while (i < expected.size() && i < got.size() && expected.get(i).equals(got.get(i))) {
            i++;
        }
        return i;
    }

    private static String at(List<String> lines, int i) {
        return i < lines.size() ? lines.get(i) : "(no line)";
    }

    private static String head(List<String> lines, int n) {
        return lines.isEmpty() ? "(nothing)" : lines.subList(0, Math.min(n, lines.size())).toString();
    }
}
