package dev.tutor.exercises.eventloop;

import static dev.tutor.exercises.eventloop.TestPollers.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.eventloop.TestPollers.Audit;
import dev.tutor.exercises.eventloop.TestPollers.Idle;
import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.runtime.poll.FakePoller;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link MiniLoop}: the ready queue and the turn (hint 1), timers and the poll's time-out (hint 2),
 * channels, cancelled timers, failing callbacks, a failing poller and stop (hint 3), then seeded random
 * scripts against a model of the specification, the idle loop on a real selector, and the means read off
 * the compiled class (hint 4).
 *
 * <p>Almost every test runs the loop on a {@link FakePoller} and a {@link FakeClock}: a poll with a time-out
 * moves the fake clock instead of waiting, and every poll is recorded, so a test knows each turn's time-out,
 * the time each callback ran and in which turn, to the nanosecond. A turn is counted from its poll: the
 * loop polls exactly once per turn. A loop that polls far more often than the work needs, or keeps running
 * a callback that queues itself within one turn, is stopped and reported instead of spinning for ever.
 *
 * <p>The fake poller, the clock and the loops' handler are in the {@link LoopRig}. The longer tests' rounds are
 * written beside this class, one class per kind of check ({@link TurnChecks}, {@link TimerOrderChecks},
 * {@link ChannelChecks}, {@link RunEndChecks}, {@link FailureChecks}, {@link RealSelectorChecks}): a test here says
 * how many rounds it runs, and of what.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class MiniLoopTest {

    private static final long DAY = TimeUnit.DAYS.toNanos(1);

    private final LoopRig rig = new LoopRig();
    private final FakeClock clock = rig.clock;
    private final FakePoller fake = rig.fake;
    private final List<Exception> errors = rig.errors;
    private final TurnChecks turns = new TurnChecks(rig);
    private final TimerOrderChecks timerOrder = new TimerOrderChecks(rig);
    private final ChannelChecks channels = new ChannelChecks(rig);
    private final RunEndChecks runEnds = new RunEndChecks(rig);
    private final FailureChecks failures = new FailureChecks(rig);
    private final RealSelectorChecks realSelector = new RealSelectorChecks(rig);

    @AfterEach
    void closeEverything() throws IOException {
        rig.close();
    }

    // ---- the ready queue and the turn: hint 1 ----

    @Test
    @Order(10)
    @Tag("hint:1")
    void runsCallbacksInTheOrderTheyWereQueued(Random random) {
        for (int round = 0; round < 20; round++) {
            turns.runsQueuedCallbacksOldestFirst(random);
        }
    }

    @Test
    @Order(20)
    @Tag("hint:1")
    void aCallbackQueuedDuringATurnRunsInTheNextTurn(Random random) {
        for (int round = 0; round < 20; round++) {
            turns.runsWhatATurnQueuesInTheNextTurn(random);
        }
    }

    // ---- timers and the time-out: hint 2 ----

    @Test
    @Order(30)
    @Tag("hint:2")
    void runsTimersInDueOrderAndTiesInTheOrderTheyWereStarted(Random random) {
        for (int round = 0; round < 30; round++) {
            timerOrder.runsDrawnTimersInDueOrder(random);
        }
    }

    /**
     * The two orders the rounds above meet by chance, on every run: a timer started first but due last, and three
     * timers due at the same nanosecond, all overdue in one turn. A heap ordered by due time alone gives three ties
     * back out of their start order, and a list kept in start order runs the first timer first; on about one seed
     * in ten thousand the drawn rounds show neither.
     */
    @Test
    @Order(31)
    @Tag("hint:2")
    void runsATimerStartedFirstButDueLastAfterThreeThatTie() {
        timerOrder.runsATimerStartedFirstButDueLastAfterThreeThatTie();
    }

    /**
     * Ties between a timer that waits and one started after others have run. The number that breaks ties must
     * grow with every timer started: one drawn from a count of the timers waiting (the heap's size) goes down as
     * timers run, so B, started behind two or more early timers, holds a higher number than C, started once they
     * have run, and C would run first. The rounds above start all their timers before run() and never see it.
     */
    @Test
    @Order(32)
    @Tag("hint:2")
    void runsTiesInStartOrderWhenOneWasStartedAfterOthersHadRun(Random random) {
        for (int round = 0; round < 10; round++) {
            timerOrder.runsATieStartedLaterAfterTheOneThatWaited(random);
        }
    }

    @Test
    @Order(35)
    @Tag("hint:1")
    void aTurnRunsTheTimersDueInItBehindTheCallbacksThatWereReady(Random random) {
        for (int round = 0; round < 20; round++) {
            turns.runsDueTimersBehindTheReadyCallbacks(random, round);
        }
    }

    /**
     * A turn reads the time once, after its poll, and moves the timers due by then: one that falls due while the
     * turn runs waits for the next turn. This test's clock moves a nanosecond at each reading after a poll, so a
     * loop that reads it again for each timer takes in timers due after the turn's own time.
     */
    @Test
    @Order(36)
    @Tag("hint:2")
    void aTurnReadsTheClockOnceForAllItsTimers(Random random) {
        TurnClock turnClock = new TurnClock(clock);
        Audit audit = new Audit(turnClock.around(fake), clock, 10);
        MiniLoop loop = new MiniLoop(audit, turnClock, errors::add);
        long first = 1 + random.nextInt(1_000_000_000);
        int timers = 3 + random.nextInt(4);
        List<String> ran = new ArrayList<>();
        StringBuilder due = new StringBuilder();
        for (int i = 0; i < timers; i++) {
            String name = "T" + i;
            loop.callLater(Duration.ofNanos(first + i), () -> ran.add(name));
            due.append(i == 0 ? "" : ", ").append(name).append(" at ").append(first + i);
        }
        String script = "With the clock at 0, " + timers + " timers were started, due a nanosecond apart: " + due
                + " ns. The turn's poll waited until " + first + " ns, and from then on this clock moved a"
                + " nanosecond each time it was read, as a real clock moves while a turn runs";
        rig.runOnce(loop, audit, script);
        int readings = turnClock.readingsThisTurn();
        assertEquals(List.of("T0"), ran, () -> script + ". The turn should read the clock once, after its poll, and"
                + " move the timers due by that reading, T0 alone; the others fall due while the turn runs and wait"
                + " for the next one. It ran " + (ran.isEmpty() ? "none of them" : ran) + ", reading the clock "
                + readings + (readings == 1 ? " time" : " times") + " after the poll."
                + (ran.size() > 1 ? " Read clock.nanoTime() once into a variable before the loop that moves due"
                + " timers, and compare each timer with it." : "")
                + (ran.isEmpty() ? " Read the time after the poll returns: the poll is where the time passes." : ""));
    }

    @Test
    @Order(40)
    @Tag("hint:2")
    void choosesATimeoutOfZeroWhenReadyElseTheTimeToTheNextTimer(Random random) {
        for (int round = 0; round < 30; round++) {
            Audit audit = new Audit(fake, clock, 10);
            MiniLoop loop = rig.loop(audit);
            long start = clock.nanoTime();
            long first = 1 + random.nextInt(5_000_000);
            // One round in four, T2 waits more than a day: the time-out has no cap.
            long second = first + 1 + (round % 4 == 3 ? DAY + random.nextLong(DAY) : random.nextInt(5_000_000));
            boolean overrun = random.nextBoolean();
            long work = overrun ? first + random.nextInt(2_000_000) : random.nextInt((int) first);
            List<String> ran = new ArrayList<>();
            loop.callSoon(() -> {
                ran.add("A");
                clock.advanceNanos(work);
            });
            loop.callLater(Duration.ofNanos(second), () -> ran.add("T2"));
            loop.callLater(Duration.ofNanos(first), () -> ran.add("T1"));
            String script = "Callback A was queued, then timers T2 in " + second + " ns and T1 in " + first + " ns; A"
                    + " takes " + work + " ns of (fake) time" + (overrun ? ", so T1 is already due when it returns." : ".");
            rig.run(loop, audit, script);
            List<Long> expected = new ArrayList<>();
            expected.add(0L);                               // A is ready
            if (work < first) {
                expected.add(first - work);                 // until T1
                expected.add(second - first);               // until T2
            } else if (work < second) {
                expected.add(0L);                           // T1 is due already
                expected.add(second - work);                // until T2
            } else {
                expected.add(0L);                           // both are due already
            }
            assertEquals(List.of("A", "T1", "T2"), ran, () -> script + " They should run A, T1, T2; they ran " + ran
                    + ". Polls' time-outs: " + audit.timeoutsText() + ".");
            assertEquals(expected, audit.timeouts, () -> script + " The polls' time-outs should be " + text(expected)
                    + ": 0 while a callback is ready, then the nanoseconds from now to the next timer, 0 if it is due"
                    + " already (never negative: a negative time-out means 'wait for ever'). They were "
                    + audit.timeoutsText() + "." + (audit.timeouts.contains(DAY) ? " One of them is exactly a day:"
                    + " the Poller takes any number of nanoseconds, so the time-out has no cap." : ""));
        }
    }

    // ---- channels, cancelled timers, failures, stop: hint 3 ----

    @Test
    @Order(50)
    @Tag("hint:3")
    void queuesAChannelsCallbackInEveryTurnItIsReady(Random random) throws IOException {
        for (int round = 0; round < 10; round++) {
            channels.queuesAReadyChannelsCallbackEveryTurn(random);
            channels.queuesOneCallbackOnceForEachReadyChannel(random);
        }
    }

    @Test
    @Order(60)
    @Tag("hint:3")
    void runsTheCallbacksOfChannelsReadyTogetherInThePollersOrder(Random random) throws IOException {
        for (int round = 0; round < 10; round++) {
            channels.queuesChannelsReadyTogetherInThePollersOrder(random);
        }
    }

    @Test
    @Order(65)
    @Tag("hint:3")
    void aChannelsCallbackQueuedInATurnRunsInItWhateverAnEarlierCallbackDoes(Random random) throws IOException {
        for (int round = 0; round < 10; round++) {
            channels.runsAQueuedCallbackWhateverAnEarlierOneDoes(random, round);
        }
    }

    @Test
    @Order(70)
    @Tag("hint:2")
    void waitsWithoutATimeoutOnlyWhenNoTimerWaits(Random random) throws IOException {
        for (int round = 0; round < 20; round++) {
            Audit audit = new Audit(fake, clock, 10);
            MiniLoop loop = rig.loop(audit);
            SelectableChannel channel = rig.channel(true);
            long start = clock.nanoTime();
            long readyIn = 1 + random.nextInt(5_000_000);
            boolean withTimer = random.nextBoolean();
            long timerIn = 1 + random.nextInt(5_000_000);
            List<String> ran = new ArrayList<>();
            fake.becomeReadyAt(start + readyIn, channel, SelectionKey.OP_READ);
            loop.watch(channel, SelectionKey.OP_READ, () -> {
                ran.add("channel@" + (clock.nanoTime() - start));
                loop.unwatch(channel);
            });
            if (withTimer) {
                loop.callLater(Duration.ofNanos(timerIn), () -> ran.add("timer@" + (clock.nanoTime() - start)));
            }
            String script = "A watched channel becomes readable in " + readyIn + " ns"
                    + (withTimer ? " and a timer is due in " + timerIn + " ns" : " and no timer waits");
            rig.run(loop, audit, script);
            List<Long> expected = !withTimer ? List.of(-1L)
                    : timerIn < readyIn ? List.of(timerIn, -1L)
                    : timerIn == readyIn ? List.of(timerIn) : List.of(timerIn, timerIn - readyIn);
            assertEquals(expected, audit.timeouts, () -> script + ". The polls' time-outs should be " + text(expected)
                    + (withTimer ? ": the time to the timer while it waits, and no limit (a negative time-out) only"
                    + " once no timer waits." : ": with nothing ready and no timer, a poll without a limit (a negative"
                    + " time-out), which returns when the channel is ready.") + " They were " + audit.timeoutsText()
                    + "; the callbacks ran " + ran + "." + huge(audit.timeouts));
        }
        // runOnce() with nothing left is still a turn: one poll, without a limit (the poller here returns at once).
        Audit idle = new Audit(new Idle(), clock, 3);
        MiniLoop empty = rig.loop(idle);
        rig.runOnce(empty, idle, "runOnce() on a loop with nothing ready, no timer and no channel");
        assertEquals(1, idle.polls(), () -> "runOnce() on a loop with nothing left should still run one turn, one poll;"
                + " it polled " + idle.polls() + " time(s).");
        assertTrue(idle.timeouts.get(0) < 0, () -> "runOnce() on a loop with nothing left should poll without a limit"
                + " (a negative time-out): nothing is ready and no timer waits. Its time-out was "
                + idle.timeoutsText() + ".");
    }

    @Test
    @Order(75)
    @Tag("hint:3")
    void runReturnsWithoutPollingWhenNothingIsLeft(Random random) throws IOException {
        for (int round = 0; round < 5; round++) {
            runEnds.returnsWithoutPollingWhenNothingIsLeft(random);
        }
    }

    @Test
    @Order(80)
    @Tag("hint:3")
    void aCancelledTimerNeverRunsAndKeepsNothingAlive(Random random) {
        for (int round = 0; round < 20; round++) {
            // Alone: run() has nothing to do.
            Audit audit = new Audit(fake, clock, 5);
            MiniLoop loop = rig.loop(audit);
            List<String> ran = new ArrayList<>();
            long far = 1 + random.nextInt(1_000_000_000);
            MiniLoop.Timer lone = loop.callLater(Duration.ofNanos(far), () -> ran.add("cancelled"));
            lone.cancel();
            assertTrue(lone.isCancelled(), "isCancelled() should be true once cancel() was called.");
            long before = clock.nanoTime();
            rig.run(loop, audit, "Only a timer due in " + far + " ns, cancelled before run()");
            assertEquals(List.of(), audit.timeouts, () -> "The only timer, due in " + far + " ns, was cancelled before"
                    + " run(), so nothing was left: run() should return at once without polling. It polled "
                    + audit.timeouts.size() + " time(s), time-outs " + audit.timeoutsText() + ", and the clock moved "
                    + (clock.nanoTime() - before) + " ns; the callbacks ran " + ran + ".");

            // Before a live one: the time-out is the live one's.
            Audit audit2 = new Audit(fake, clock, 5);
            MiniLoop loop2 = rig.loop(audit2);
            long early = 1 + random.nextInt(1_000_000);
            long late = early + 1 + random.nextInt(1_000_000);
            loop2.callLater(Duration.ofNanos(early), () -> ran.add("cancelled")).cancel();
            loop2.callLater(Duration.ofNanos(late), () -> ran.add("live"));
            String script = "A timer due in " + early + " ns, cancelled, and a live one due in " + late + " ns";
            rig.run(loop2, audit2, script);
            assertEquals(List.of("live"), ran, () -> script + ": only the live one should run; ran " + ran + ".");
            List<Long> timeouts = List.copyOf(audit2.timeouts);
            assertEquals(List.of(late), timeouts, () -> script + ": one poll, waiting " + late + " ns for the live"
                    + " timer; a cancelled timer decides no time-out. The polls' time-outs were " + text(timeouts) + ".");

            // Cancelled in the turn it is due, by a callback that runs before it; cancelling twice, and after a run.
            ran.clear();
            Audit audit3 = new Audit(fake, clock, 5);
            MiniLoop loop3 = rig.loop(audit3);
            long due = 1 + random.nextInt(1_000_000);
            MiniLoop.Timer[] victim = new MiniLoop.Timer[1];
            MiniLoop.Timer killer = loop3.callLater(Duration.ofNanos(due), () -> {
                ran.add("first");
                victim[0].cancel();
                victim[0].cancel();
            });
            victim[0] = loop3.callLater(Duration.ofNanos(due), () -> ran.add("victim"));
            loop3.callLater(Duration.ofNanos(due), () -> ran.add("third"));
            rig.run(loop3, audit3, "Three timers due at the same moment, the first of which cancels the second");
            assertEquals(List.of("first", "third"), ran, () -> "Three timers were due at " + due + " ns, and the first"
                    + " cancelled the second when it ran, in the same turn, after all three were queued. A cancelled"
                    + " timer never runs, even then: the callbacks should be [first, third]; they were " + ran + ".");
            killer.cancel();
            assertTrue(killer.isCancelled(), "cancel() on a timer that has already run should do no harm, and"
                    + " isCancelled() should then be true.");
        }
    }

    @Test
    @Order(90)
    @Tag("hint:3")
    void handsACallbacksExceptionToTheHandlerAndGoesOn(Random random) {
        for (int round = 0; round < 10; round++) {
            failures.handsEveryCallbacksExceptionToTheHandler(random);
        }
    }

    @Test
    @Order(95)
    @Tag("hint:3")
    void aFailingPollerLeavesRunOnceAndRunAndTheQueueIsKept(Random random) throws IOException {
        for (int round = 0; round < 10; round++) {
            failures.aFailedPollLeavesRunAndTheQueueIsKept(random);
            failures.aFailedPollLeavesRunOnceBeforeAnyCallback();
            failures.anUncheckedPollFailureLeavesAsItIs(random);
            failures.aChannelThePollerRefusedIsNotWatched();
        }
    }

    @Test
    @Order(96)
    @Tag("hint:3")
    void anErrorFromACallbackLeavesRunAndIsNotTheHandlers(Random random) {
        for (int round = 0; round < 10; round++) {
            failures.anErrorLeavesRunAndTheTurnsLeftoversComeFirst(random, round);
        }
    }

    @Test
    @Order(100)
    @Tag("hint:3")
    void stopEndsRunAfterTheCurrentTurnAndKeepsTheRest(Random random) {
        for (int round = 0; round < 10; round++) {
            runEnds.stopEndsRunAfterItsTurn(random);
            runEnds.stopWithNoRunGoingOnDoesNothing(random, round);
            runEnds.stopThenAnError(random, round % 3 == 0);
        }
    }

    // ---- the whole loop: hint 4 ----

    @Test
    @Order(110)
    @Tag("hint:4")
    void randomScriptsRunAsTheSpecificationSays(Random random) {
        for (int round = 0; round < 40; round++) {
            long base = random.nextLong();
            LoopScript.Model model = new LoopScript.Model(base);
            model.play();
            Audit audit = new Audit(fake, clock, model.timeouts.size() + 10);
            MiniLoop loop = rig.loop(audit);
            LoopScript.Real real = new LoopScript.Real(base, loop, audit, clock);
            real.play(model.runs, what -> rig.run(loop, audit, what));
            LoopScript.compare("trace", model.trace, real.trace, model, audit);
            LoopScript.compare("polls' time-outs", model.timeouts, audit.timeouts, model, audit);
            List<String> handled = errors.stream().map(Exception::getMessage).toList();
            LoopScript.compare("exceptions handed to the handler", model.failures, handled, model, audit);
            errors.clear();
        }
    }

    @Test
    @Order(120)
    @Tag("hint:4")
    void waitsForATimerOnARealSelectorWithoutBurningCpu(TestReporter reporter) throws Exception {
        realSelector.waitsForATimerWithoutBurningCpu(reporter);
    }

    /**
     * The fairness rule on a real selector and the real clock, under a mixed load: a callback that queues itself
     * again after every run, timers due over the next 40 ms, and a pipe that the busy callback writes to now and
     * then. The busy callback must run once a turn, the timers must all run, none early, and every byte must be
     * read. The figures measured on the way are published beside the verdict: the learner's loop, measured.
     */
    @Test
    @Order(125)
    @Tag("hint:1")
    void keepsTimersAndAChannelMovingBesideACallbackThatQueuesItselfOnARealSelector(Random random,
            TestReporter reporter) throws Exception {
        realSelector.keepsTimersAndAChannelMovingBesideABusyCallback(random, reporter);
    }

    @Test
    @Order(130)
    @Tag("hint:4")
    void waitsOnlyInThePollWithNoThreadsOrSleeps() {
        var found = CompiledNest.forbiddenUses(MiniLoop.class, ForbiddenMeans::reason);
        if (!found.isEmpty()) {
            fail("MiniLoop uses " + String.join("; ", found) + ". An event loop waits in one place only, the poll,"
                    + " with the time-out it chose: no sleeping, no threads or executors, no selector of its own"
                    + " (selectNow() in a loop is a spin), no wait()/park(). Go through the Poller you were given.");
        }
    }

    /** A remark on a time-out so long that it was surely meant as "no limit", or "". */
    private static String huge(List<Long> timeouts) {
        long longest = timeouts.stream().mapToLong(Long::longValue).max().orElse(0);
        if (longest < 100 * 365 * DAY) {
            return "";
        }
        return " A time-out of " + longest + " ns (" + longest / (365 * DAY) + " years) is a limit, however long, not"
                + " 'no limit': the Poller waits without a limit only when its time-out is negative, and that is how"
                + " the loop asks for it.";
    }

    /**
     * An Error a callback throws: not an Exception, so not the handler's. Nested here because its name,
     * {@code MiniLoopTest$Boom}, is part of the failure messages that show it.
     */
    static final class Boom extends Error {
        Boom(String message) {
            super(message);
        }
    }
}
