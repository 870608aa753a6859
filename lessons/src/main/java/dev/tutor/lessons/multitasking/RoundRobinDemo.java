package dev.tutor.lessons.multitasking;

import dev.tutor.lessons.Prediction;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Lesson 2's demo: the same small tasks run twice, once taking turns on one thread (cooperative
 * multitasking) and once on platform threads that the kernel schedules (preemptive multitasking); then a
 * greedy task that never gives the thread back, first among cooperative tasks and then among threads.
 *
 * <p>Every step is recorded with its start and end, and a timeline shows, for each task, when it was
 * running a step ({@code #}) and when it had started but was waiting for its next turn ({@code .}).
 * The whole demo takes about a second and needs no network. When a person is at the terminal, each part
 * first asks the lesson's question about it, and prints the answer beside what it measured.
 */
public final class RoundRobinDemo {

    /** How much CPU time one ordinary step uses. */
    private static final long STEP_NANOS = 3_000_000;
    /** How long the greedy task computes without returning. */
    private static final long GREEDY_NANOS = 300_000_000;
    private static final int COLUMNS = 60;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile long blackhole;

    /** One step that ran: which task, which of its steps, on which thread, from when to when, how much CPU. */
    record StepRecord(String task, int step, int steps, String thread, long start, long end, long cpu) {
    }

    private RoundRobinDemo() {
    }

    public static void main(String[] args) throws InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        spin(50_000_000); // let the JIT compile the spin loops before anything is measured
        compute(50_000_000);

        System.out.println("1. Cooperative: tasks A, B and C take turns on one thread, from a FIFO queue.");
        System.out.println("   Each step computes until it has used 3 ms of CPU time, then returns true while its task"
                + " has more to do.");
        Optional<String> guess = Prediction.ask("In what order will the steps of A, B and C (4, 2 and 3 steps) run?");
        List<StepRecord> cooperative = cooperative(List.of(task("A", 4), task("B", 2), task("C", 3)));
        printSteps(cooperative);
        printTimeline(cooperative);
        Prediction.printBeside(guess, order(cooperative));

        System.out.println();
        System.out.println("2. Preemptive: the same tasks on three platform threads; the kernel decides who runs.");
        guess = Prediction.ask("Will the order of their steps be the same on every run?");
        List<StepRecord> threaded = onThreads(List.of(task("A", 4), task("B", 2), task("C", 3)));
        printSteps(threaded);
        printTimeline(threaded);
        System.out.println("   This machine has " + cores + " cores. A step whose wall time is well above its 3 ms of"
                + " CPU was paused partway");
        System.out.println("   by the kernel: preempted, though no line of it yields. Run the demo again: the order"
                + " changes, because the kernel chose it.");
        Prediction.printBeside(guess, order(threaded) + " this time; run the demo again and compare");

        System.out.println();
        System.out.println("3. A greedy task among cooperative ones: G computes for 300 ms in a single step.");
        guess = Prediction.ask("How long will A wait between two of its turns?");
        List<StepRecord> greedy = cooperative(List.of(task("A", 4), greedy("G"), task("B", 4)));
        System.out.println("   Order of steps: " + order(greedy));
        printTimeline(greedy);
        printLongestWaits(greedy, List.of("A", "B"));
        System.out.println("   Nobody can take the thread from G: the others wait until its step returns.");
        Prediction.printBeside(guess, String.format("A waited at most %.1f ms", longestWait(greedy, "A") / 1e6));

        System.out.println();
        System.out.println("4. Greedy threads: " + cores + " threads like G (one per core) next to A and B on threads.");
        guess = Prediction.ask("Will A and B finish before the greedy threads, or after?");
        List<String> greedyNames = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        tasks.add(task("A", 4));
        for (int i = 1; i <= cores; i++) {
            greedyNames.add("G" + i);
            tasks.add(greedy("G" + i));
        }
        tasks.add(task("B", 4));
        Map<String, Long> cpuNanos = Collections.synchronizedMap(new LinkedHashMap<>());
        List<StepRecord> greedyThreads = onThreads(tasks, cpuNanos);
        printTimeline(greedyThreads);
        printLongestWaits(greedyThreads, List.of("A", "B"));
        for (String name : greedyNames) {
            StepRecord step = greedyThreads.stream().filter(r -> r.task().equals(name)).findFirst().orElseThrow();
            long wall = step.end() - step.start();
            long cpu = cpuNanos.getOrDefault(name, 0L);
            System.out.printf("   %-3s spent %5.1f ms in its one step and ran on a core for %5.1f ms of it:"
                    + " %5.1f ms off the core, without ever yielding.%n",
                    name, wall / 1e6, cpu / 1e6, Math.max(0, wall - cpu) / 1e6);
        }
        System.out.println("   The kernel preempted the greedy threads to give A and B their turns.");
        long greedyDone = greedyNames.stream().mapToLong(name -> finishedAt(greedyThreads, name)).min().orElseThrow();
        Prediction.printBeside(guess, String.format("A finished at %.1f ms, B at %.1f ms, the first greedy thread at"
                + " %.1f ms", finishedAt(greedyThreads, "A") / 1e6, finishedAt(greedyThreads, "B") / 1e6,
                greedyDone / 1e6));
    }

    // ---- the two ways of running tasks ----

    /** A named task as a step function, plus how many steps it has, for printing. */
    record Task(String name, int steps, BooleanSupplier step) {
    }

    /** A task of {@code steps} steps, each computing until it has used {@link #STEP_NANOS} of CPU time. */
    static Task task(String name, int steps) {
        int[] done = {0};
        return new Task(name, steps, () -> {
            compute(STEP_NANOS);
            return ++done[0] < steps;
        });
    }

    /** A task with a single step that computes for {@link #GREEDY_NANOS} before it returns. */
    static Task greedy(String name) {
        return new Task(name, 1, () -> {
            spin(GREEDY_NANOS);
            return false;
        });
    }

    /** Round-robin on the calling thread: take from the head of the queue, one step, back to the tail. */
    static List<StepRecord> cooperative(List<Task> tasks) {
        Deque<Task> ready = new ArrayDeque<>(tasks);
        Map<String, Integer> stepsDone = new LinkedHashMap<>();
        List<StepRecord> records = new ArrayList<>();
        String thread = Thread.currentThread().getName();
        Task task;
        while ((task = ready.pollFirst()) != null) {       // Python: ready.popleft()
            int step = stepsDone.merge(task.name(), 1, Integer::sum);
            long start = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            boolean moreToDo = task.step().getAsBoolean();
            long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
            records.add(new StepRecord(task.name(), step, task.steps(), thread, start, System.nanoTime(), cpu));
            if (moreToDo) {
                ready.addLast(task);
            }
        }
        return records;
    }

    static List<StepRecord> onThreads(List<Task> tasks) throws InterruptedException {
        return onThreads(tasks, new LinkedHashMap<>());
    }

    /** Each task on its own platform thread, stepping in a loop that never yields on purpose. */
    static List<StepRecord> onThreads(List<Task> tasks, Map<String, Long> cpuNanos) throws InterruptedException {
        List<StepRecord> records = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (Task task : tasks) {
            threads.add(Thread.ofPlatform().name(task.name()).unstarted(() -> {
                long taskCpuStart = THREADS.getCurrentThreadCpuTime();
                boolean moreToDo = true;
                for (int step = 1; moreToDo; step++) {
                    long start = System.nanoTime();
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    moreToDo = task.step().getAsBoolean();
                    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
                    records.add(new StepRecord(task.name(), step, task.steps(), Thread.currentThread().getName(),
                            start, System.nanoTime(), cpu));
                }
                cpuNanos.put(task.name(), THREADS.getCurrentThreadCpuTime() - taskCpuStart);
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        List<StepRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingLong(StepRecord::start));
        return sorted;
    }

    // ---- printing ----

    private static void printSteps(List<StepRecord> records) {
        long origin = records.getFirst().start();
        System.out.println("     start     end    wall     cpu  task  step  thread");
        for (StepRecord r : records) {
            System.out.printf("   %5.1f ms %5.1f ms %5.1f ms %5.1f ms  %-4s  %d/%d   %s%n", (r.start() - origin) / 1e6,
                    (r.end() - origin) / 1e6, (r.end() - r.start()) / 1e6, r.cpu() / 1e6, r.task(), r.step(),
                    r.steps(), r.thread());
        }
        System.out.println("   Order of steps: " + order(records));
    }

    private static String order(List<StepRecord> records) {
        return String.join(" ", records.stream().map(StepRecord::task).toList());
    }

    /**
     * One row per task; each column is one instant, sampled at the middle of an equal share of the
     * whole run: '#' the task was inside a step, '.' it had started and not finished, ' ' otherwise.
     * A thread inside a step may still have been preempted; the CPU time of the steps says how busy the
     * cores really were.
     */
    private static void printTimeline(List<StepRecord> records) {
        long origin = records.stream().mapToLong(StepRecord::start).min().orElseThrow();
        long finish = records.stream().mapToLong(StepRecord::end).max().orElseThrow();
        double width = (finish - origin) / (double) COLUMNS;
        Map<String, List<StepRecord>> byTask = new LinkedHashMap<>();
        for (StepRecord r : records.stream().sorted(Comparator.comparing(StepRecord::task)).toList()) {
            byTask.computeIfAbsent(r.task(), k -> new ArrayList<>()).add(r);
        }
        int mostRunning = 0;
        int mostInProgress = 0;
        StringBuilder[] rows = new StringBuilder[byTask.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new StringBuilder();
        }
        for (int column = 0; column < COLUMNS; column++) {
            long instant = origin + (long) ((column + 0.5) * width);
            int running = 0;
            int inProgress = 0;
            int row = 0;
            for (List<StepRecord> steps : byTask.values()) {
                boolean isRunning = steps.stream().anyMatch(r -> r.start() <= instant && instant < r.end());
                long first = steps.stream().mapToLong(StepRecord::start).min().orElseThrow();
                long last = steps.stream().mapToLong(StepRecord::end).max().orElseThrow();
                boolean started = first <= instant && instant < last;
                rows[row++].append(isRunning ? '#' : started ? '.' : ' ');
                running += isRunning ? 1 : 0;
                inProgress += started ? 1 : 0;
            }
            mostRunning = Math.max(mostRunning, running);
            mostInProgress = Math.max(mostInProgress, inProgress);
        }
        System.out.printf("   Timeline, %.0f ms in all, one column per %.1f ms ('#' in a step, '.' waiting for its next"
                + " turn):%n",
                (finish - origin) / 1e6, width / 1e6);
        int row = 0;
        for (String task : byTask.keySet()) {
            System.out.printf("     %-3s |%s|%n", task, rows[row++]);
        }
        long cpu = records.stream().mapToLong(StepRecord::cpu).sum();
        System.out.printf("   Most tasks in a step at once: %d. Most in progress at once: %d. Cores busy on average:"
                + " %.1f (CPU time of all steps / wall time).%n", mostRunning, mostInProgress,
                cpu / (double) (finish - origin));
    }

    /** For each task, the longest time it spent between becoming able to run and running, and when it ended. */
    private static void printLongestWaits(List<StepRecord> records, List<String> tasks) {
        for (String task : tasks) {
            System.out.printf("   %s waited at most %5.1f ms for a turn and finished at %5.1f ms.%n",
                    task, longestWait(records, task) / 1e6, finishedAt(records, task) / 1e6);
        }
    }

    /** The longest time {@code task} spent between becoming able to run and running, in nanoseconds. */
    private static long longestWait(List<StepRecord> records, String task) {
        long previousEnd = records.stream().mapToLong(StepRecord::start).min().orElseThrow();
        long longest = 0;
        for (StepRecord r : records) {
            if (r.task().equals(task)) {
                longest = Math.max(longest, r.start() - previousEnd);
                previousEnd = r.end();
            }
        }
        return longest;
    }

    /** When {@code task}'s last step ended, in nanoseconds after the first step of all began. */
    private static long finishedAt(List<StepRecord> records, String task) {
        long origin = records.stream().mapToLong(StepRecord::start).min().orElseThrow();
        return records.stream().filter(r -> r.task().equals(task)).mapToLong(StepRecord::end).max().orElse(origin)
                - origin;
    }

    /** Keeps the calling thread computing until it has used {@code nanos} of CPU time, however long that takes. */
    private static void compute(long nanos) {
        long until = THREADS.getCurrentThreadCpuTime() + nanos;
        long sink = 0;
        while (THREADS.getCurrentThreadCpuTime() < until) {
            for (int i = 0; i < 2_000; i++) {
                sink += i * 31L ^ sink;
            }
        }
        blackhole = sink;
    }

    /** Keeps the calling thread computing for {@code nanos} of wall time, whether it is on a core or not. */
    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        long sink = 0;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 200; i++) {
                sink += i * 31L ^ sink;
            }
        }
        blackhole = sink;
    }
}
