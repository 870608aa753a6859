package dev.tutor.exercises.threads;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * Runs one piece of work per input, each on a worker thread of its own, and collects what they computed.
 *
 * <p>This is the shape of every program that uses threads by hand: the calling thread starts the
 * workers, they run at the same time as each other, and the caller waits for all of them before it uses
 * their results. Each worker has a name, so that a thread dump, a log line or a count can tell it apart.
 *
 * <p>Exercise: complete {@link #runAll} and {@link #countAlive}. Leave {@link Result} as it is; the
 * tests use it.
 */
public final class Workers {

    private Workers() {
    }

    /**
     * What one worker computed.
     *
     * @param worker the name of the thread that did the work
     * @param input  the input it was given
     * @param output what the work returned for that input
     */
    public record Result(String worker, int input, long output) {
    }

    /**
     * Runs {@code work} once for every input, each on a new platform thread, all at the same time, and
     * returns when every one of them has finished, however long the work takes.
     *
     * <p>The thread for {@code inputs.get(i)} is named {@code namePrefix + (i + 1)}: with the prefix
     * {@code "worker-"}, the workers are {@code worker-1}, {@code worker-2} and so on.
     *
     * <p>If the calling thread is interrupted while runAll waits for its workers, runAll stops waiting and
     * throws {@link InterruptedException}, as {@link Thread#join()} does; it does not return its results then.
     *
     * @return one {@link Result} per input, in any order
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public static List<Result> runAll(String namePrefix, List<Integer> inputs, IntToLongFunction work)
            throws InterruptedException {
        // Every worker adds to this list, several at the same moment, so it must be one that allows that.
        List<Result> results = Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int input = inputs.get(i);
            Runnable task = () -> {
                long output = work.applyAsLong(input);
                results.add(new Result(Thread.currentThread().getName(), input, output));
            };
            workers.add(new Thread(task, namePrefix + (i + 1)));
        }
        for (Thread worker : workers) {
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return List.copyOf(results);
    }

    /** How many platform threads whose name starts with {@code namePrefix} are alive right now. */
    public static int countAlive(String namePrefix) {
        int alive = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith(namePrefix)) {
                alive++;
            }
        }
        return alive;
    }
}
