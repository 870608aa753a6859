package dev.tutor.exercises.multitasking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A cooperative scheduler that shows what a greedy task costs the others. It takes turns as a round-robin
 * does, times every step by the clock it is given, and reports both sides of a greedy step: the step that
 * held the thread too long, and how long each task waited for its turns.
 *
 * <p>A cooperative scheduler cannot take the thread back from a step: while one step computes, every other
 * task waits, and nothing can stop it. So this scheduler stops no task and cuts no step short. What it can
 * do is notice afterwards, as asyncio's event loop does in debug mode, where it logs every callback or task
 * step that ran for {@code loop.slow_callback_duration} (100 ms by default) or longer.
 *
 * <p>The rules, all by the clock given to the constructor:
 * <ul>
 * <li>A step's time runs from just before its {@code step()} call to just after the call returns. A step
 *     whose time is {@code budgetMillis} or more is slow, and is reported as a {@link SlowStep} with its
 *     task's name and that time.
 * <li>A task is ready from the moment {@link #spawn} queues it (even in the middle of another task's step)
 *     and, after each of its steps that returns {@code true}, from the moment that step returned. Each time
 *     its turn comes, it has waited from then until its step began. When the task finishes, its longest such
 *     wait is reported as a {@link LongestWait}.
 * </ul>
 *
 * <p>Turns are taken as in a round-robin: the ready queue is first in, first out, one step per turn, a task
 * with more to do goes to the back, and a task spawned during a step waits behind the tasks already queued.
 * Task names are labels for the report: two tasks may share a name, and each is reported on its own.
 * Everything happens on the thread that calls {@link #spawn} and {@link #run}; no other threads. If a step
 * throws, {@link #run} throws that same exception at once.
 *
 * <p>Exercise: complete {@link #spawn} and {@link #run}. Leave {@link Step}, {@link SlowStep},
 * {@link LongestWait}, {@link Report} and the constructor as they are; the tests use them. The private parts
 * are yours to change.
 */
public final class BudgetedScheduler {

    /** One task, written as a function that does the next small piece of its work each time it is called. */
    @FunctionalInterface
    public interface Step {
        /**
         * Does the task's next piece of work.
         *
         * @return {@code true} if the task has more to do, {@code false} when it has finished
         */
        boolean step();
    }

    /** One step that held the thread for the budget or longer: the task it belonged to, and its time. */
    public record SlowStep(String task, long millis) {
    }

    /** The longest one task waited in the ready queue for a turn, from ready until its step began. */
    public record LongestWait(String task, long millis) {
    }

    /**
     * What {@link #run} saw.
     *
     * @param trace        the name of the task whose step ran, once per step, in the order the steps ran
     * @param slowSteps    every step whose time was the budget or more, in the order they ran
     * @param longestWaits one for every task, in the order the tasks finished
     */
    public record Report(List<String> trace, List<SlowStep> slowSteps, List<LongestWait> longestWaits) {
        public Report {
            trace = List.copyOf(trace);
            slowSteps = List.copyOf(slowSteps);
            longestWaits = List.copyOf(longestWaits);
        }
    }

    /** A task in the ready queue. */
    private static final class Task {
        final String name;
        final Step step;

        Task(String name, Step step) {
            this.name = Objects.requireNonNull(name, "name");
            this.step = Objects.requireNonNull(step, "step");
        }
    }

    private final LongSupplier clockMillis;
    private final long budgetMillis;
    /** The tasks waiting for their turn. */
    private final Deque<Task> ready = new ArrayDeque<>();

    /**
     * @param clockMillis  the clock to time steps and waits with, in milliseconds, for example
     *                     {@code () -> System.nanoTime() / 1_000_000}; tests pass a fake clock
     * @param budgetMillis the shortest step that counts as slow, at least 1 ms
     */
    public BudgetedScheduler(LongSupplier clockMillis, long budgetMillis) {
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        if (budgetMillis < 1) {
            throw new IllegalArgumentException("budgetMillis < 1: " + budgetMillis);
        }
        this.budgetMillis = budgetMillis;
    }

    /**
     * Adds a task to the back of the ready queue; it is ready from now, by the clock. It may be called before
     * {@link #run} and also from inside a step while the scheduler runs.
     *
     * @throws NullPointerException if {@code name} or {@code step} is null
     */
    public void spawn(String name, Step step) {
        // TODO: put a new Task at the back of the ready queue, and remember when it became ready.
    }

    /** Runs every task to its end, one step per turn, on the calling thread, and reports what it saw. */
    public Report run() {
        List<String> trace = new ArrayList<>();
        List<SlowStep> slowSteps = new ArrayList<>();
        List<LongestWait> longestWaits = new ArrayList<>();
        // TODO: take turns as a round-robin does: the task at the front of the queue runs one step, and goes
        //       to the back if it has more to do. Record each turn in the trace.
        // TODO: time each step, and add a SlowStep for every step that took budgetMillis or longer.
        // TODO: find out how long the task waited for this turn, and when it finishes, add a LongestWait with
        //       the longest of its waits.
        return new Report(trace, slowSteps, longestWaits);
    }
}
