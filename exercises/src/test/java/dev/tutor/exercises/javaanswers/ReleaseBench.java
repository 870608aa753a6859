package dev.tutor.exercises.javaanswers;

import dev.tutor.exercises.javaanswers.PagePipeline.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Test support for {@link PagePipeline}: stages whose {@code release} does not return until the test lets it,
 * each page ended on a thread of the test's own, so that the test sees whether the future summariseAll returned
 * completes while a page's release is still running.
 *
 * <p>Every fetch is pending when summariseAll is called, and cpu runs each task at once on the thread that hands
 * it over, so everything a page's ending sets off runs on the thread that ended it: the steps, the race, and the
 * release, which holds that thread until the test opens its gate. Nothing here sleeps: the test waits only until
 * the ending thread has reached release, or has finished without it. Where the JDK's {@code CompletableFuture}
 * runs a future's dependents in an order of its own, the scenario does not depend on it: the test also ends each
 * page's other side (its timer after its outcome, its fetch after its time-out), and lets the releases return
 * one at a time.
 */
final class ReleaseBench implements AutoCloseable {

    /** How one page ends, on a thread of its own. */
    enum Ending {
        BODY("its fetch's future completed with the body"),
        FAILS("its fetch's future failed with %s"),
        TIMER("its timer fired while its fetch was pending");

        private final String text;

        Ending(String text) {
            this.text = text;
        }
    }

    final List<URI> pages = new ArrayList<>();
    final List<Ending> endings = new ArrayList<>();
    final Duration limit;
    private final String token;
    private final List<Throwable> errors = new ArrayList<>();
    private final List<CompletableFuture<String>> fetches = new ArrayList<>();
    private final List<CompletableFuture<Void>> timers = new ArrayList<>();
    private int fetchCalls;

    /** Per thread that ends a page: what it did, whether it reached release or ended, and its gate. */
    private final Map<Thread, Ender> enders = new ConcurrentHashMap<>();
    private final List<Ender> started = new ArrayList<>();
    /** Releases called and not yet returned, as "page i (address), on the thread that ...", in the order called. */
    private final List<String> running = new ArrayList<>();
    private final Map<URI, Integer> releases = new LinkedHashMap<>();

    CompletableFuture<List<Outcome>> result;

    ReleaseBench(List<Ending> endings, Random random) {
        this.token = "run " + random.nextInt(1_000_000);
        this.limit = Duration.ofMillis(1 + random.nextInt(600_000));
        for (int i = 0; i < endings.size(); i++) {
            URI page = URI.create("http://127.0.0.1:" + (1024 + random.nextInt(60_000)) + "/page/" + i);
            if (i > 0 && random.nextInt(4) == 0) {
                page = pages.get(random.nextInt(i)); // the same address twice is two pages
            }
            pages.add(page);
            this.endings.add(endings.get(i));
            errors.add(endings.get(i) == Ending.FAILS ? (random.nextBoolean()
                    ? new IOException("connection reset by page " + i + " (" + token + ")")
                    : new UncheckedIOException("read failed for page " + i + " (" + token + ")",
                            new IOException("broken pipe"))) : null);
            fetches.add(new CompletableFuture<>());
        }
    }

    /** What page i does, for messages. */
    String planText(int i) {
        return "page " + i + " (" + pages.get(i) + "): " + String.format(endings.get(i).text, errors.get(i));
    }

    String summary(int i) {
        return "summary of parsed body of page " + i + " (" + token + ")";
    }

    Throwable error(int i) {
        return errors.get(i);
    }

    final PagePipeline.Stages stages = new PagePipeline.Stages() {
        @Override
        public CompletableFuture<String> fetch(URI page) {
            synchronized (ReleaseBench.this) {
                int i = fetchCalls++;
                return i < fetches.size() ? fetches.get(i) : new CompletableFuture<>();
            }
        }

        @Override
        public String parse(String body) {
            return body == null ? null : "parsed " + body;
        }

        @Override
        public String summarise(String parsed) {
            return parsed == null ? null : "summary of " + parsed;
        }

        @Override
        public void release(URI page) {
            Ender ender = enders.get(Thread.currentThread());
            String what = ender == null ? String.valueOf(page)
                    : (page.equals(pages.get(ender.page)) ? "page " + ender.page + " (" + page + ")" : page)
                    + ", on the thread that " + ender.did;
            synchronized (ReleaseBench.this) {
                releases.merge(page, 1, Integer::sum);
                running.add(what);
            }
            if (ender != null) {
                ender.settled.countDown();
                try {
                    ender.gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (ReleaseBench.this) {
                running.remove(what);
            }
        }
    };

    /** Runs every task at once on the thread that hands it over: a page's ending runs on one thread. */
    final Executor cpu = Runnable::run;

    final PagePipeline.Timer timer = delay -> {
        CompletableFuture<Void> due = new CompletableFuture<>();
        synchronized (ReleaseBench.this) {
            timers.add(due);
        }
        return due;
    };

    /** Calls summariseAll on the test's thread: every fetch is pending, so nothing ends during the call. */
    void call() {
        result = PagePipeline.summariseAll(List.copyOf(pages), stages, cpu, timer, limit);
    }

    /** One thread of the test that ends a page. */
    private static final class Ender {
        /** The page whose fetch or timer the thread completes. */
        final int page;
        final String did;
        final Thread thread;
        /** Counted down when the thread reaches release, or ends without it. */
        final CountDownLatch settled = new CountDownLatch(1);
        /** Opened by the test to let the thread's release return. */
        final CountDownLatch gate = new CountDownLatch(1);

        Ender(int page, String did, Runnable ending) {
            this.page = page;
            this.did = did;
            this.thread = new Thread(() -> {
                try {
                    ending.run();
                } finally {
                    settled.countDown();
                }
            }, "ends a page");
            thread.setDaemon(true);
        }
    }

    /**
     * Ends page i as its ending says, on a new thread, and returns once that thread is inside release (held
     * there until {@link #openGate}) or has finished; fails if it is still busy after 4 s.
     */
    void end(int i) {
        start(i, endings.get(i), "");
    }

    /**
     * Once page i has ended, does on a new thread what its ending did not: fires the timer of a page that ended
     * by its fetch, completes the fetch of a page that timed out. That changes nothing for the page, whose
     * outcome is known; returns as {@link #end} does.
     */
    void endTheOtherSide(int i) {
        start(i, endings.get(i) == Ending.TIMER ? Ending.BODY : Ending.TIMER,
                endings.get(i) == Ending.TIMER ? " after its time-out" : " after its outcome");
    }

    private void start(int i, Ending ending, String when) {
        CompletableFuture<Void> due;
        synchronized (this) {
            due = i < timers.size() ? timers.get(i) : null;
        }
        String did = switch (ending) {
            case BODY -> "completed the fetch of page " + i;
            case FAILS -> "failed the fetch of page " + i;
            case TIMER -> "fired the timer of page " + i;
        } + when;
        Ender ender = new Ender(i, did, () -> {
            switch (ending) {
                case BODY -> fetches.get(i).complete("body of page " + i + " (" + token + ")");
                case FAILS -> fetches.get(i).completeExceptionally(errors.get(i));
                case TIMER -> {
                    if (due != null) {
                        due.complete(null);
                    }
                }
            }
        });
        enders.put(ender.thread, ender);
        synchronized (this) {
            started.add(ender);
        }
        ender.thread.start();
        await(ender, "reach release or finish");
    }

    /** Opens the gate of the {@code k}-th thread the test started (from 0) and waits for it to end. */
    void openGate(int k) {
        Ender ender;
        synchronized (this) {
            ender = started.get(k);
        }
        ender.gate.countDown();
        try {
            ender.thread.join(TimeUnit.SECONDS.toMillis(4));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
        if (ender.thread.isAlive()) {
            throw new AssertionError("The thread of the test that " + ender.did + " was let out of release(page)"
                    + " and was still busy 4 s later, at " + where(ender.thread) + ".");
        }
    }

    private static void await(Ender ender, String what) {
        try {
            if (!ender.settled.await(4, TimeUnit.SECONDS)) {
                throw new AssertionError("The thread of the test that " + ender.did + " did not " + what
                        + " within 4 s; it was at " + where(ender.thread) + ".");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static String where(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().startsWith(PagePipeline.class.getName())) {
                return frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                        + frame.getMethodName() + "() line " + frame.getLineNumber();
            }
        }
        StackTraceElement[] stack = thread.getStackTrace();
        return stack.length > 0 ? String.valueOf(stack[0]) : "its end";
    }

    /** How many threads the test has started to end pages, or their other sides. */
    synchronized int threads() {
        return started.size();
    }

    /** The releases called and not yet returned, in the order called. */
    synchronized List<String> running() {
        return List.copyOf(running);
    }

    synchronized Map<URI, Integer> releases() {
        return new LinkedHashMap<>(releases);
    }

    /** How many times each address is in the list of pages. */
    Map<URI, Integer> pagesPerAddress() {
        Map<URI, Integer> count = new LinkedHashMap<>();
        pages.forEach(page -> count.merge(page, 1, Integer::sum));
        return count;
    }

    /** Lets every release still held return, so that no thread of the test is left behind. */
    @Override
    public void close() {
        List<Ender> all;
        synchronized (this) {
            all = new ArrayList<>(started);
        }
        all.forEach(ender -> ender.gate.countDown());
    }
}
