package dev.tutor.app.tui.demo;

import dev.tutor.runtime.meter.EchoMeters;
import dev.tutor.runtime.net.EpollInterest;
import dev.tutor.runtime.net.EpollWatch;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The meters demo's body, run on the demo's own thread: three echo servers and their probes from the runtime,
 * looked at a few times a second, each look handed on as a {@link MeterBoard} together with the kernel's view of
 * the Selector's interest list.
 */
final class MetersDemo {
    /** Between two looks: four a second, quick enough to watch, slow enough to read. */
    static final long LOOK_MILLIS = 250;
    /** The meters run at most this long; the probes stop by then anyway. */
    static final Duration MAX_TIME = Duration.ofMinutes(10);
    static final String LINUX_ONLY = "The kernel's view of the Selector's interest list is read from /proc:"
            + " Linux only.";

    private MetersDemo() {
    }

    /**
     * Runs the meters until {@code stopped} says so or {@link #MAX_TIME} is up, reporting a look whenever
     * {@code frameDue} allows; closes every server, client and thread before it returns.
     */
    static void run(BooleanSupplier stopped, BooleanSupplier frameDue, Consumer<MeterBoard> looked,
                    Consumer<String> failed) throws InterruptedException {
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        try (EchoMeters meters = EchoMeters.start(EchoMeters.LIGHT)) {
            meters.read(); // the starting point of the CPU meters
            while (!stopped.getAsBoolean()) {
                Thread.sleep(LOOK_MILLIS);
                // Read even while paused, so that the CPU after a pause is over the last look, not the whole pause.
                MeterBoard board = look(meters);
                if (frameDue.getAsBoolean() && !stopped.getAsBoolean()) {
                    looked.accept(board);
                }
                if (System.nanoTime() - deadline > 0) {
                    failed.accept("The meters stopped after " + MAX_TIME.toMinutes() + " minutes; esc and s start"
                            + " them again.");
                    return;
                }
            }
        } catch (IOException e) {
            failed.accept("The meters could not open their sockets: " + e.getMessage());
        }
    }

    private static MeterBoard look(EchoMeters meters) {
        if (!EpollInterest.available()) {
            return new MeterBoard(meters.read(), -1, List.of(), LINUX_ONLY, 0);
        }
        Optional<Integer> epfd = meters.selectorEpollFd();
        if (epfd.isEmpty()) {
            return new MeterBoard(meters.read(), -1, List.of(),
                    "Could not tell which epoll instance is the Selector's: another opened at the same time.", 0);
        }
        try {
            List<EpollWatch> interest = EpollInterest.interestList(epfd.get());
            return new MeterBoard(meters.read(), epfd.get(), interest, "", meters.slowReaderPort());
        } catch (IOException e) {
            return new MeterBoard(meters.read(), -1, List.of(), "Could not read the interest list: " + e.getMessage(),
                    0);
        }
    }
}
