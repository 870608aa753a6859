package dev.tutor.lessons.javaanswers;

import dev.tutor.lessons.Prediction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Lesson 12's first demo: which thread runs each stage of a {@code CompletableFuture} chain, and where an
 * exception thrown in a stage goes. No network, no sleeps: a future is completed by hand from a thread
 * named {@code completer}, so that "not yet complete" is certain rather than likely. Well under a second.
 */
public final class FutureThreadsDemo {

    private FutureThreadsDemo() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("1. Which thread runs a stage?");
        Optional<String> guess = Prediction.ask("thenApply on a future that is not complete yet, then on one that"
                + " is already complete, then thenApplyAsync: which thread runs each?");
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        String measured = String.join("; ", whoRunsStages(seen));
        seen.forEach(line -> System.out.println("   " + line));
        Prediction.printBeside(guess, measured);

        System.out.println();
        System.out.println("2. A stage that throws, in a chain nobody joins.");
        guess = Prediction.ask("A stage throws IllegalStateException and nobody calls join() on the chain. What do you"
                + " see on the console, and what does join() throw later?");
        System.out.println("   (the chain runs now; anything it prints appears here)");
        CompletableFuture<Integer> chain = CompletableFuture.supplyAsync(() -> "HTTP/1.1 200 OK")
                .thenApply(FutureThreadsDemo::parseBrokenly)           // throws
                .thenApply(code -> code + 1);                          // skipped: its input failed
        chain.handle((value, failure) -> null).join();                 // wait for the chain, reporting nothing
        System.out.println("   ... nothing: the exception sits in the future, isCompletedExceptionally() = "
                + chain.isCompletedExceptionally());
        String thrown;
        try {
            chain.join();
            thrown = "nothing";
        } catch (CompletionException e) {
            thrown = "CompletionException, whose cause is " + e.getCause();
        }
        System.out.println("   join() throws " + thrown);
        Prediction.printBeside(guess, "silence, then join() throws " + thrown);

        System.out.println();
        System.out.println("3. Three ways to see the failure without join().");
        CompletableFuture<Integer> failing = CompletableFuture.supplyAsync(() -> parseBrokenly("HTTP/1.1 200 OK"));
        int recovered = failing.exceptionally(failure -> -1).join();     // a value in place of the failure
        String handled = failing.handle((value, failure) -> failure == null ? "value " + value
                : "failure " + failure.getClass().getSimpleName()).join(); // sees both outcomes, returns a new value
        System.out.println("   exceptionally(f -> -1)         gives " + recovered);
        System.out.println("   handle((v, f) -> ...)          gives " + handled);
        failing.whenComplete((value, failure) -> System.out.println("   whenComplete((v, f) -> log)    sees "
                + failure + ", and passes the failure on"))
                .exceptionally(failure -> null).join();
        System.out.println("   Inside a chain the failure a stage sees is wrapped: a CompletionException around the"
                + " IllegalStateException.");
    }

    /** Runs the three cases of part 1 and returns one short answer per case; {@code seen} gets the full lines. */
    static List<String> whoRunsStages(List<String> seen) throws InterruptedException {
        List<String> answers = new ArrayList<>();
        CompletableFuture<String> pending = new CompletableFuture<>();
        var notYet = pending.thenApply(status -> record(seen, "thenApply, not complete yet"));
        Thread completer = new Thread(() -> pending.complete("HTTP/1.1 200 OK"), "completer");
        completer.start();
        completer.join();
        answers.add("not yet: " + notYet.join());                      // ran on completer

        CompletableFuture<String> done = CompletableFuture.completedFuture("HTTP/1.1 200 OK");
        var already = done.thenApply(status -> record(seen, "thenApply, already complete"));
        answers.add("already: " + already.join());                     // ran on the caller
        var async = done.thenApplyAsync(status -> record(seen, "thenApplyAsync"));
        answers.add("async: " + async.join());                         // ran on the common pool

        ExecutorService pool = Executors.newSingleThreadExecutor(task -> new Thread(task, "my-pool"));
        try {
            answers.add("async on a pool: " + done.thenApplyAsync(
                    status -> record(seen, "thenApplyAsync(fn, pool)"), pool).join());
        } finally {
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
        return answers;
    }

    private static String record(List<String> seen, String what) {
        String thread = Thread.currentThread().getName();
        seen.add(String.format("%-27s ran on %s", what.strip(), thread));
        return thread;
    }

    private static int parseBrokenly(String statusLine) {
        throw new IllegalStateException("no status code in '" + statusLine + "'");
    }
}
