package dev.tutor.lessons.gil;

import dev.tutor.lessons.Prediction;
import dev.tutor.runtime.gil.Gil;
import dev.tutor.runtime.gil.GilEvent;
import dev.tutor.runtime.gil.GilListener;
import dev.tutor.runtime.gil.GilOptions;
import dev.tutor.runtime.gil.GilStats;
import dev.tutor.runtime.gil.RefCount;
import dev.tutor.runtime.gil.Workloads;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lesson 5's demo: the same CPU-bound job on one thread and split over two, first under the simulated
 * GIL, then free-threaded (no GIL, like Java itself or PEP 703's build); the first few handovers of the
 * GIL, 5 ms apart; and a reference count that two threads break once the GIL is gone.
 *
 * <p>Run with {@code tutor demo gil}. Takes a few seconds. When started from a terminal it asks for a
 * prediction first; otherwise it only prints.
 */
public final class GilDemo {

    /** Steps of "Python" work in the whole job; one thread does them all, or two threads half each. */
    private static final long JOB_STEPS = 400_000_000L;
    /** Each timing is the best of this many runs, so that a moment of other work on the machine does not decide it. */
    private static final int TRIES = 2;
    /** Increments each thread makes to the shared reference count. */
    private static final int INCREFS_EACH = 1_000_000;
    /** How many GIL events of the traced run to print. */
    private static final int EVENTS_SHOWN = 10;
    /**
     * Steps per thread of the short run whose events are printed. It runs apart from the timed runs: a
     * GIL with a listener reads the clock on every check, which would slow the timed job down.
     */
    private static final long TRACED_STEPS_EACH = 1_000_000L;

    private GilDemo() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("Lesson 5: the GIL. A CPU-bound job of " + String.format(Locale.ROOT, "%,d", JOB_STEPS)
                + " steps, each a Gil.check() and a multiplication, like one bytecode of a Python loop.");
        System.out.println("It runs on one thread, then split in half over two threads, on this machine's "
                + Runtime.getRuntime().availableProcessors() + " cores.");
        Optional<String> withGilGuess = Prediction.ask("With the GIL, will two threads finish the job faster,"
                + " in the same time, or slower? (faster / same / slower)");

        Workloads.cpuBound(Gil.create(), 2, JOB_STEPS / 20); // warm up the JIT before timing anything
        Run withGil = timeJob(GilOptions.defaults());
        print("with the GIL", withGil);
        Prediction.printBeside(withGilGuess, withGil.verdict());

        Optional<String> freeGuess = Prediction.ask("And free-threaded, with no GIL at all? (faster / same / slower)");
        Run free = timeJob(GilOptions.defaults().freeThreaded());
        print("free-threaded", free);
        Prediction.printBeside(freeGuess, free.verdict());

        System.out.println();
        System.out.println("The first GIL handovers between two CPU-bound threads (ms after the first event):");
        List<GilEvent> firstEvents = new ArrayList<>();
        Gil traced = Gil.create();
        traced.addListener(firstEvents(firstEvents));
        Workloads.cpuBound(traced, 2, TRACED_STEPS_EACH);
        List<GilEvent> shown = List.copyOf(firstEvents);
        long origin = shown.isEmpty() ? 0 : shown.get(0).timeNanos();
        for (GilEvent event : shown) {
            System.out.printf(Locale.ROOT, "  %7.3f  %-15s %s%n",
                    (event.timeNanos() - origin) / 1e6, event.kind(), event.thread());
        }
        System.out.println("  A waiting thread waits one switch interval (5 ms), asks the holder to drop the GIL,"
                + " and takes it at the holder's next check.");

        System.out.println();
        System.out.println("A reference count that two threads each increment "
                + String.format(Locale.ROOT, "%,d", INCREFS_EACH) + " times (load, add, store):");
        for (boolean gilOn : new boolean[] {true, false}) {
            GilOptions options = gilOn ? GilOptions.defaults() : GilOptions.defaults().freeThreaded();
            RefCount.RaceResult race = RefCount.race(Gil.create(options), 2, INCREFS_EACH);
            System.out.printf(Locale.ROOT, "  %-14s expected %,d, got %,d: %,d increments lost%n",
                    gilOn ? "with the GIL" : "free-threaded", race.expected(), race.actual(), race.lostUpdates());
        }
        System.out.println("Without the GIL, two threads read the same count and both store count + 1."
                + " That is why CPython has a GIL,");
        System.out.println("and why its free-threaded build needs another way to count references.");
    }

    /** One job's timings: the whole job on one thread, then half on each of two. */
    private record Run(long oneThreadMillis, long twoThreadsMillis, GilStats twoThreadStats) {
        double speedUp() {
            return (double) oneThreadMillis / Math.max(1, twoThreadsMillis);
        }

        /** The answer to the question the demo asked, in its own words, with the number that decides it. */
        String verdict() {
            // Within a tenth either way is too close to call: one run's noise on a shared machine is that large.
            String word = speedUp() >= 1.1 ? "faster" : speedUp() <= 1 / 1.1 ? "slower" : "about the same";
            return String.format(Locale.ROOT, "%s on two threads (speed-up %.2fx)", word, speedUp());
        }
    }

    private static Run timeJob(GilOptions options) throws InterruptedException {
        Workloads.Result one = fastest(options, 1, JOB_STEPS);
        Workloads.Result two = fastest(options, 2, JOB_STEPS / 2);
        return new Run(one.elapsed().toMillis(), two.elapsed().toMillis(), two.stats());
    }

    /** The fastest of {@link #TRIES} runs, each on a new GIL. */
    private static Workloads.Result fastest(GilOptions options, int threads, long stepsEach)
            throws InterruptedException {
        Workloads.Result best = null;
        for (int i = 0; i < TRIES; i++) {
            Workloads.Result result = Workloads.cpuBound(Gil.create(options), threads, stepsEach);
            if (best == null || result.elapsed().compareTo(best.elapsed()) < 0) {
                best = result;
            }
        }
        return best;
    }

    /** Keeps the first few events, skipping the RUNNING heartbeats. */
    private static GilListener firstEvents(List<GilEvent> into) {
        return event -> {
            synchronized (into) {
                if (into.size() < EVENTS_SHOWN && event.kind() != GilEvent.Kind.RUNNING) {
                    into.add(event);
                }
            }
        };
    }

    private static void print(String label, Run run) {
        System.out.printf(Locale.ROOT, "  %-14s 1 thread %,6d ms   2 threads %,6d ms   speed-up %.2fx%n",
                label, run.oneThreadMillis(), run.twoThreadsMillis(), run.speedUp());
        GilStats stats = run.twoThreadStats();
        if (stats.checks() > 0) {
            System.out.printf(Locale.ROOT, "  %-14s %,d switches (%.0f per second), badness %.2f"
                            + " (%,d of %,d looks at the GIL found it taken)%n",
                    "", stats.switches(), stats.switchesPerSecond(), stats.badness(),
                    stats.failedAcquisitions(), stats.checks());
        } else {
            System.out.printf(Locale.ROOT, "  %-14s no GIL: no switches, nothing to wait for%n", "");
        }
    }
}
