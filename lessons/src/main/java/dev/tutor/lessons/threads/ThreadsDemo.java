package dev.tutor.lessons.threads;

import dev.tutor.lessons.Prediction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo of lesson 4, "Threads": the thread that runs {@code main}, the threads a bare JVM already has,
 * a worker that says hello, two threads sharing one console, and a counter that loses updates.
 *
 * <p>Why it exists: every claim of the lesson is one section of this output, so a reader can check each
 * of them on their own machine. It runs for well under a second, uses no network, and prints only.
 *
 * <p>Run it with {@code tutor demo threads}; run it twice and compare the interleaved lines and the
 * lost-update totals, which change from run to run. When a person is at the terminal, it asks for the
 * lesson's two predictions, each just before the section that measures it, and prints each beside the
 * measurement.
 */
public final class ThreadsDemo {
    /** How many items each of the two adders processes, adding one to the shared counters per item. */
    private static final int INCREMENTS = 1_000_000;
    /** How often the counting experiment runs at least, and at most: a race does not strike every time. */
    private static final int MIN_ROUNDS = 3;
    private static final int MAX_ROUNDS = 6;
    /** How many lines each of the two talking threads prints. */
    private static final int LINES = 5;

    /** The lost-update counter: a plain field, read and written by two threads with no lock. */
    private static int plainCount;
    /** The same count kept right: every increment is one indivisible step. */
    private static final AtomicLong atomicCount = new AtomicLong();
    /** Where the adders leave their checksums, so that the JIT compiler cannot discard their work. */
    private static volatile long blackhole;

    private ThreadsDemo() {
    }

    public static void main(String[] args) throws Exception {
        showMainThread();
        Optional<String> threadsGuess = Prediction.ask("How many threads are alive in a JVM that has done nothing"
                + " but enter main?");
        int alive = showThreadsAlive();
        Prediction.printBeside(threadsGuess, alive + " threads alive");
        workerSaysHello();
        twoThreadsTalk();
        Optional<String> counterGuess = Prediction.ask(String.format("Two threads each add 1 to a plain int field"
                + " %,d times. What will the field show?", INCREMENTS));
        List<Integer> plainTotals = loseUpdates();
        Prediction.printBeside(counterGuess, String.format("the plain int field showed %s (expected %,d)",
                String.join("; ", plainTotals.stream().map(total -> String.format("%,d", total)).toList()),
                2L * INCREMENTS));
    }

    private static void showMainThread() {
        Thread me = Thread.currentThread();
        heading("The thread that runs main()");
        System.out.printf("name %s, id %d, group %s, virtual: %b%n",
                quoted(me.getName()), me.threadId(), quoted(me.getThreadGroup().getName()), me.isVirtual());
    }

    /** Lists the live threads and returns how many there are. */
    private static int showThreadsAlive() {
        heading("Threads alive in this JVM");
        List<Thread> all = Thread.getAllStackTraces().keySet().stream()
                .sorted(Comparator.comparingLong(Thread::threadId)).toList();
        System.out.println("Thread.getAllStackTraces().size(): " + all.size());
        for (Thread t : all) {
            ThreadGroup group = t.getThreadGroup(); // once: a thread that has ended since the list has none
            System.out.printf("  %-20s daemon: %-5b  group %s%n",
                    t.getName(), t.isDaemon(), group == null ? "-" : group.getName());
        }
        System.out.println("Thread.activeCount():              " + Thread.activeCount()
                + "   (only the caller's group, " + quoted(Thread.currentThread().getThreadGroup().getName()) + ")");
        return all.size();
    }

    private static void workerSaysHello() throws InterruptedException {
        heading("A worker says hello");
        String parent = Thread.currentThread().getName();
        Thread worker = new Thread(() -> System.out.printf("hello from %s, started by %s%n",
                quoted(Thread.currentThread().getName()), quoted(parent)), "worker-1");
        System.out.println("before start(): " + worker.getState());
        worker.start();
        worker.join();
        System.out.println("after join():   " + worker.getState());
    }

    private static void twoThreadsTalk() throws InterruptedException {
        heading("Two threads, one console (run it again: the order changes)");
        CyclicBarrier together = new CyclicBarrier(2);
        Thread left = new Thread(() -> talk(together, "left "), "left");
        Thread right = new Thread(() -> talk(together, "right"), "right");
        left.start();
        right.start();
        left.join();
        right.join();
    }

    /** Waits for the other talker, then prints its lines with a short pause after each. */
    private static void talk(CyclicBarrier together, String who) {
        try {
            together.await(5, TimeUnit.SECONDS);
            for (int line = 1; line <= LINES; line++) {
                System.out.println(who + " line " + line);
                Thread.sleep(1);
            }
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            System.out.println(who + " gave up: " + e);
        }
    }

    /**
     * Runs the two counters side by side, round after round: at least {@link #MIN_ROUNDS}, and more, up
     * to {@link #MAX_ROUNDS}, until the plain counter has lost updates in some round. A race loses updates
     * only when the timing goes wrong, and on a busy machine it now and then goes right. Returns what the
     * plain counter showed in each round.
     */
    private static List<Integer> loseUpdates() throws InterruptedException {
        long expected = 2L * INCREMENTS;
        heading(String.format("Two threads each process %,d items and add 1 to a counter per item (expected %,d)",
                INCREMENTS, expected));
        boolean lostAny = false;
        List<Integer> plainTotals = new ArrayList<>();
        for (int round = 1; round <= MAX_ROUNDS && (round <= MIN_ROUNDS || !lostAny); round++) {
            plainCount = 0;
            runTwice(() -> {
                long checksum = 0;
                for (int item = 0; item < INCREMENTS; item++) {
                    checksum += process(item);
                    plainCount++;                      // read, add one, write back: three steps
                }
                blackhole = checksum;
            });
            atomicCount.set(0);
            runTwice(() -> {
                long checksum = 0;
                for (int item = 0; item < INCREMENTS; item++) {
                    checksum += process(item);
                    atomicCount.incrementAndGet();     // one indivisible step
                }
                blackhole = checksum;
            });
            plainTotals.add(plainCount);
            long lost = expected - plainCount;
            lostAny |= lost != 0;
            System.out.printf("round %-2d  plain int field %,11d   AtomicLong %,11d%s%n", round, plainCount,
                    atomicCount.get(), lost == 0 ? "" : String.format("   <- %,d updates lost", lost));
        }
        if (!lostAny) {
            System.out.println("No update was lost this time: the timing never let the two adders collide,"
                    + " which happens now and then on a busy machine. Run the demo again.");
        }
        return plainTotals;
    }

    /**
     * The small piece of work each adder does per item before it counts it: a few rounds of bit mixing,
     * some nanoseconds. A loop that does nothing but add finishes in well under a millisecond once the JIT
     * compiler has compiled it, so one thread is often done before the other gets a core, and the race
     * hides; a little work per item keeps both threads adding at the same time, as in a real program.
     */
    private static long process(long item) {
        long x = item + 0x9E3779B97F4A7C15L;
        for (int round = 0; round < 10; round++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /** Runs {@code work} on two threads that start together, and waits for both. */
    private static void runTwice(Runnable work) throws InterruptedException {
        CyclicBarrier together = new CyclicBarrier(2);
        Runnable task = () -> {
            try {
                together.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("the two adders did not start together", e);
            }
            work.run();
        };
        Thread first = new Thread(task, "adder-1");
        Thread second = new Thread(task, "adder-2");
        first.start();
        second.start();
        first.join();
        second.join();
    }

    private static void heading(String title) {
        System.out.println();
        System.out.println("== " + title);
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }
}
