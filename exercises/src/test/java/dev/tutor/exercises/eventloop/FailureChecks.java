package dev.tutor.exercises.eventloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.eventloop.MiniLoopTest.Boom;
import dev.tutor.exercises.eventloop.TestPollers.Audit;
import dev.tutor.exercises.eventloop.TestPollers.Failing;
import dev.tutor.exercises.eventloop.TestPollers.Spin;
import dev.tutor.runtime.poll.FakePoller;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The checks of failures (hint 3) for {@link MiniLoopTest}: a callback's Exception, checked or not, goes to the
 * handler and the loop goes on; an Error leaves run() and the rest of its turn stays queued; a failing poller's
 * IOException leaves runOnce() and run() as an UncheckedIOException, and its RuntimeException as it is, never the
 * handler's, and the queue is kept.
 * Each method is one round, or one part of a round, of its test. Not a test itself.
 */
final class FailureChecks {
    private final LoopRig rig;
    private final FakeClock clock;
    private final FakePoller fake;
    private final List<Exception> errors;

    FailureChecks(LoopRig rig) {
        this.rig = rig;
        this.clock = rig.clock;
        this.fake = rig.fake;
        this.errors = rig.errors;
    }

    /** Every other callback throws, some a checked exception, and so does a timer: all go to the handler. */
    void handsEveryCallbacksExceptionToTheHandler(Random random) {
        Audit audit = new Audit(fake, clock, 10);
        MiniLoop loop = rig.loop(audit);
        List<String> ran = new ArrayList<>();
        List<Exception> thrown = new ArrayList<>();
        int count = 2 + random.nextInt(6);
        long delay = 1 + random.nextInt(1_000_000);
        // At least one callback a round throws a checked exception: Runnable.run declares none, but a
        // callback can throw one all the same, and it is an Exception like any other.
        int surelyChecked = 2 * random.nextInt((count + 1) / 2);
        List<String> checkedOnes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "C" + i;
            boolean fails = i % 2 == 0;
            boolean checked = fails && (i == surelyChecked || random.nextInt(3) == 0);
            Exception problem = !fails ? null : checked ? new IOException(name + " failed")
                    : new IllegalStateException(name + " failed");
            if (fails) {
                thrown.add(problem);
            }
            if (checked) {
                checkedOnes.add(name);
            }
            loop.callSoon(() -> {
                ran.add(name);
                if (fails) {
                    FailureChecks.<RuntimeException>sneakyThrow(problem);
                }
            });
        }
        RuntimeException timerProblem = new UnsupportedOperationException("the timer failed");
        thrown.add(timerProblem);
        loop.callLater(Duration.ofNanos(delay), () -> {
            ran.add("timer");
            throw timerProblem;
        });
        loop.callLater(Duration.ofNanos(delay), () -> ran.add("after"));
        String script = count + " callbacks, every other one throwing (C0, C2, ...; " + String.join(" and ",
                checkedOnes) + " a checked IOException), then a timer that throws and another due at the same"
                + " moment";
        rig.run(loop, audit, script);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add("C" + i);
        }
        expected.add("timer");
        expected.add("after");
        assertEquals(expected, ran, () -> script + ": every callback should run, in the turns it would have run"
                + " in anyway: " + expected + ". They ran " + ran + ". Catch what a callback throws, hand it to"
                + " the handler, and go on with the next one.");
        assertEquals(thrown.size(), errors.size(), () -> script + ": the handler should receive the "
                + thrown.size() + " exceptions thrown, once each; it received " + errors.size() + ": " + errors + ".");
        for (int i = 0; i < thrown.size(); i++) {
            int index = i;
            assertTrue(errors.get(i) == thrown.get(i), () -> script + ": exception " + (index + 1) + " handed to the"
                    + " handler should be the very one the callback threw, " + thrown.get(index) + "; it was "
                    + errors.get(index) + ".");
        }
        assertEquals(List.of(0L, delay), audit.timeouts, () -> script + ": the loop should go on as if nothing had"
                + " failed, polls' time-outs [0, " + delay + "]; they were " + audit.timeoutsText() + ".");
        errors.clear();
    }

    /** run(): a callback that queues itself again, and a poll that fails in the middle. */
    void aFailedPollLeavesRunAndTheQueueIsKept(Random random) {
        int runs = 3 + random.nextInt(4);
        int failing = 1 + random.nextInt(runs);
        IOException problem = new IOException("poll number " + failing + " failed");
        Audit audit = new Audit(new Failing(fake, failing, false, problem), clock, 20);
        MiniLoop loop = rig.loop(audit);
        List<Integer> ran = new ArrayList<>();
        Runnable[] again = new Runnable[1];
        again[0] = () -> {
            ran.add(audit.polls());
            if (ran.size() < runs) {
                loop.callSoon(again[0]);
            }
        };
        loop.callSoon(again[0]);
        String script = "A callback that queues itself again until it has run " + runs + " times, and a poller"
                + " whose poll number " + failing + " throws " + problem;
        RuntimeException left = null;
        try {
            loop.run();
        } catch (RuntimeException e) {
            left = e;
        }
        RuntimeException seen = left;
        assertTrue(seen instanceof UncheckedIOException && seen.getCause() == problem, () -> script
                + ": run() should leave with an UncheckedIOException whose cause is that very IOException; "
                + (seen == null ? "it returned normally" : "it threw " + seen + " (cause " + seen.getCause() + ")")
                + (errors.isEmpty() ? "" : ", and the handler was given " + errors + ": the handler is for"
                + " callbacks' exceptions, not the poller's") + ". The callback ran in turns " + ran + ".");
        assertEquals(failing - 1, ran.size(), () -> script + ": the callback should have run in each of the "
                + (failing - 1) + " turns before the failing poll and not in the turn whose poll failed; it ran in"
                + " turns " + ran + ".");
        assertEquals(List.of(), errors, () -> script + ": the handler is for callbacks' exceptions; it was given "
                + errors + ".");
        rig.run(loop, audit, script + ", then run() called again");
        assertEquals(runs, ran.size(), () -> script + ": the callback queued before the failing poll should stay"
                + " queued and run when run() is called again, until it has run " + runs + " times; it ran "
                + ran.size() + " times, in turns " + ran + ".");
    }

    /** runOnce(): the first poll fails; nothing of that turn runs, and the next turn runs it. */
    void aFailedPollLeavesRunOnceBeforeAnyCallback() {
        IOException first = new IOException("the first poll failed");
        Audit audit2 = new Audit(new Failing(fake, 1, false, first), clock, 5);
        MiniLoop loop2 = rig.loop(audit2);
        List<String> ran2 = new ArrayList<>();
        loop2.callSoon(() -> ran2.add("A"));
        loop2.callLater(Duration.ZERO, () -> ran2.add("T"));
        RuntimeException left2 = null;
        try {
            loop2.runOnce();
        } catch (RuntimeException e) {
            left2 = e;
        }
        RuntimeException seen2 = left2;
        assertTrue(seen2 instanceof UncheckedIOException && seen2.getCause() == first, () -> "A callback"
                + " and a timer due at once, and a poll that throws " + first + ": runOnce() should leave with an"
                + " UncheckedIOException whose cause is that IOException; " + (seen2 == null ? "it returned normally"
                : "it threw " + seen2 + " (cause " + seen2.getCause() + ")") + ", and the callbacks ran " + ran2
                + (errors.isEmpty() ? "" : ", the handler was given " + errors) + ".");
        assertEquals(List.of(), ran2, () -> "runOnce() whose poll failed should run nothing (the poll comes before"
                + " the callbacks); it ran " + ran2 + ".");
        rig.runOnce(loop2, audit2, "runOnce() called again after a failed poll");
        assertEquals(List.of("A", "T"), ran2, () -> "After a failed poll, the next runOnce() should run what was"
                + " queued, A and then the timer T due at once; it ran " + ran2 + ".");
    }

    /**
     * A poll that throws a RuntimeException, of a kind drawn from those a poller can throw: it leaves runOnce() and
     * run() as it is, the very same object, before any callback of its turn; only an IOException is wrapped.
     */
    void anUncheckedPollFailureLeavesAsItIs(Random random) {
        List<RuntimeException> kinds = List.of(new ClosedSelectorException(),
                new IllegalStateException("the poller was closed"), new CancelledKeyException(),
                new UnsupportedOperationException("this poller cannot wait"),
                new IllegalArgumentException("a time-out the poller refuses"));
        for (int call = 0; call < 2; call++) {
            boolean viaRun = call == 1;
            RuntimeException problem = kinds.get(random.nextInt(kinds.size()));
            int failing = viaRun ? 1 + random.nextInt(3) : 1;
            Audit audit = new Audit(new Failing(fake, failing, false, problem), clock, 10);
            MiniLoop loop = rig.loop(audit);
            List<Integer> ran = new ArrayList<>();
            Runnable[] again = new Runnable[1];
            again[0] = () -> {
                ran.add(audit.polls());
                loop.callSoon(again[0]);
            };
            loop.callSoon(again[0]);
            String method = viaRun ? "run()" : "runOnce()";
            String script = "A callback that queues itself again, and a poller whose poll number " + failing
                    + " throws " + problem + " (a RuntimeException), called through " + method;
            Throwable left = null;
            try {
                if (viaRun) {
                    loop.run();
                } else {
                    loop.runOnce();
                }
            } catch (RuntimeException | Spin e) {
                left = e;
            }
            Throwable seen = left;
            if (seen != problem) {
                boolean wrapped = false;
                for (Throwable cause = seen == null ? null : seen.getCause(); cause != null; cause = cause.getCause()) {
                    wrapped |= cause == problem;
                }
                fail(script + ": " + method + " should leave with that very exception, as it is: only an"
                        + " IOException from the poll is wrapped in an UncheckedIOException. " + (seen == null
                        ? method + " returned normally" : method + " threw " + seen + (wrapped ? ", which wraps it"
                        : "")) + (errors.isEmpty() ? "" : ", and the handler was given " + errors + ": the handler is"
                        + " for callbacks' exceptions, not the poller's") + ". The callback ran in turns " + ran + ".");
            }
            assertEquals(failing - 1, ran.size(), () -> script + ": the callback should have run in each of the "
                    + (failing - 1) + " turn(s) before the failing poll and not in the turn whose poll failed; it ran"
                    + " in turns " + ran + ".");
            assertEquals(List.of(), errors, () -> script + ": the handler is for callbacks' exceptions; it was given "
                    + errors + ".");
        }
    }

    /** watch(): the poller refuses the channel; the loop does not count it as watched. */
    void aChannelThePollerRefusedIsNotWatched() throws IOException {
        IOException refused = new IOException("cannot watch this one");
        Audit audit3 = new Audit(new Failing(fake, -1, true, refused), clock, 3);
        MiniLoop loop3 = rig.loop(audit3);
        RuntimeException left3 = null;
        try {
            loop3.watch(rig.channel(true), SelectionKey.OP_READ, () -> fail("the refused channel's callback ran"));
        } catch (RuntimeException e) {
            left3 = e;
        }
        RuntimeException seen3 = left3;
        assertTrue(seen3 instanceof UncheckedIOException && seen3.getCause() == refused, () -> "A poller"
                + " whose watch() throws " + refused + ": watch() should throw an UncheckedIOException whose cause"
                + " is that IOException; " + (seen3 == null ? "it returned normally" : "it threw " + seen3) + ".");
        rig.run(loop3, audit3, "run() after watch() failed");
        assertEquals(0, audit3.polls(), () -> "A channel the poller refused to watch is not watched, so run() on"
                + " that loop has nothing to do and should return without polling; it polled " + audit3.polls()
                + " time(s), time-outs " + audit3.timeoutsText() + ".");
    }

    /**
     * A callback E throws an Error: run() leaves with it at once, the handler is not given it, and the callbacks of
     * E's turn that had not run stay at the head of the queue for the next run(). Odd rounds have callbacks of E's
     * turn queue others before E throws.
     */
    void anErrorLeavesRunAndTheTurnsLeftoversComeFirst(Random random, int round) {
        Audit audit = new Audit(fake, clock, 10);
        MiniLoop loop = rig.loop(audit);
        List<String> ran = new ArrayList<>();
        int before = random.nextInt(3);
        int after = 1 + random.nextInt(3);
        // Odd rounds: callbacks of E's turn queue others before E throws. Those are behind the turn's own
        // leftovers, which stay at the head of the queue; even rounds keep the plain case.
        boolean queueing = round % 2 == 1;
        boolean[] queues = new boolean[before + 1];
        boolean anyQueues = false;
        for (int i = 0; i <= before; i++) {
            queues[i] = queueing && random.nextBoolean();
            anyQueues |= queues[i];
        }
        if (queueing && !anyQueues) {
            queues[random.nextInt(before + 1)] = true;
        }
        Boom boom = new Boom("callback E gave up");
        List<String> expectedFirst = new ArrayList<>();
        List<String> leftovers = new ArrayList<>();
        List<String> queuedInTurn = new ArrayList<>();
        StringBuilder how = new StringBuilder();
        for (int i = 0; i < before; i++) {
            String name = "B" + i;
            expectedFirst.add(name);
            boolean queuesOne = queues[i];
            if (queuesOne) {
                queuedInTurn.add(name + ".next");
            }
            loop.callSoon(() -> {
                ran.add(name);
                if (queuesOne) {
                    loop.callSoon(() -> ran.add(name + ".next"));
                }
            });
            how.append(name).append(queuesOne ? " (which queues " + name + ".next), " : ", ");
        }
        expectedFirst.add("E");
        boolean eQueues = queues[before];
        if (eQueues) {
            queuedInTurn.add("E.next");
        }
        loop.callSoon(() -> {
            ran.add("E");
            if (eQueues) {
                loop.callSoon(() -> ran.add("E.next"));
            }
            throw boom;
        });
        how.append("E, which ").append(eQueues ? "queues E.next and then " : "").append("throws an Error (")
                .append(boom).append("), then");
        for (int i = 0; i < after; i++) {
            String name = "C" + i;
            leftovers.add(name);
            loop.callSoon(() -> ran.add(name));
            how.append(" ").append(name);
        }
        List<String> expectedAll = new ArrayList<>(expectedFirst);
        expectedAll.addAll(leftovers);
        expectedAll.addAll(queuedInTurn);
        String script = "Callbacks " + how + ", all queued before run()";
        Throwable left = null;
        try {
            loop.run();
        } catch (Throwable t) {
            left = t;
        }
        Throwable seen = left;
        assertTrue(seen == boom, () -> script + ": an Error is not a callback's ordinary failure, so it should"
                + " leave run() as it is; " + (seen == null ? "run() returned normally" : "run() threw " + seen)
                + ", and the callbacks ran " + ran + ".");
        assertEquals(expectedFirst, ran, () -> script + ": run() should leave at once, the callbacks behind E not"
                + " run; they ran " + ran + ".");
        assertEquals(List.of(), errors, () -> script + ": the handler takes Exceptions only; it was given "
                + errors + ".");
        rig.run(loop, audit, script + ", then run() called again");
        if (!ran.equals(expectedAll)) {
            List<String> again = ran.subList(Math.min(expectedFirst.size(), ran.size()), ran.size());
            List<String> behind = new ArrayList<>(queuedInTurn);
            behind.addAll(leftovers);
            fail(script + ": the callbacks of E's turn that had not run yet, " + leftovers + ", stay at the head of"
                    + " the ready queue, ahead of " + (queuedInTurn.isEmpty() ? "anything queued later"
                    : "the callbacks queued during that turn, " + queuedInTurn) + ", and run first when run() is"
                    + " called again. The second run() should run " + expectedAll.subList(expectedFirst.size(),
                    expectedAll.size()) + "; it ran " + again + "." + (!queuedInTurn.isEmpty()
                    && again.equals(behind) ? " The leftovers were put back behind what the turn had queued." : ""));
        }
    }

    /** Throws {@code problem}, a checked exception included, from a Runnable, as a callback can. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable problem) throws T {
        throw (T) problem;
    }
}
