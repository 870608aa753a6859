package dev.tutor.exercises.eventloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.eventloop.TestPollers.Audit;
import dev.tutor.runtime.poll.FakePoller;
import dev.tutor.runtime.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The checks of the ready queue and the turn (hint 1) that {@link MiniLoopTest} runs round after round: callbacks
 * run oldest first, a turn runs only what was ready when it began, and the timers due in a turn join the queue
 * behind the callbacks already there. Each method is one round, drawn from the test's seeded {@link Random}. Not a
 * test itself.
 */
final class TurnChecks {
    private final LoopRig rig;
    private final FakeClock clock;
    private final FakePoller fake;

    TurnChecks(LoopRig rig) {
        this.rig = rig;
        this.clock = rig.clock;
        this.fake = rig.fake;
    }

    /** Callbacks queued with callSoon before run() all run in one turn, oldest first. */
    void runsQueuedCallbacksOldestFirst(Random random) {
        Audit audit = new Audit(fake, clock, 3);
        MiniLoop loop = rig.loop(audit);
        int count = 2 + random.nextInt(40);
        List<String> queued = names(random, count);
        List<String> ran = new ArrayList<>();
        for (String name : queued) {
            loop.callSoon(() -> ran.add(name));
        }
        rig.run(loop, audit, count + " callbacks queued with callSoon before run()");
        if (!ran.equals(queued)) {
            List<String> reversed = new ArrayList<>(queued);
            Collections.reverse(reversed);
            fail(count + " callbacks were queued with callSoon in the order " + queued + ", and run() ran "
                    + (ran.equals(reversed) ? "them newest first, " + ran + ": the ready queue was used as a stack"
                    + " (LIFO). A queue is FIFO: add at the tail and take from the head, as Python's"
                    + " deque.popleft() does (its pop() takes the newest)."
                    : ran.size() + " of them, in the order " + ran + ". Each must run once, oldest first."));
        }
        assertEquals(List.of(0L), audit.timeouts, () -> "With " + count + " callbacks ready and nothing else,"
                + " run() should take exactly one turn, one poll with the time-out 0 (callbacks are ready, so"
                + " the poll must not wait); the polls' time-outs were " + audit.timeoutsText() + ".");
    }

    /** What the callbacks of a turn queue runs in the next turn, generation after generation. */
    void runsWhatATurnQueuesInTheNextTurn(Random random) {
        Audit audit = new Audit(fake, clock, 100);
        MiniLoop loop = rig.loop(audit);
        List<List<String>> perTurn = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        int generations = 2 + random.nextInt(3);
        List<String> first = names(random, 1 + random.nextInt(5));
        perTurn.add(first);
        for (int g = 1; g < generations; g++) {
            perTurn.add(new ArrayList<>());
        }
        for (String name : first) {
            loop.callSoon(family(loop, random, name, 0, generations, perTurn, ran, name.equals(first.get(0))));
        }
        for (int turn = 0; turn < generations; turn++) {
            int before = ran.size();
            rig.runOnce(loop, audit, "turn " + (turn + 1) + " of " + generations);
            List<String> thisTurn = ran.subList(before, ran.size());
            List<String> expected = perTurn.get(turn);
            int number = turn + 1;
            assertEquals(expected, List.copyOf(thisTurn), () -> "Turn " + number + " of runOnce() should run exactly"
                    + " the " + expected.size() + " callbacks that were ready when it started, " + expected + ", but it"
                    + " ran " + thisTurn + ". " + (thisTurn.size() > expected.size()
                    ? "The extra ones were queued by callbacks of this very turn: they belong to the next turn. Count"
                    + " the ready callbacks once, after the poll and the due timers, and run only that many."
                    : "A callback queued by the previous turn's callbacks must run in this turn, oldest first."));
        }
    }

    /**
     * Callbacks and zero-delay timers queued before the first turn all run in it, the timers behind the callbacks;
     * what they queue waits for turn 2. Round 0 queues timers alone.
     */
    void runsDueTimersBehindTheReadyCallbacks(Random random, int round) {
        Audit audit = new Audit(fake, clock, 10);
        MiniLoop loop = rig.loop(audit);
        List<String> ran = new ArrayList<>();
        // The lesson's first scene, varied: callbacks and zero-delay timers queued before the first turn, in
        // a random mix; each callback queues another and may start a zero-delay timer, both for turn 2.
        int soon = round == 0 ? 0 : random.nextInt(4);
        int timers = 1 + random.nextInt(3);
        List<Boolean> kinds = new ArrayList<>();
        for (int i = 0; i < soon + timers; i++) {
            kinds.add(i < soon);
        }
        Collections.shuffle(kinds, random);
        List<String> soonNow = new ArrayList<>();
        List<String> timersNow = new ArrayList<>();
        List<String> soonNext = new ArrayList<>();
        List<String> timersNext = new ArrayList<>();
        StringBuilder how = new StringBuilder();
        int s = 0;
        int t = 0;
        for (boolean isSoon : kinds) {
            if (isSoon) {
                String name = "A" + s++;
                boolean startsTimer = random.nextBoolean();
                soonNow.add(name);
                soonNext.add(name + ".soon");
                if (startsTimer) {
                    timersNext.add(name + ".timer");
                }
                loop.callSoon(() -> {
                    ran.add(name + " (turn " + audit.polls() + ")");
                    loop.callSoon(() -> ran.add(name + ".soon (turn " + audit.polls() + ")"));
                    if (startsTimer) {
                        loop.callLater(Duration.ZERO, () -> ran.add(name + ".timer (turn " + audit.polls() + ")"));
                    }
                });
                how.append(" callSoon(").append(name).append(startsTimer
                        ? ", which queues " + name + ".soon and starts " + name + ".timer with delay 0);"
                        : ", which queues " + name + ".soon);");
            } else {
                String name = "T" + t++;
                timersNow.add(name);
                loop.callLater(Duration.ZERO, () -> ran.add(name + " (turn " + audit.polls() + ")"));
                how.append(" callLater(0, ").append(name).append(");");
            }
        }
        String script = "Before run():" + how.substring(0, how.length() - 1) + ".";
        rig.run(loop, audit, script);
        List<String> expected = new ArrayList<>();
        soonNow.forEach(name -> expected.add(name + " (turn 1)"));
        timersNow.forEach(name -> expected.add(name + " (turn 1)"));
        soonNext.forEach(name -> expected.add(name + " (turn 2)"));
        timersNext.forEach(name -> expected.add(name + " (turn 2)"));
        if (!ran.equals(expected)) {
            List<String> late = new ArrayList<>();
            timersNow.forEach(name -> late.add(name + " (turn 2)"));
            boolean timersLate = !timersNow.isEmpty() && ran.containsAll(late);
            fail(script + " The first turn's poll does not wait (a callback or a due timer is ready), the due"
                    + " timers join the queue behind the callbacks already there, and the turn runs them all;"
                    + " what those callbacks queue, timers of delay 0 included, waits for turn 2. Expected "
                    + expected + ", but the callbacks ran " + ran + "." + (timersLate ? " The timers due when turn"
                    + " 1 started ran only in turn 2: count the ready callbacks after the poll and the due timers,"
                    + " not before." : "") + " Polls' time-outs: " + audit.timeoutsText() + ".");
        }
    }

    /** A callback that queues its children, who queue theirs; the eldest line has a child in every generation. */
    private Runnable family(MiniLoop loop, Random random, String name, int generation, int generations,
                            List<List<String>> perTurn, List<String> ran, boolean eldest) {
        int children = generation + 1 < generations ? (eldest ? 1 : 0) + random.nextInt(3) : 0;
        List<Runnable> made = new ArrayList<>();
        for (int c = 0; c < children; c++) {
            String child = name + "." + c;
            perTurn.get(generation + 1).add(child);
            made.add(family(loop, random, child, generation + 1, generations, perTurn, ran, eldest && c == 0));
        }
        return () -> {
            ran.add(name);
            made.forEach(loop::callSoon);
        };
    }

    /** {@code count} names for callbacks: a random letter and the number of the name, a0, q1, c2, ... */
    private static List<String> names(Random random, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(Character.toString('a' + random.nextInt(26)) + i);
        }
        return names;
    }
}
