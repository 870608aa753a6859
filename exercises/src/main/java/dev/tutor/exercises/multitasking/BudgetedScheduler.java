package dev.tutor.exercises.multitasking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A cooperative scheduler that keeps an eye on greedy tasks: it times every step, reports each step that
 * held the thread longer than its budget, and stops a task that is greedy three turns in a row.
 *
 * <p>A cooperative scheduler cannot take the thread back from a step; while one step computes, every
 * other task waits. What it can do is notice afterwards, as asyncio's event loop does in debug mode when
 * a callback or task step runs longer than {@code loop.slow_callback_duration} (100 ms by default). This
 * scheduler times every step by its clock, and a step that held the thread for more than
 * {@code budgetMillis} is an {@link Overrun}, reported with the task's name and the time it took; a step
 * that uses exactly its budget is within it. A task that overruns on {@value #GREEDY_TURNS_TO_STOP} of
 * its turns in a row is stopped: it is not queued again, and its name goes into the report's stopped
 * list. One turn within budget in between, and the count starts again. A task that finishes is never
 * stopped.
 *
 * <p>Turns are taken as in a round-robin: the ready queue is first in, first out, one step per turn, and
 * a task with more to do goes to the back. Everything happens on the thread that calls {@link #run}; the
 * clock is read only on that thread.
 *
 * <p>Exercise: complete {@link #spawn} and {@link #run}. Leave {@link Step}, {@link Overrun}, {@link Report}
 * and the constructor as they are; the tests use them. The private parts are yours to change.
 */
public final class BudgetedScheduler {

    /** A task stopped after this many greedy turns in a row. */
    public static final int GREEDY_TURNS_TO_STOP = 3;

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

    /** One step that ran over its budget: the task it belonged to, and how long it held the thread. */
    public record Overrun(String task, long millis) {
        public Overrun {
            Objects.requireNonNull(task, "task");
        }
    }

    /**
     * What {@link #run} saw.
     *
     * @param trace    the name of the task whose step ran, once per step, in the order the steps ran
     * @param overruns every step that ran over its budget, in the order they ran
     * @param stopped  the tasks stopped for being greedy, in the order they were stopped
     */
    public record Report(List<String> trace, List<Overrun> overruns, List<String> stopped) {
        public Report {
            trace = List.copyOf(trace);
            overruns = List.copyOf(overruns);
            stopped = List.copyOf(stopped);
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
     * @param clockMillis  the clock to time steps with, in milliseconds, for example
     *                     {@code () -> System.nanoTime() / 1_000_000}; tests pass a fake clock
     * @param budgetMillis how long one step may hold the thread, at least 1 ms
     */
    public BudgetedScheduler(LongSupplier clockMillis, long budgetMillis) {
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        if (budgetMillis < 1) {
            throw new IllegalArgumentException("budgetMillis < 1: " + budgetMillis);
        }
        this.budgetMillis = budgetMillis;
    }

    /**
     * Adds a task to the back of the ready queue. It may be called before {@link #run} and also from
     * inside a step while the scheduler runs; a task spawned then waits behind the tasks already queued.
     */
    public void spawn(String name, Step step) {
        // TODO: put a new Task at the back of the ready queue.
    }

    /** Runs every task until it finishes or is stopped, one step per turn, on the calling thread. */
    public Report run() {
        List<String> trace = new ArrayList<>();
        List<Overrun> overruns = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        // TODO: take turns as a round-robin does: the task at the front of the queue runs one step, and
        //       goes to the back if it has more to do. Record each turn in the trace.
        // TODO: find out how long each step held the thread, and add an Overrun for every step that took
        //       longer than budgetMillis.
        // TODO: stop a task that ran over budget on GREEDY_TURNS_TO_STOP of its turns in a row: do not queue
        //       it again, and add its name to the stopped list.
        return new Report(trace, overruns, stopped);
    }
}
