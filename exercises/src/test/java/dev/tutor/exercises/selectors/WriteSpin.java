package dev.tutor.exercises.selectors;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Tells when the thread running serve() spins on a write: at every look, running inside a channel's write(),
 * never once asleep in the kernel (its count of sleeps unchanged), its CPU clock running, for {@link #WINDOW},
 * while no client receives a byte. A write to a full socket takes nothing and returns at once, so a loop that
 * tries it again until everything is gone stays there for good and serves nobody else; a right loop goes back
 * to select() and sleeps there. Where the count of sleeps cannot be read (not Linux), nothing is judged, and the
 * test waits for its clients as before. Not a test itself.
 */
final class WriteSpin {
    /** How long the spin must be seen. */
    static final Duration WINDOW = Duration.ofMillis(150);
    private static final long LOOK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Looks that must all find the write, so that one caught between two writes cannot count. */
    private static final int LOOKS = 5;
    /**
     * The spinning thread must have had at least this share (1/5) of a core over the window: a right loop, held
     * off a core in a write it then finishes at once, gets none. A fifth, not more, so that a crowded machine that
     * gives the spinning thread a third of a core still shows it.
     */
    private static final int CPU_SHARE = 5;

    private final LoopUnderTest loop;
    private long firstLookNanos = -1;
    private long lastLookNanos;
    private long cpuAtFirstLook;
    private OptionalLong wakesAtFirstLook = OptionalLong.empty();
    private int looks;
    private long spunNanos;
    private long cpuNanos;

    WriteSpin(LoopUnderTest loop) {
        this.loop = loop;
    }

    /**
     * Whether the spin has been seen; asked again and again, with whether any client has received a byte since
     * the last ask (which starts the watch over). Takes a look at most every 20 ms.
     */
    boolean seen(boolean bytesArrived) {
        long now = System.nanoTime();
        if (bytesArrived) {
            firstLookNanos = -1;
            return false;
        }
        if (now - lastLookNanos < LOOK_EVERY_NANOS) {
            return false;
        }
        lastLookNanos = now;
        OptionalLong wakes = loop.wakes();
        if (wakes.isEmpty() || !inAWrite(loop.thread())) {
            firstLookNanos = -1;
            return false;
        }
        if (firstLookNanos < 0 || !wakes.equals(wakesAtFirstLook)) {
            firstLookNanos = now;
            cpuAtFirstLook = loop.cpuTime();
            wakesAtFirstLook = wakes;
            looks = 1;
            return false;
        }
        looks++;
        spunNanos = now - firstLookNanos;
        cpuNanos = loop.cpuTime() - cpuAtFirstLook;
        return looks >= LOOKS && spunNanos >= WINDOW.toNanos() && cpuNanos * CPU_SHARE >= spunNanos;
    }

    /** What was seen, for the failure. */
    String describe() {
        return String.format("For %.0f ms no client received a byte, and the thread running serve() was inside a"
                + " channel's write() at every look (%d looks), never once waiting, and used %.0f ms of CPU: it"
                + " spins on a write. A client's socket that is full takes nothing, and write() returns at once; a"
                + " loop that tries again until everything is gone stays there for good and serves nobody else."
                + " Keep what is left at the head of that client's queue, add OP_WRITE to its key's interest, and"
                + " go back to select().", spunNanos / 1e6, looks, cpuNanos / 1e6);
    }

    private static boolean inAWrite(Thread thread) {
        if (thread.getState() != Thread.State.RUNNABLE) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals("sun.nio.ch.SocketChannelImpl") && frame.getMethodName().equals("write")) {
                return true;
            }
        }
        return false;
    }
}
