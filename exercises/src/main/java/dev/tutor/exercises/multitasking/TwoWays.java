package dev.tutor.exercises.multitasking;

import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Runs the same tasks in two ways, to tell concurrency from parallelism.
 *
 * <p>A task is a {@link Step} function, as in the lesson: each call does the task's next small piece of
 * work and returns whether there is more to do. A task is <em>in progress</em> from the moment its first
 * step begins until its last step returns, the waits between its steps included, and it is <em>inside a
 * step</em> while a call of its {@code step()} is running.
 *
 * <ul>
 *   <li>{@link #onOneThread} runs all the tasks on the calling thread, taking turns. They are all in
 *       progress at once, but never are two inside a step at once: concurrency without parallelism, which
 *       is all that one thread, or one core, can give.</li>
 *   <li>{@link #onThreads} gives each task a thread of its own, so that several tasks can be inside a step
 *       at the same instant: in parallel, on as many cores as the machine has free.</li>
 * </ul>
 *
 * <p>Exercise: complete {@link #onOneThread} and {@link #onThreads}. Leave {@link Step} as it is; the tests
 * use it. You may add private helper methods.
 */
public final class TwoWays {

    private TwoWays() {
    }

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

    /**
     * Runs every task to its end on the calling thread, taking turns one step at a time.
     *
     * <p>The turns go in the order of the list, round after round: one step of the first task, one of the
     * second, and so on to the last, then the first again. A task whose {@code step()} returned
     * {@code false} has finished and takes no more turns; the others go on taking theirs until every task
     * has finished. With tasks A, B and C of 3, 1 and 2 steps, the steps run A B C A C A.
     *
     * <p>Everything happens on the calling thread: start no thread, use no executor, and never pause the
     * thread or give it up between turns (no {@code Thread.sleep}, {@code TimeUnit.sleep}, {@code Thread.yield},
     * {@code LockSupport.park} or {@code wait}): the tasks take turns because you step them, not because the
     * thread waits. A pause changes nothing a caller could see, so this rule is read off the compiled class:
     * it covers whatever {@code onOneThread} calls, directly or through this class's own methods and lambdas.
     * If a step throws, the exception leaves this method at once, and no further step of any task runs.
     *
     * @param tasks the tasks, each one a different object; with none, return at once
     */
    public static void onOneThread(List<Step> tasks) {
        // TODO: run the tasks in turns, one step per turn, in the order of the list, until all have finished.
    }

    /**
     * Runs every task to its end, each on a thread of its own, and returns when all of them have finished.
     *
     * <p>Make every thread with {@code threads.newThread(body)}, which returns a new platform thread that has
     * not been started yet, as {@code new Thread(body)} would: one thread per task, whose body calls that
     * task's {@code step()} until it returns {@code false}. Start every thread before waiting for any of them,
     * so that all the tasks are in progress at the same time and can be inside a step at the same time. The
     * calling thread runs no step itself; it returns only after every thread it started has ended.
     *
     * <p>If a step throws, its task ends there: the exception ends that task's thread, as an uncaught
     * exception ends any thread, and goes to the thread's uncaught-exception handler. The other tasks carry
     * on to their end, and this method still returns normally once every thread has ended.
     *
     * <p>An interrupt of the calling thread stops only its waiting. Every thread is made and started whatever
     * the caller's interrupt status; then, if the caller is interrupted when it comes to wait or while it
     * waits, the wait throws {@link InterruptedException}, and this method lets it out at once. It does not
     * interrupt the threads: they carry on to their end.
     *
     * @param tasks   the tasks, each one a different object; with none, make no thread and return at once
     * @param threads makes the threads; use it for every thread you start
     * @throws InterruptedException if the calling thread is interrupted before the call or while it waits for
     *                              the threads; every thread has been started by then, and they carry on
     */
    public static void onThreads(List<Step> tasks, ThreadFactory threads) throws InterruptedException {
        // TODO: make and start one thread per task, then wait for every one of them to end.
    }
}
