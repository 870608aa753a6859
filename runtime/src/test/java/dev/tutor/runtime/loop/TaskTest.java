package dev.tutor.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TaskTest {

    private final RecordingLog log = new RecordingLog();
    private final EventLoop loop = EventLoop.create(LoopOptions.defaults().withLog(log));
    private final List<String> trail = new ArrayList<>();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    /** Awaits a future, then returns what it got: the smallest coroutine. */
    private Coroutine<String> waitingFor(Future<String> future, String who) {
        return new Coroutine<>() {
            int state;

            @Override
            public Step<String> resume() {
                switch (state) {
                    case 0:
                        trail.add(who + " waits");
                        state = 1;
                        return Step.await(future);
                    default:
                        String value = future.result();
                        trail.add(who + " got " + value);
                        return Step.done(who + ":" + value);
                }
            }
        };
    }

    @Test
    void suspendsOnAFutureAndResumesWhenItCompletes() {
        Future<String> future = loop.createFuture();
        Task<String> task = loop.createTask("reader", waitingFor(future, "reader"));
        loop.runOnce();
        assertThat(trail).containsExactly("reader waits");
        assertThat(task.isDone()).isFalse();
        assertThat(task.waitingOn()).isSameAs(future);
        loop.callSoon(() -> future.setResult("42"));
        assertThat(loop.runUntilComplete(task)).isEqualTo("reader:42");
        assertThat(trail).containsExactly("reader waits", "reader got 42");
    }

    @Test
    void tasksInterleaveAtTheirAwaits() {
        Future<String> first = loop.createFuture();
        Future<String> second = loop.createFuture();
        Task<String> a = loop.createTask(waitingFor(first, "a"));
        Task<String> b = loop.createTask(waitingFor(second, "b"));
        loop.runOnce();
        second.setResult("two");
        first.setResult("one");
        loop.runUntilComplete(a);
        loop.runUntilComplete(b);
        assertThat(trail).containsExactly("a waits", "b waits", "b got two", "a got one");
    }

    @Test
    void sleepsOnTheLoopClock() {
        Task<String> sleeper = loop.createTask(new Coroutine<>() {
            Future<Void> nap;

            @Override
            public Step<String> resume() {
                if (nap == null) {
                    nap = loop.sleep(Duration.ofMillis(20));
                    return Step.await(nap);
                }
                return Step.done("rested");
            }
        });
        long start = System.nanoTime();
        assertThat(loop.runUntilComplete(sleeper)).isEqualTo("rested");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
    }

    @Test
    void failureOfTheAwaitedFutureSurfacesInTheCoroutineAndFailsTheTask() {
        Future<String> future = loop.createFuture();
        Task<String> task = loop.createTask(waitingFor(future, "x"));
        loop.runOnce();
        future.setException(new IOException("connection refused"));
        assertThatThrownBy(() -> loop.runUntilComplete(task)).hasRootCauseInstanceOf(IOException.class)
                .hasRootCauseMessage("connection refused");
        assertThat(task.exception()).isInstanceOf(IOException.class);
    }

    @Test
    void cancellingAWaitingTaskCancelsItsFutureAndEndsCancelled() {
        Future<String> future = loop.createFuture();
        Task<String> task = loop.createTask(waitingFor(future, "x"));
        loop.runOnce();
        assertThat(task.cancel()).isTrue();
        assertThat(future.isCancelled()).isTrue();
        assertThatThrownBy(() -> loop.runUntilComplete(task)).isInstanceOf(CancellationException.class);
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void cancellingAQueuedTaskNeverStartsIt() {
        Task<String> task = loop.createTask(waitingFor(loop.createFuture(), "never"));
        task.cancel();
        loop.runOnce();
        assertThat(task.isCancelled()).isTrue();
        assertThat(trail).isEmpty();
    }

    @Test
    void futureCallbacksRunOnTheLoopInOrderAfterCompletion() {
        Future<Integer> future = loop.createFuture();
        future.addDoneCallback(f -> trail.add("first " + f.result()));
        future.addDoneCallback(f -> trail.add("second " + f.result()));
        future.setResult(7);
        assertThat(trail).isEmpty(); // never inline: scheduled with callSoon
        loop.runOnce();
        assertThat(trail).containsExactly("first 7", "second 7");
        assertThatThrownBy(() -> future.setResult(8)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pendingFutureHasNoResultYet() {
        Future<Integer> future = loop.createFuture();
        assertThatThrownBy(future::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("pending");
    }
}
