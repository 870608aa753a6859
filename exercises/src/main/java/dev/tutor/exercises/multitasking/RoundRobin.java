package dev.tutor.exercises.multitasking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * A cooperative scheduler: it runs many tasks on one thread by taking turns, one step of one task at a
 * time.
 *
 * <p>A task is written as a {@link Step}: each call does a small piece of the task's work and returns,
 * handing the thread back to the scheduler. The scheduler never interrupts a step; a task can only be
 * paused where it chose to return. That is cooperative multitasking, the kind an event loop does.
 *
 * <p>Tasks wait their turn in a ready queue, first come, first served: {@link #spawn} puts a task at the
 * back, each turn takes the task at the front and runs one step of it, and a task that has more to do
 * goes to the back again. Each scheduler has a ready queue of its own. Everything happens on the thread
 * that calls {@link #run}; no other threads.
 *
 * <p>Exercise: complete {@link #spawn} and {@link #run}. Leave {@link Step} and {@link Task} as they
 * are; the tests use them.
 */
public final class RoundRobin {

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

    /** A task in the ready queue: its name, for the trace, and its step function. */
    public record Task(String name, Step step) {
        public Task {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(step, "step");
        }
    }

    /** The tasks waiting for their turn. */
    private final Deque<Task> ready = new ArrayDeque<>();

    /**
     * Adds a task to the back of the ready queue. It may be called before {@link #run} and also from
     * inside a step while the scheduler runs; a task spawned then waits behind the tasks already queued.
     * The name is only a label for the trace: two tasks may have the same name, and each is a task of its
     * own.
     */
    public void spawn(String name, Step step) {
        // TODO: put a new Task at the back of the ready queue.
    }

    /**
     * Runs every task to completion, one step per turn, on the calling thread, until the ready queue is
     * empty, tasks spawned during the run included.
     *
     * <p>If a step throws, {@code run()} throws that same exception at once: the task whose step threw is
     * not queued again, and the tasks still waiting stay in the queue, in their order, for a later call of
     * {@code run()}.
     *
     * @return the trace: the name of the task whose step ran, once per step, in the order the steps ran
     */
    public List<String> run() {
        List<String> trace = new ArrayList<>();
        // TODO: until the ready queue is empty, take the task at its front, record its name in the trace,
        //       run one step of it, and if it has more to do, queue it again.
        return trace;
    }
}
