package dev.tutor.app.workspace.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GradingQueueTest {

    /** Several threads, so that the queue, not the executor, is what keeps runs from overlapping. */
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    /** A grader that records its runs and the most runs it ever saw at once, and can be held in its first run. */
    private final class GraderSpy {
        final List<String> runs = new CopyOnWriteArrayList<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final CountDownLatch firstRunStarted = new CountDownLatch(1);
        final CountDownLatch releaseFirstRun = new CountDownLatch(1);
        final CountDownLatch sawEnd = new CountDownLatch(1);

        void grade(String key) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                runs.add(key);
                firstRunStarted.countDown();
                await(releaseFirstRun);
                if (key.equals("end")) {
                    sawEnd.countDown();
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void savesDuringARunGradeOnceMoreAfterItAndNeverAtTheSameTime() throws Exception {
        GraderSpy spy = new GraderSpy();
        GradingQueue<String> queue = new GradingQueue<>(executor, spy::grade);

        queue.submit("Foo.java");
        await(spy.firstRunStarted);
        queue.submit("Foo.java");
        queue.submit("Foo.java");
        queue.submit("Foo.java");
        queue.submit("end");
        spy.releaseFirstRun.countDown();
        await(spy.sawEnd);

        assertThat(spy.runs).containsExactly("Foo.java", "Foo.java", "end");
        assertThat(spy.maxInFlight).hasValue(1);
    }

    @Test
    void differentKeysWaitingAreGradedEachOnceInTheOrderFirstSubmitted() throws Exception {
        GraderSpy spy = new GraderSpy();
        GradingQueue<String> queue = new GradingQueue<>(executor, spy::grade);

        queue.submit("A");
        await(spy.firstRunStarted);
        queue.submit("B");
        queue.submit("C");
        queue.submit("B");
        queue.submit("end");
        spy.releaseFirstRun.countDown();
        await(spy.sawEnd);

        assertThat(spy.runs).containsExactly("A", "B", "C", "end");
        assertThat(spy.maxInFlight).hasValue(1);
    }

    @Test
    void aGraderThatThrowsDoesNotStopTheQueue() throws Exception {
        CountDownLatch graded = new CountDownLatch(1);
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        ExecutorService reporting = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task);
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
            return t;
        });
        try {
            GradingQueue<String> queue = new GradingQueue<>(reporting, key -> {
                if (key.equals("bad")) {
                    throw new IllegalStateException("grader broke");
                }
                graded.countDown();
            });

            queue.submit("bad");
            queue.submit("good");
            await(graded);

            assertThat(uncaught).singleElement().extracting(Throwable::getMessage).isEqualTo("grader broke");
        } finally {
            reporting.shutdownNow();
        }
    }

    @Test
    void isIdleAgainOnceEverythingRan() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        GradingQueue<String> queue = new GradingQueue<>(Runnable::run, key -> ran.countDown());

        queue.submit("Foo.java");

        await(ran);
        assertThat(queue.isBusy()).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).as("latch released within 5 s").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
