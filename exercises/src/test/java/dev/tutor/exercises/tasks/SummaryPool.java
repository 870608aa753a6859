package dev.tutor.exercises.tasks;

import dev.tutor.runtime.loop.EventLoop;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool and the summarise function a {@link Board} gives each {@link PageCheck}, and what they saw.
 *
 * <p>The pool runs each job on a thread of its own, and starts it only once the callback that handed it over has
 * returned, as a busy pool would, so a summary always ends after its task has parked (the {@link LoopWatchdog}
 * keeps the count of callbacks, and lets the jobs go when the loop thread waits inside a check). The pool catches
 * whatever the job throws and stops the loop. Summarise notes the thread it runs on, and throws what the page's
 * {@link ServedPage#summaryFailure()} says.
 */
final class SummaryPool {

    private final EventLoop loop;
    private final LoopWatchdog watchdog;
    private final Map<String, ServedPage> pagesByBody = new ConcurrentHashMap<>();
    private final AtomicInteger poolBusy = new AtomicInteger();
    private final List<Throwable> escaped = new CopyOnWriteArrayList<>();
    private final List<Thread> poolThreads = new CopyOnWriteArrayList<>();
    private final AtomicInteger onLoop = new AtomicInteger();
    private final AtomicInteger onPool = new AtomicInteger();
    private final List<String> elsewhere = new CopyOnWriteArrayList<>();

    SummaryPool(EventLoop loop, LoopWatchdog watchdog) {
        this.loop = loop;
        this.watchdog = watchdog;
    }

    /** Makes summarise answer for page's body as page says. */
    void summarises(ServedPage page) {
        pagesByBody.put(page.body(), page);
    }

    /** The pool's execute. */
    void execute(Runnable job) {
        if (job == null) {
            throw new NullPointerException("job");
        }
        long handedOverIn = watchdog.callbacksEndedIfOnTheLoopThread();
        poolBusy.incrementAndGet();
        Thread worker = new Thread(() -> {
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                watchdog.awaitACallbackEndedAfter(handedOverIn, until);
                job.run();
            } catch (Throwable thrown) {
                escaped.add(thrown);
                try {
                    loop.callSoonThreadsafe(loop::stop);
                } catch (IllegalStateException closed) {
                    // the run is over already
                }
            } finally {
                poolBusy.decrementAndGet();
            }
        }, "summary-pool-" + (poolThreads.size() + 1));
        worker.setDaemon(true);
        poolThreads.add(worker);
        worker.start();
    }

    /** The summarise function. */
    String summarise(String body) {
        Thread thread = Thread.currentThread();
        if (thread == watchdog.loopThread()) {
            onLoop.incrementAndGet();
        } else if (poolThreads.contains(thread)) {
            onPool.incrementAndGet();
        } else {
            elsewhere.add(thread.getName());
        }
        ServedPage page = pagesByBody.get(body);
        if (page != null && page.summaryFailure() instanceof Error error) {
            throw error;
        }
        if (page != null && page.summaryFailure() != null) {
            throw (RuntimeException) page.summaryFailure();
        }
        return expectedSummary(body);
    }

    static String expectedSummary(String body) {
        return body.length() + " chars, " + body.codePoints().filter(Character::isLetter).count() + " letters, #"
                + Integer.toHexString(body.hashCode());
    }

    /** How many of the pool's jobs are under way. */
    int busy() {
        return poolBusy.get();
    }

    /** Waits for the pool's jobs to end, until (of System.nanoTime()) at most. */
    void awaitJobs(long until) throws InterruptedException {
        for (Thread worker : poolThreads) {
            long left = until - System.nanoTime();
            if (left > 0) {
                worker.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }

    // ---- what was seen ----

    int summarisedOnLoop() {
        return onLoop.get();
    }

    int summarisedOnPool() {
        return onPool.get();
    }

    /** The threads other than the loop's and the pool's that summarise ran on, by name. */
    List<String> elsewhere() {
        return elsewhere;
    }

    /** What the jobs threw on the pool's threads. */
    List<Throwable> escaped() {
        return escaped;
    }
}
