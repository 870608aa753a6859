package dev.tutor.runtime.loop;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * A {@link Coroutine} being run by the loop: asyncio's {@code Task}. It is also a {@link Future} that
 * completes with the coroutine's result.
 *
 * <p>How it works, as in asyncio's {@code Task.__step}: the task queues a step with
 * {@code callSoon}; the step calls {@link Coroutine#resume()}; if the coroutine pauses on a future,
 * the task adds a done-callback to that future and returns, leaving the ready queue. When the future
 * completes, the callback queues the next step. So a waiting task costs nothing but memory.
 *
 * <p>Cancelling: if the task waits on a future, that future is cancelled and the coroutine resumes
 * once more, where its {@code result()} throws {@link CancellationException} (catch it to clean up;
 * let it escape to end cancelled). A task cancelled while its step is queued ends without resuming.
 * Called only on the loop thread. Create one with {@link EventLoop#createTask}.
 */
public final class Task<T> extends Future<T> {

    private final Coroutine<T> coroutine;
    private final String name;
    private Future<?> waitingOn;
    private boolean mustCancel;

    Task(EventLoop loop, Coroutine<T> coroutine, String name) {
        super(loop);
        this.coroutine = coroutine;
        this.name = name != null ? name : Names.of(coroutine);
        loop.callSoon(this.name, this::step);
    }

    /** Returns the task's name, as shown in traces. */
    public String name() {
        return name;
    }

    /** Returns the future this task is paused on, or null when it is queued or done. */
    public Future<?> waitingOn() {
        return waitingOn;
    }

    @Override
    public boolean cancel() {
        if (isDone()) {
            return false;
        }
        if (waitingOn != null && waitingOn.cancel()) {
            return true; // the wake-up will resume the coroutine, whose result() call throws
        }
        mustCancel = true;
        return true;
    }

    private void step() {
        if (isDone()) {
            return;
        }
        waitingOn = null;
        if (mustCancel) {
            super.cancel();
            return;
        }
        Step<T> next;
        try {
            next = coroutine.resume();
        } catch (CancellationException cancelled) {
            super.cancel();
            return;
        } catch (CompletionException wrapped) {
            setException(wrapped.getCause() != null ? wrapped.getCause() : wrapped);
            return;
        } catch (Exception | Error failure) {
            if (failure instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            setException(failure);
            return;
        }
        switch (next) {
            case Step.Done<T> done -> setResult(done.value());
            case Step.Await<T> await -> {
                waitingOn = await.future();
                await.future().addDoneCallback(new Wakeup(this));
            }
        }
    }

    @Override
    public String toString() {
        return "Task " + name + super.toString().substring("Task".length());
    }

    /** The done-callback that queues the task's next step; named after the task for traces. */
    private record Wakeup(Task<?> task) implements java.util.function.Consumer<Future<?>> {
        @Override
        public void accept(Future<?> ignored) {
            task.step();
        }

        @Override
        public String toString() {
            return "wake " + task.name;
        }
    }
}
