package dev.tutor.exercises.eventloop;

import static dev.tutor.exercises.eventloop.TestPollers.text;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.eventloop.TestPollers.Audit;
import dev.tutor.runtime.time.FakeClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A random script of callbacks for {@link MiniLoopTest}'s test of the whole loop (hint 4): callbacks that queue
 * callbacks, start timers, cancel them, take time, throw and stop the loop, played on a {@link Model} of the
 * specification and on the learner's loop ({@link Real}), so that {@link #compare} can set the two side by side.
 * What one callback of a script does is drawn from its own seed, so that the model and the loop agree. Not a test
 * itself.
 */
abstract class LoopScript {
    static final int MOST_CALLBACKS = 120;
    final long base;
    final List<String> trace = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final List<Object> timers = new ArrayList<>();
    final long[] delays;
    int created;

    LoopScript(long base) {
        this.base = base;
        Random setup = new Random(base);
        delays = new long[] {setup.nextInt(2_000_000), setup.nextInt(2_000_000), 1 + setup.nextInt(500_000)};
    }

    abstract void soon(Runnable callback);

    abstract Object later(long delayNanos, Runnable callback);

    abstract long due(Object timer);

    abstract void cancel(Object timer);

    abstract void advance(long nanos);

    abstract void stop();

    abstract long now();

    abstract int turnNumber();

    /** The actions of callback {@code id} (0: what is done before the first run()). */
    void perform(int id) {
        Random r = new Random(base ^ (id * 0x9E3779B97F4A7C15L));
        int actions = id == 0 ? 4 + r.nextInt(5) : r.nextInt(4);
        for (int a = 0; a < actions; a++) {
            int kind = r.nextInt(20);
            if (kind < 7) {
                if (created < MOST_CALLBACKS) {
                    int child = ++created;
                    trace.add("#" + id + " callSoon(#" + child + ")");
                    soon(callback(child));
                }
            } else if (kind < 13) {
                if (created < MOST_CALLBACKS) {
                    int child = ++created;
                    long delay = r.nextInt(5) == 0 ? 0 : delays[r.nextInt(delays.length)] + (r.nextBoolean() ? 0
                            : r.nextInt(300_000));
                    Object timer = later(delay, callback(child));
                    timers.add(timer);
                    trace.add("#" + id + " callLater(" + delay + " ns, #" + child + ") due at " + due(timer));
                }
            } else if (kind < 16) {
                if (!timers.isEmpty()) {
                    int which = r.nextInt(timers.size());
                    trace.add("#" + id + " cancels timer " + (which + 1));
                    cancel(timers.get(which));
                }
            } else if (kind < 19) {
                long took = r.nextInt(1_500_000);
                advance(took);
            } else if (id != 0 && r.nextInt(3) == 0) {
                trace.add("#" + id + " stop()");
                stop();
            }
        }
        if (id != 0 && r.nextInt(8) == 0) {
            failures.add("#" + id + " failed");
            throw new IllegalStateException("#" + id + " failed");
        }
    }

    Runnable callback(int id) {
        return () -> {
            trace.add("#" + id + " ran at " + now() + " ns in turn " + turnNumber());
            perform(id);
        };
    }

    /** The specification, written as plainly as possible; its clock moves as the fake poller's would. */
    static final class Model extends LoopScript {
        private record ModelTimer(long due, long sequence, Runnable callback, boolean[] cancelled) {
        }

        final List<Long> timeouts = new ArrayList<>();
        private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
        private final List<ModelTimer> heap = new ArrayList<>();
        private long clock;
        private long sequence;
        private boolean stopping;
        int runs;

        Model(long base) {
            super(base);
        }

        void play() {
            perform(0);
            do {
                runs++;
                stopping = false;
                while (!stopping && (!ready.isEmpty() || !heap.isEmpty())) {
                    turn();
                }
            } while (!ready.isEmpty() || !heap.isEmpty());
        }

        private void turn() {
            heap.sort(Comparator.comparingLong(ModelTimer::due).thenComparingLong(ModelTimer::sequence));
            long timeout = !ready.isEmpty() ? 0 : Math.max(0, heap.get(0).due() - clock);
            timeouts.add(timeout);
            clock += timeout;
            while (!heap.isEmpty() && heap.get(0).due() <= clock) {
                ModelTimer timer = heap.remove(0);
                ready.addLast(() -> {
                    if (!timer.cancelled()[0]) {
                        timer.callback().run();
                    }
                });
            }
            for (int n = ready.size(); n > 0; n--) {
                try {
                    ready.pollFirst().run();
                } catch (IllegalStateException expected) {
                    // the script's failure, already recorded
                }
            }
        }

        @Override
        void soon(Runnable callback) {
            ready.addLast(callback);
        }

        @Override
        Object later(long delayNanos, Runnable callback) {
            ModelTimer timer = new ModelTimer(clock + delayNanos, sequence++, callback, new boolean[1]);
            heap.add(timer);
            return timer;
        }

        @Override
        long due(Object timer) {
            return ((ModelTimer) timer).due();
        }

        @Override
        void cancel(Object timer) {
            ((ModelTimer) timer).cancelled()[0] = true;
            heap.remove(timer);
        }

        @Override
        void advance(long nanos) {
            clock += nanos;
        }

        @Override
        void stop() {
            stopping = true;
        }

        @Override
        long now() {
            return clock;
        }

        @Override
        int turnNumber() {
            return timeouts.size();
        }
    }

    /** The same script on the learner's loop, the fake clock and the audited fake poller. */
    static final class Real extends LoopScript {
        private final MiniLoop loop;
        private final Audit audit;
        private final FakeClock clock;
        private final long origin;

        Real(long base, MiniLoop loop, Audit audit, FakeClock clock) {
            super(base);
            this.loop = loop;
            this.audit = audit;
            this.clock = clock;
            this.origin = clock.nanoTime();
        }

        /** Plays the script, calling run() {@code runs} times through {@code run}, the test's runner. */
        void play(int runs, Consumer<String> run) {
            perform(0);
            for (int i = 0; i < runs; i++) {
                run.accept("A random script of callSoon, callLater, cancel and stop (run "
                        + (i + 1) + " of " + runs + ")");
            }
        }

        @Override
        void soon(Runnable callback) {
            loop.callSoon(callback);
        }

        @Override
        Object later(long delayNanos, Runnable callback) {
            return loop.callLater(Duration.ofNanos(delayNanos), callback);
        }

        @Override
        long due(Object timer) {
            return ((MiniLoop.Timer) timer).dueNanos() - origin;
        }

        @Override
        void cancel(Object timer) {
            ((MiniLoop.Timer) timer).cancel();
        }

        @Override
        void advance(long nanos) {
            clock.advanceNanos(nanos);
        }

        @Override
        void stop() {
            loop.stop();
        }

        @Override
        long now() {
            return clock.nanoTime() - origin;
        }

        @Override
        int turnNumber() {
            return audit.polls();
        }
    }

    /**
     * Fails, showing where the two went apart and both loops' time-outs, unless the loop's {@code actual} entries
     * are the model's {@code expected} ones.
     */
    static <T> void compare(String what, List<T> expected, List<T> actual, Model model, Audit audit) {
        int same = 0;
        while (same < expected.size() && same < actual.size() && expected.get(same).equals(actual.get(same))) {
            same++;
        }
        if (same == expected.size() && same == actual.size()) {
            return;
        }
        // Up to five agreeing entries before the first that differs, for context, and up to three after it.
        int from = Math.max(0, same - 5);
        String where = same == 0 ? "They part at the first entry of the " + what + "."
                : (same == 1 ? "The first entry of the " + what + " is the same;" : "The first " + same
                + " entries of the " + what + " are the same;") + " they part at entry " + (same + 1) + ".";
        fail("A random script (callbacks that queue callbacks, start timers, cancel them, take time, throw, stop the"
                + " loop) went differently from the specification. " + where + " From entry " + (from + 1)
                + " on, expected:\n  " + String.join("\n  ", slice(expected, from, same + 4))
                + "\nbut was:\n  " + String.join("\n  ", slice(actual, from, same + 4))
                + "\nThe specification's time-outs: " + text(model.timeouts) + "; your loop's: " + audit.timeoutsText()
                + ".");
    }

    /** Entries {@code from} to {@code to} (exclusive, 0-based) of {@code list}, each with its number from 1. */
    private static <T> List<String> slice(List<T> list, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < Math.min(to, list.size()); i++) {
            out.add((i + 1) + ". " + list.get(i));
        }
        out.add(to < list.size() ? "..." : "(end)");
        return out;
    }
}
