package dev.tutor.exercises.eventloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.eventloop.TestPollers.Audit;
import dev.tutor.runtime.poll.FakePoller;
import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The checks of watched channels (hint 3) for {@link MiniLoopTest}, on the fake poller, where a test makes a pipe's
 * channel ready at a chosen nanosecond: a ready channel's callback is queued in every turn it is ready, channels
 * ready together in the poller's order, and a callback queued by a turn's poll runs in it whatever an earlier
 * callback does to its channel. Each method is one round of its test. Not a test itself.
 */
final class ChannelChecks {
    private final LoopRig rig;
    private final FakeClock clock;
    private final FakePoller fake;

    ChannelChecks(LoopRig rig) {
        this.rig = rig;
        this.clock = rig.clock;
        this.fake = rig.fake;
    }

    /**
     * A channel ready from the start, unwatched after a few turns, and one that becomes writable later: the first
     * one's callback runs once a turn while it is ready, the second's once, and unwatch() reaches the poller.
     */
    void queuesAReadyChannelsCallbackEveryTurn(Random random) throws IOException {
        Audit audit = new Audit(fake, clock, 100);
        MiniLoop loop = rig.loop(audit);
        SelectableChannel reader = rig.channel(true);
        SelectableChannel writer = rig.channel(false);
        int readerTurns = 1 + random.nextInt(4);
        long writerAt = clock.nanoTime() + 1 + random.nextInt(4_000_000);
        List<String> ran = new ArrayList<>();
        List<Integer> turns = new ArrayList<>();
        fake.becomeReady(reader, SelectionKey.OP_READ);
        fake.becomeReadyAt(writerAt, writer, SelectionKey.OP_WRITE);
        int[] readerCalls = {0};
        loop.watch(reader, SelectionKey.OP_READ, () -> fail("watch() again should replace the channel's callback;"
                + " the first callback given for it ran after a second watch() replaced it."));
        loop.watch(reader, SelectionKey.OP_READ, () -> {
            ran.add("reader");
            turns.add(audit.polls());
            if (++readerCalls[0] == readerTurns) {
                fake.clear(reader, SelectionKey.OP_READ);
                loop.unwatch(reader);
            }
        });
        loop.watch(writer, SelectionKey.OP_WRITE, () -> {
            ran.add("writer@" + clock.nanoTime());
            loop.unwatch(writer);
        });
        assertEquals(SelectionKey.OP_WRITE, fake.interestOf(writer), "watch(channel, OP_WRITE, callback) should"
                + " ask the poller to watch the channel for OP_WRITE; the poller was asked for "
                + fake.interestOf(writer) + ".");
        String script = "A channel ready for reading from the start, whose callback drains it on its "
                + ordinal(readerTurns) + " call and unwatches it, and a channel that becomes writable at "
                + writerAt + " ns, whose callback unwatches it";
        rig.run(loop, audit, script);
        List<String> readerRuns = ran.stream().filter("reader"::equals).toList();
        assertEquals(readerTurns, readerRuns.size(), () -> script + ". The reader's callback should run " + readerTurns
                + " time(s), once per turn while the channel stays ready (level-triggered); it ran "
                + readerRuns.size() + " time(s). Polls' time-outs: " + audit.timeoutsText() + "." + (audit.polls() == 0
                ? " run() returned without a single poll, though two channels were watched and nothing else was"
                + " scheduled: a watched channel is work too, and keeps run() going until it is unwatched." : ""));
        for (int i = 0; i < turns.size(); i++) {
            int turn = i + 1;
            int seen = turns.get(i);
            assertEquals(turn, seen, () -> script + ". The reader's callback should run in turns 1 to " + readerTurns
                    + ", one run per turn; its run number " + turn + " was in turn " + seen + ".");
        }
        assertTrue(ran.contains("writer@" + writerAt), () -> script + ". The writer's callback should run once, at "
                + writerAt + " ns, when the poll reports the channel writable; the callbacks ran: " + ran + ".");
        assertTrue(!fake.isWatched(reader) && !fake.isWatched(writer), () -> script + ". After unwatch() the poller"
                + " should no longer watch the channel (Poller.forget); it still watches "
                + (fake.isWatched(reader) ? "the reader" : "the writer") + ".");
    }

    /**
     * Several channels watched with one and the same callback, all ready: each poll that reports them queues the
     * callback once per channel, so it runs as many times a turn as there are ready channels. Then an Error ends a
     * turn before that callback's runs, and the next poll reports the channels again: the leftovers and the new
     * ones all run. A loop that skips a callback already in the queue runs it fewer times.
     */
    void queuesOneCallbackOnceForEachReadyChannel(Random random) throws IOException {
        Audit audit = new Audit(fake, clock, 10);
        MiniLoop loop = rig.loop(audit);
        int count = 2 + random.nextInt(4);
        List<Integer> turns = new ArrayList<>();
        Runnable shared = () -> turns.add(audit.polls());
        List<SelectableChannel> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SelectableChannel channel = rig.channel(true);
            channels.add(channel);
            fake.becomeReady(channel, SelectionKey.OP_READ);
            loop.watch(channel, SelectionKey.OP_READ, shared);
        }
        String script = count + " channels watched with one and the same callback, all ready for reading and never"
                + " drained";
        for (int turn = 1; turn <= 2; turn++) {
            rig.runOnce(loop, audit, script + ", runOnce() number " + turn);
        }
        List<Integer> expected = new ArrayList<>();
        for (int turn = 1; turn <= 2; turn++) {
            for (int i = 0; i < count; i++) {
                expected.add(turn);
            }
        }
        assertEquals(expected, turns, () -> script + ". In every turn the poll reports the " + count + " channels"
                + " ready, and the callback of each is queued, once per channel, the same callback or not: it"
                + " should run " + count + " times in turn 1 and " + count + " in turn 2; the turns it ran in were "
                + turns + ".");

        turns.clear();
        MiniLoopTest.Boom boom = new MiniLoopTest.Boom("callback E gave up");
        loop.callSoon(() -> {
            throw boom;
        });
        Throwable left = null;
        try {
            loop.runOnce();
        } catch (MiniLoopTest.Boom e) {
            left = e;
        }
        Throwable seen = left;
        assertTrue(seen == boom, () -> script + ", then a callback E queued that throws an Error: runOnce() should"
                + " leave with it; " + (seen == null ? "it returned normally" : "it threw " + seen) + ".");
        rig.runOnce(loop, audit, script + ", then runOnce() again after E's Error");
        List<Integer> twice = new ArrayList<>();
        for (int i = 0; i < 2 * count; i++) {
            twice.add(audit.polls());
        }
        assertEquals(twice, turns, () -> script + ". A callback E queued before the poll threw an Error, so the "
                + count + " runs of the callback that poll had queued were left at the head of the queue. The next"
                + " poll reports the channels ready again and queues the callback " + count + " more times: that"
                + " turn should run it " + (2 * count) + " times, " + count + " left over and " + count + " new;"
                + " it ran " + turns.size() + " time(s)" + (turns.isEmpty() ? "" : ", in turns " + turns) + ".");
        // the fake poller serves the test's next rounds: these channels must not stay ready and watched there
        for (SelectableChannel channel : channels) {
            fake.clear(channel, SelectionKey.OP_READ);
            loop.unwatch(channel);
        }
    }

    /** Channels ready in the same poll have their callbacks queued in the poller's order, before the due timer. */
    void queuesChannelsReadyTogetherInThePollersOrder(Random random) throws IOException {
        Audit audit = new Audit(fake, clock, 10);
        MiniLoop loop = rig.loop(audit);
        int count = 2 + random.nextInt(5);
        List<SelectableChannel> channels = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        long at = 1 + random.nextInt(1_000_000);
        for (int i = 0; i < count; i++) {
            SelectableChannel channel = rig.channel(true);
            channels.add(channel);
            String name = "C" + i;
            fake.becomeReadyAt(clock.nanoTime() + at, channel, SelectionKey.OP_READ);
            loop.watch(channel, SelectionKey.OP_READ, () -> {
                ran.add(name);
                loop.unwatch(channel);
            });
        }
        String soon = "S";
        loop.callLater(Duration.ofNanos(at), () -> ran.add("timer"));
        loop.callSoon(() -> {
            ran.add(soon);
            clock.advanceNanos(at);
        });
        rig.run(loop, audit, count + " watched channels that all become ready at " + at + " ns, a timer due then too,"
                + " and a callback S that takes " + at + " ns");
        List<String> expected = new ArrayList<>(List.of(soon));
        for (Poller.Ready ready : audit.firstNonEmptyAnswer()) {
            expected.add("C" + channels.indexOf(ready.channel()));
        }
        expected.add("timer");
        assertEquals(expected, ran, () -> "S ran first and took " + at + " ns; then one poll returned "
                + count + " ready channels, and a timer was due. That turn should queue the channels' callbacks in"
                + " the order poll() returned them, then the due timer: " + expected + ". The callbacks ran "
                + ran + ".");
    }

    /**
     * Two channels ready together: whatever the first callback does to the other channel (unwatch it, or watch it
     * again with a new callback), the callback already queued runs in the same turn. Round 1, 5, 9 watch again,
     * 3 and 7 do not, and the even rounds draw which.
     */
    void runsAQueuedCallbackWhateverAnEarlierOneDoes(Random random, int round) throws IOException {
        Audit audit = new Audit(fake, clock, 10);
        MiniLoop loop = rig.loop(audit);
        boolean rewatch = round % 2 == 0 ? random.nextBoolean() : round % 4 == 1;
        SelectableChannel[] pair = {rig.channel(true), rig.channel(true)};
        String[] names = {"P", "Q"};
        List<String> ran = new ArrayList<>();
        int[] first = {-1};
        for (int i = 0; i < 2; i++) {
            int me = i;
            int other = 1 - i;
            fake.becomeReady(pair[me], SelectionKey.OP_READ);
            loop.watch(pair[me], SelectionKey.OP_READ, () -> {
                ran.add(names[me] + " (turn " + audit.polls() + ")");
                if (first[0] >= 0) {
                    return;     // the second of the pair: stays ready and watched
                }
                first[0] = me;
                fake.clear(pair[me], SelectionKey.OP_READ);
                loop.unwatch(pair[me]);
                if (rewatch) {
                    loop.watch(pair[other], SelectionKey.OP_READ, () -> {
                        ran.add(names[other] + "'s new callback (turn " + audit.polls() + ")");
                        fake.clear(pair[other], SelectionKey.OP_READ);
                        loop.unwatch(pair[other]);
                    });
                } else {
                    loop.unwatch(pair[other]);
                }
            });
        }
        String script = "Two watched channels, P and Q, ready together; the callback that runs first drains and"
                + " unwatches its own channel and " + (rewatch ? "watches the other again with a new callback"
                : "unwatches the other");
        rig.run(loop, audit, script);
        int one = Math.max(0, first[0]);
        List<String> expected = new ArrayList<>(List.of(names[one] + " (turn 1)", names[1 - one] + " (turn 1)"));
        if (rewatch) {
            expected.add(names[1 - one] + "'s new callback (turn 2)");
        }
        assertEquals(expected, ran, () -> script + ". Both callbacks were queued by turn 1's poll, so both run in"
                + " turn 1: what an earlier callback does to the other channel changes the turns that follow, not"
                + " the callback already queued" + (rewatch ? "; in turn 2 the still-ready channel's new callback"
                + " runs." : ".") + " Expected " + expected + "; the callbacks ran " + ran + ". Polls' time-outs: "
                + audit.timeoutsText() + ".");
    }

    /** 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st. */
    private static String ordinal(int n) {
        int tens = n % 100;
        int units = n % 10;
        String suffix = tens >= 11 && tens <= 13 ? "th" : units == 1 ? "st" : units == 2 ? "nd" : units == 3 ? "rd" : "th";
        return n + suffix;
    }
}
