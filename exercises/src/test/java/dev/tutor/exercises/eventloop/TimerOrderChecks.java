package dev.tutor.exercises.eventloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tutor.exercises.eventloop.TestPollers.Audit;
import dev.tutor.runtime.poll.FakePoller;
import dev.tutor.runtime.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The checks of the order timers run in (hint 2) for {@link MiniLoopTest}: by due time, and timers due at the same
 * nanosecond in the order they were started, with a failure that names the wrong order a loop used when it is a
 * common one. Each method with a {@link Random} is one round of its test. Not a test itself.
 */
final class TimerOrderChecks {
    private final LoopRig rig;
    private final FakeClock clock;
    private final FakePoller fake;

    TimerOrderChecks(LoopRig rig) {
        this.rig = rig;
        this.clock = rig.clock;
        this.fake = rig.fake;
    }

    /**
     * Timers with delays drawn from a pool of four (two short and often tied, one of a second or more, one
     * negative), started with the clock moving between some of them, run by due time, ties in start order, each
     * exactly when it is due; callLater's timer says its due time and that it is not cancelled.
     */
    void runsDrawnTimersInDueOrder(Random random) {
        Audit audit = new Audit(fake, clock, 100);
        MiniLoop loop = rig.loop(audit);
        // Two short delays (often tied), one of a second or more, one negative (due at once): every round
        // starts a timer with each of them, then more drawn from the same pool.
        long[] pool = {1 + random.nextInt(3_000_000), 1 + random.nextInt(3_000_000),
                1_000_000_000L + random.nextInt(2_000_000_000), -1 - random.nextInt(1_500_000_000)};
        List<Long> firsts = new ArrayList<>();
        for (long delay : pool) {
            firsts.add(delay);
        }
        Collections.shuffle(firsts, random);
        int count = pool.length + random.nextInt(9);
        List<Planned> planned = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        List<Long> ranAt = new ArrayList<>();
        StringBuilder how = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (random.nextBoolean()) {
                long step = random.nextInt(400_000);
                clock.advanceNanos(step);
                how.append(" clock +").append(step).append(" ns;");
            }
            long delay = i < firsts.size() ? firsts.get(i) : pool[random.nextInt(pool.length)];
            String name = "T" + i;
            long due = clock.nanoTime() + Math.max(0, delay);
            planned.add(new Planned(name, due, i));
            MiniLoop.Timer timer = loop.callLater(Duration.ofNanos(delay), () -> {
                ran.add(name);
                ranAt.add(clock.nanoTime());
            });
            how.append(" ").append(name).append(" in ").append(delay).append(" ns (due at ").append(due).append(");");
            assertTrue(!timer.isCancelled(), () -> "A timer just started by callLater(" + delay + " ns) says"
                    + " isCancelled() is true; only cancel() makes it so.");
            long now = clock.nanoTime();
            assertEquals(due, timer.dueNanos(), () -> "callLater(Duration.ofNanos(" + delay + ")) with the clock at "
                    + now + " should return a timer due at " + due + ", the clock's reading plus the delay"
                    + (delay < 0 ? " (a negative delay counts as zero)" : "") + "; it said " + timer.dueNanos()
                    + ", " + (timer.dueNanos() - now) + " ns from now.");
        }
        List<Planned> byDue = new ArrayList<>(planned);
        byDue.sort(Comparator.comparingLong(Planned::due).thenComparingInt(Planned::order));
        List<String> expected = byDue.stream().map(Planned::name).toList();
        long runStart = clock.nanoTime();
        String script = "Timers started, in this order (the clock moving between some of them):" + how
                + " run() called at " + runStart + " ns";
        rig.run(loop, audit, script);
        assertEquals(expected, ran, () -> script + ". They should run by due time, and timers due at the same"
                + " nanosecond in the order they were started: " + expected + ". They ran " + ran + "."
                + describeTimerOrder(byDue, ran));
        for (int i = 0; i < byDue.size(); i++) {
            Planned timer = byDue.get(i);
            long at = ranAt.get(i);
            long expectedAt = Math.max(timer.due(), runStart);
            assertEquals(expectedAt, at, () -> script + ". Timer " + timer.name() + " was due at " + timer.due()
                    + " ns" + (expectedAt > timer.due() ? ", before run() was called, so it should run in the first"
                    + " turn, at " + expectedAt + " ns," : "") + " and ran at " + at + " ns: " + (at < expectedAt
                    ? (expectedAt - at)
                    + " ns early. A timer runs only once the clock has reached its due time."
                    : (at - expectedAt) + " ns late. On this clock a poll with a time-out moves time exactly that far,"
                    + " so a time-out of the exact nanoseconds to the next timer makes it run on time."
                    + " Polls' time-outs: " + audit.timeoutsText()));
        }
    }

    /** A timer started first but due last, after three that tie, all overdue when run() begins. */
    void runsATimerStartedFirstButDueLastAfterThreeThatTie() {
        Audit audit = new Audit(fake, clock, 100);
        MiniLoop loop = rig.loop(audit);
        List<String> ran = new ArrayList<>();
        long start = clock.nanoTime();
        loop.callLater(Duration.ofMillis(3), () -> ran.add("A"));
        clock.advanceNanos(1_000_000);
        List<Planned> byDue = new ArrayList<>();
        for (String name : List.of("B", "C", "D")) {
            loop.callLater(Duration.ofMillis(1), () -> ran.add(name));
            byDue.add(new Planned(name, start + 2_000_000, byDue.size() + 1));
        }
        byDue.add(new Planned("A", start + 3_000_000, 0));
        // All four overdue when run() begins: its first turn must put them in order itself.
        clock.advanceNanos(4_000_000);
        List<String> expected = byDue.stream().map(Planned::name).toList();
        String script = "With the clock at " + start + " ns, A was started to run in 3 ms; 1 ms later B, C and D,"
                + " in that order, each to run in 1 ms, so that the three are due at the same nanosecond and 1 ms"
                + " before A; 4 ms later, with all four overdue, run() was called";
        rig.run(loop, audit, script);
        assertEquals(expected, ran, () -> script + ". They should run " + expected + ": by due time, and timers due"
                + " at the same nanosecond in the order they were started. They ran " + ran + "."
                + describeTimerOrder(byDue, ran));
    }

    /** Timers that tie with B, started by the last of the early timers to run, run after B. */
    void runsATieStartedLaterAfterTheOneThatWaited(Random random) {
        Audit audit = new Audit(fake, clock, 20);
        MiniLoop loop = rig.loop(audit);
        long start = clock.nanoTime();
        int early = 2 + random.nextInt(4);
        int late = 1 + random.nextInt(3);
        long tie = 10_000_000 + random.nextInt(10_000_000);
        // The early timers' delays, distinct and all before the tie; started in a shuffled order.
        List<Long> delays = new ArrayList<>();
        while (delays.size() < early) {
            long delay = 1 + random.nextInt(5_000_000);
            if (!delays.contains(delay)) {
                delays.add(delay);
            }
        }
        List<Long> byDue = new ArrayList<>(delays);
        Collections.sort(byDue);
        long lastDelay = byDue.get(early - 1);
        List<String> ran = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        StringBuilder how = new StringBuilder();
        for (int i = 0; i < early; i++) {
            String name = "X" + byDue.indexOf(delays.get(i));
            long delay = delays.get(i);
            boolean last = delay == lastDelay;
            loop.callLater(Duration.ofNanos(delay), () -> {
                ran.add(name);
                if (last) {
                    // Every early timer has run: only B waits.
                    for (int c = 0; c < late; c++) {
                        String lateName = "C" + c;
                        loop.callLater(Duration.ofNanos(start + tie - clock.nanoTime()), () -> ran.add(lateName));
                    }
                }
            });
            how.append(i == 0 ? "" : ", ").append(name).append(" due at ").append(start + delay);
        }
        loop.callLater(Duration.ofNanos(tie), () -> ran.add("B"));
        for (int i = 0; i < early; i++) {
            expected.add("X" + i);
        }
        expected.add("B");
        for (int c = 0; c < late; c++) {
            expected.add("C" + c);
        }
        String cs = late == 1 ? "C" + 0 : "C0 to C" + (late - 1);
        String script = "With the clock at " + start + " ns, timers " + how + " ns were started, in that order, then"
                + " B due at " + (start + tie) + " ns; X" + (early - 1) + ", the last of them to run, started "
                + cs + " due at " + (start + tie) + " ns too, the same nanosecond as B";
        rig.run(loop, audit, script);
        int b = ran.indexOf("B");
        boolean overtaken = b > 0 && ran.subList(0, b).stream().anyMatch(name -> name.startsWith("C"));
        assertEquals(expected, ran, () -> script + ". They should run " + expected + ": by due time, and timers"
                + " due at the same nanosecond in the order they were started, B before " + cs + ". They ran " + ran
                + "." + (overtaken ? " A timer started after B, once the early ones had run, ran before it. The"
                + " number that breaks ties must keep growing with every timer started, as a counter of its own"
                + " does; a count of the timers waiting, such as the heap's size, goes down as timers run and"
                + " gives a later timer a number an earlier one already holds, or a lower one." : ""));
    }

    /** A timer as a test planned it: its name, the time it is due, and the order it was started in. */
    private record Planned(String name, long due, int order) {
    }

    /**
     * The wrong order a run of timers followed, when it is a common one (latest due first, or the order they were
     * started in), as a sentence to add to the failure; "" when it is neither.
     */
    private static String describeTimerOrder(List<Planned> byDue, List<String> ran) {
        List<String> byStart = byDue.stream().sorted(Comparator.comparingInt(Planned::order)).map(Planned::name).toList();
        List<String> reversed = new ArrayList<>(byDue.stream().map(Planned::name).toList());
        Collections.reverse(reversed);
        if (ran.equals(reversed)) {
            return " That is latest due first: the timers are ordered the wrong way round"
                    + (ran.equals(byStart) ? " (here also the order they were started in)." : ".");
        }
        if (ran.equals(byStart)) {
            return " That is the order they were started in, not the order of their due times.";
        }
        return "";
    }
}
