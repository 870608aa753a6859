package dev.tutor.exercises.eventloop;

import static dev.tutor.exercises.eventloop.TestPollers.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.eventloop.MiniLoopTest.Boom;
import dev.tutor.exercises.eventloop.TestPollers.Audit;
import dev.tutor.runtime.poll.FakePoller;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The checks of when run() ends (hint 3) for {@link MiniLoopTest}: at once, without a turn, when nothing is left to
 * wait for; after the turn in which a callback calls stop(), keeping what is still queued for the next run(); and
 * never because of a stop() asked while no run() was going on, or of one whose run() an Error ended. Each method is
 * one round, or one part of a round, of its test. Not a test itself.
 */
final class RunEndChecks {
    private final LoopRig rig;
    private final FakeClock clock;
    private final FakePoller fake;

    RunEndChecks(LoopRig rig) {
        this.rig = rig;
        this.clock = rig.clock;
        this.fake = rig.fake;
    }

    /**
     * In a shuffled order, four loops with nothing left: a new one, one whose channels were unwatched, one whose
     * timers were cancelled, and one whose run() ran everything; run() on each returns without polling.
     */
    void returnsWithoutPollingWhenNothingIsLeft(Random random) throws IOException {
        List<Integer> kinds = new ArrayList<>(List.of(0, 1, 2, 3));
        Collections.shuffle(kinds, random);
        for (int kind : kinds) {
            Audit audit = new Audit(fake, clock, 20);
            MiniLoop loop = rig.loop(audit);
            String script;
            switch (kind) {
                case 0 -> script = "A new loop, with nothing queued, started or watched";
                case 1 -> {
                    int count = 1 + random.nextInt(4);
                    for (int i = 0; i < count; i++) {
                        SelectableChannel channel = rig.channel(true);
                        fake.becomeReadyAt(clock.nanoTime() + 1 + random.nextInt(1_000_000), channel,
                                SelectionKey.OP_READ);
                        loop.watch(channel, SelectionKey.OP_READ, () -> fail("the callback of a channel"
                                + " unwatched before run() ran"));
                        loop.unwatch(channel);
                    }
                    script = count + " channel(s) watched and then unwatched before run()";
                }
                case 2 -> {
                    int count = 1 + random.nextInt(4);
                    List<Long> delays = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        long delay = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(1_000_000_000);
                        delays.add(delay);
                        loop.callLater(Duration.ofNanos(delay), () -> fail("a cancelled timer ran")).cancel();
                    }
                    script = count + " timer(s), due in " + delays + " ns, all cancelled before run()";
                }
                default -> {
                    int soon = 1 + random.nextInt(3);
                    long delay = 1 + random.nextInt(1_000_000);
                    for (int i = 0; i < soon; i++) {
                        loop.callSoon(() -> { });
                    }
                    loop.callLater(Duration.ofNanos(delay), () -> { });
                    rig.run(loop, audit, soon + " callback(s) and a timer due in " + delay + " ns");
                    script = "A loop whose run() had run its " + soon + " callback(s) and its timer to the end,"
                            + " in " + audit.polls() + " turn(s)";
                }
            }
            int before = audit.polls();
            Throwable left = null;
            try {
                loop.run();
            } catch (RuntimeException | AssertionError e) {
                left = e; // the fake poller refuses to wait for ever: seen below as the poll it was
            }
            int polls = audit.polls() - before;
            List<Long> timeouts = List.copyOf(audit.timeouts.subList(before, audit.timeouts.size()));
            Throwable seen = left;
            boolean waitedForATimer = kind == 2 && timeouts.stream().anyMatch(t -> t >= 0);
            assertEquals(0, polls, () -> script + ", then run(): nothing was left (no callback ready, no timer"
                    + " that is not cancelled, no channel watched), so run() should return at once without"
                    + " polling. It took a turn anyway: it polled " + polls + " time(s), time-outs " + text(timeouts)
                    + (waitedForATimer ? ". A time-out of zero or more means the loop still counted a cancelled"
                    + " timer as waiting: a cancelled timer is no longer work, and neither keeps run() going nor"
                    + " decides a time-out." : (timeouts.stream().anyMatch(t -> t < 0) ? ", waiting without a"
                    + " limit for something that could never come" : "") + ". run() looks for work before every"
                    + " turn, the first one included, and takes none when there is nothing to wait for.")
                    + (seen == null ? "" : " (Then run() threw " + seen + ")"));
            assertTrue(seen == null, () -> script + ", then run() threw " + seen + " without polling.");
        }
    }

    /** A callback calls stop(): run() returns after that turn, and the next run() runs what is still queued. */
    void stopEndsRunAfterItsTurn(Random random) {
        Audit audit = new Audit(fake, clock, 10);
        MiniLoop loop = rig.loop(audit);
        List<String> ran = new ArrayList<>();
        int after = random.nextInt(4);
        long delay = 1 + random.nextInt(1_000_000);
        loop.callSoon(() -> {
            ran.add("stopper");
            loop.stop();
            loop.callSoon(() -> ran.add("queued-by-stopper"));
        });
        for (int i = 0; i < after; i++) {
            String name = "same-turn-" + i;
            loop.callSoon(() -> ran.add(name));
        }
        loop.callLater(Duration.ofNanos(delay), () -> ran.add("timer"));
        String script = "A callback that calls stop() and queues another, " + after + " more callbacks queued behind"
                + " it, and a timer due in " + delay + " ns";
        rig.run(loop, audit, script);
        List<String> firstRun = List.copyOf(ran);
        List<String> expected = new ArrayList<>(List.of("stopper"));
        for (int i = 0; i < after; i++) {
            expected.add("same-turn-" + i);
        }
        assertEquals(expected, firstRun, () -> script + ": run() should finish the turn (the callbacks already"
                + " ready run) and then return; it ran " + firstRun + ", polls' time-outs " + audit.timeoutsText()
                + ".");
        assertEquals(1, audit.timeouts.size(), () -> script + ": stop() ends run() after the one turn; it polled "
                + audit.timeouts.size() + " times.");
        rig.run(loop, audit, "run() called again after the stop");
        expected.add("queued-by-stopper");
        expected.add("timer");
        assertEquals(expected, ran, () -> script + ": what was still queued when run() returned should run when"
                + " run() is called again, and run() should not stop again at once: " + expected + "; ran " + ran
                + ".");
    }

    /**
     * stop() while no run() is going on does nothing: called before run() (odd rounds), or by a callback of a
     * runOnce() called directly (even rounds).
     */
    void stopWithNoRunGoingOnDoesNothing(Random random, int round) {
        boolean direct = round % 2 == 0;
        Audit audit2 = new Audit(fake, clock, 10);
        MiniLoop loop2 = rig.loop(audit2);
        List<String> ran2 = new ArrayList<>();
        int chain = 1 + random.nextInt(3);
        Runnable[] link = new Runnable[chain + 1];
        link[chain] = () -> ran2.add("X" + chain);
        for (int i = chain - 1; i >= 0; i--) {
            int number = i;
            link[i] = () -> {
                ran2.add("X" + number);
                loop2.callSoon(link[number + 1]);
            };
        }
        String script2;
        if (direct) {
            loop2.callSoon(() -> {
                ran2.add("S");
                loop2.stop();
                loop2.callSoon(link[0]);
            });
            rig.runOnce(loop2, audit2, "runOnce() called directly on a loop whose only callback calls stop()");
            script2 = "A callback S called stop() in a runOnce() called directly and queued X0; " + queueChain(chain)
                    + "; then run() was called";
        } else {
            loop2.stop();
            loop2.callSoon(link[0]);
            script2 = "stop() was called before run(), on a loop with X0 queued; " + queueChain(chain);
        }
        rig.run(loop2, audit2, script2);
        List<String> all = new ArrayList<>();
        if (direct) {
            all.add("S");
        }
        for (int i = 0; i <= chain; i++) {
            all.add("X" + i);
        }
        assertEquals(all, ran2, () -> script2 + ". stop() asks the run() in progress to return; with none in"
                + " progress it does nothing, so this run() should run everything: " + all + ". It ran " + ran2
                + ", polls' time-outs " + audit2.timeoutsText() + ".");
    }

    /**
     * A stop() asked in a turn that an Error then leaves: the stop belonged to the run() the Error ended, and the
     * next run() runs as usual. A loop that resets its stop flag only on the way out of a normal return, and not
     * when run() starts either, keeps it set and returns from that next run() at once.
     */
    void stopThenAnError(Random random, boolean stopperThrows) {
        Audit audit = new Audit(fake, clock, 10);
        MiniLoop loop = rig.loop(audit);
        List<String> ran = new ArrayList<>();
        Boom boom = new Boom(stopperThrows ? "callback S gave up" : "callback E gave up");
        int between = stopperThrows ? 0 : random.nextInt(3);
        int left = 1 + random.nextInt(3);
        List<String> first = new ArrayList<>();
        StringBuilder how = new StringBuilder("S, which calls stop()");
        first.add("S");
        loop.callSoon(() -> {
            ran.add("S");
            loop.stop();
            if (stopperThrows) {
                throw boom;
            }
        });
        if (stopperThrows) {
            how.append(" and then throws an Error (").append(boom).append(")");
        } else {
            for (int i = 0; i < between; i++) {
                String name = "B" + i;
                first.add(name);
                loop.callSoon(() -> ran.add(name));
                how.append(", ").append(name);
            }
            first.add("E");
            loop.callSoon(() -> {
                ran.add("E");
                throw boom;
            });
            how.append(", E, which throws an Error (").append(boom).append(")");
        }
        List<String> second = new ArrayList<>();
        for (int i = 0; i < left; i++) {
            String name = "X" + i;
            second.add(name);
            boolean queues = i == 0;
            loop.callSoon(() -> {
                ran.add(name);
                if (queues) {
                    loop.callSoon(() -> ran.add("Y"));
                }
            });
            how.append(", ").append(name).append(queues ? " (which queues Y)" : "");
        }
        second.add("Y");
        String script = "Callbacks " + how + ", all queued before run()";
        Throwable thrown = null;
        try {
            loop.run();
        } catch (Throwable t) {
            thrown = t;
        }
        Throwable seen = thrown;
        assertTrue(seen == boom, () -> script + ": the Error should leave run() as it is; " + (seen == null
                ? "run() returned normally" : "run() threw " + seen) + ", and the callbacks ran " + ran + ".");
        assertEquals(first, ran, () -> script + ": run() should leave at the Error, the callbacks behind it not run;"
                + " they ran " + ran + ".");
        int before = audit.polls();
        rig.run(loop, audit, script + "; run() left with the Error, and was called again");
        List<String> again = List.copyOf(ran.subList(first.size(), ran.size()));
        int polls = audit.polls() - before;
        assertEquals(second, again, () -> script + ". run() left with the Error, and was called again. The stop() was"
                + " asked of the run() that the Error ended, so this run() should run as usual: what was still queued,"
                + " and then what that queues, " + second + ". It ran " + (again.isEmpty() ? "nothing" : again)
                + (polls == 0 ? " and returned without polling, with " + second.get(0) + " queued, as if that stop"
                + " still held: a stop ends with its run(), however that run() leaves." : " in " + polls
                + " turn(s), polls' time-outs " + audit.timeoutsText() + "."));
    }

    /** How the stop test's chain X0, X1, ... X{@code last} queues itself, in words that fit one link or more. */
    private static String queueChain(int last) {
        return last == 1 ? "X0 queues X1" : "X0 to X" + (last - 1) + " each queue the next, up to X" + last;
    }
}
