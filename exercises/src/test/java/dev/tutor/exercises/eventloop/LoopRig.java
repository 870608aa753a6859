package dev.tutor.exercises.eventloop;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.eventloop.TestPollers.Audit;
import dev.tutor.exercises.eventloop.TestPollers.Spin;
import dev.tutor.runtime.poll.FakePoller;
import dev.tutor.runtime.poll.Poller;
import dev.tutor.runtime.time.FakeClock;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The rig {@link MiniLoopTest} drives the learner's loop with: a {@link FakePoller} on a {@link FakeClock}, the
 * exceptions the loop hands to its handler, and the pipes whose channels a test watches. It makes the loops, runs
 * them, turning whatever leaves {@code run()} or {@code runOnce()}, a spin the audit stopped included, into a
 * failure that says what was seen, and closes everything after each test. Not a test itself.
 */
final class LoopRig {
    final FakeClock clock = new FakeClock();
    final FakePoller fake = new FakePoller(clock);
    /** What the loops made here handed to their handler, in order. */
    final List<Exception> errors = new ArrayList<>();
    private final List<Pipe> pipes = new ArrayList<>();

    /** A loop on {@code poller} and the fake clock, which hands its callbacks' exceptions to {@link #errors}. */
    MiniLoop loop(Poller poller) {
        Consumer<Exception> handler = errors::add;
        return new MiniLoop(poller, clock, handler);
    }

    /** Runs the loop; anything it throws, or a spin the audit stopped, fails the test with what was seen. */
    void run(MiniLoop loop, Audit audit, String script) {
        try {
            loop.run();
        } catch (Spin spin) {
            fail(clause(script) + ": " + spin.getMessage());
        } catch (Exception | AssertionError e) {
            fail(clause(script) + ": run() threw " + sentence(e) + " Polls so far: " + audit.polls() + ", time-outs "
                    + audit.timeoutsText() + "." + (e instanceof IllegalStateException && String.valueOf(e.getMessage())
                    .contains("for ever") ? " The last poll was asked to wait without a limit (a negative time-out)"
                    + " while nothing it watches will ever become ready. A negative time-out is for a turn with no"
                    + " callback ready and no timer waiting." : "") + (e instanceof RuntimeException ? ""
                    : e instanceof Exception ? " That is a checked exception a callback threw: an Exception, so the"
                    + " handler's, like any other; it must not leave the loop." : ""), e);
        }
    }

    void runOnce(MiniLoop loop, Audit audit, String what) {
        try {
            loop.runOnce();
        } catch (Spin spin) {
            fail(clause(what) + ": " + spin.getMessage());
        } catch (Exception | AssertionError e) {
            fail(clause(what) + ": runOnce() threw " + sentence(e) + " Polls' time-outs: " + audit.timeoutsText() + ".", e);
        }
    }

    /** A pipe, closed after the test. */
    Pipe openPipe() throws IOException {
        Pipe pipe = Pipe.open();
        pipes.add(pipe);
        return pipe;
    }

    /** A non-blocking channel to watch: the source of a new pipe, or its sink; closed after the test. */
    SelectableChannel channel(boolean source) throws IOException {
        Pipe pipe = openPipe();
        SelectableChannel channel = source ? pipe.source() : pipe.sink();
        channel.configureBlocking(false);
        return channel;
    }

    /** Closes the fake poller and every pipe opened here. */
    void close() throws IOException {
        fake.close();
        for (Pipe pipe : pipes) {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    /** {@code text} without its closing full stop, to go on with ": ..." after it. */
    private static String clause(String text) {
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    /** {@code what} as the end of a sentence: one full stop, not two when its own text ends with one. */
    static String sentence(Object what) {
        String text = String.valueOf(what);
        return text.endsWith(".") ? text : text + ".";
    }
}
