package dev.tutor.exercises.selectors;

import static dev.tutor.exercises.selectors.LoopUnderTest.check;

import dev.tutor.exercises.selectors.ChatClients.Client;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The test of {@link ChatServerTest} that a queue may hold exactly QUEUE_LIMIT bytes and not one more: the
 * lengths of the lines that fill a client's queue at the server to the brim, by the kernel's count of what it
 * holds, and then past it; and the verdict, from what the client that read nothing receives once it reads, on
 * when the server let it go. Not a test itself.
 */
final class QueueLimitProbe {
    /** Room for a unique line's head ("client 1 line 12345 ") and its newline. */
    private static final int MIN_EXACT_LINE = 32;
    /** The most lines sent to fill a queue to QUEUE_LIMIT, the kernel taking more now and then: many times 64 KiB. */
    static final int APPROACH_LINES = 20_000;
    /** What a batch leaves free of a queue when filling it: more than the kernel's count can be short by. */
    private static final int APPROACH_MARGIN = 8 * 1024;

    private QueueLimitProbe() {
    }

    /**
     * The lengths of the lines to send next to a client whose queue holds {@code queued} bytes by the kernel's
     * count: while there is much room, lines that leave APPROACH_MARGIN of it; then one line that fills the
     * queue to exactly QUEUE_LIMIT; once it is full, or past it by the count, one line that must see the client
     * let go.
     */
    static List<Integer> lineLengthsToFill(Random random, long queued) {
        long space = ChatServer.QUEUE_LIMIT - queued;
        List<Integer> lengths = new ArrayList<>();
        if (space > 2 * APPROACH_MARGIN) {
            for (long left = space - APPROACH_MARGIN; left >= ChatServer.MAX_LINE; ) {
                int length = ChatServer.MAX_LINE / 4 + random.nextInt(3 * ChatServer.MAX_LINE / 4 + 1);
                lengths.add(length);
                left -= length;
            }
        } else if (space > 0) {
            lengths.add((int) (space <= ChatServer.MAX_LINE ? Math.max(space, MIN_EXACT_LINE)
                    : Math.min(ChatServer.MAX_LINE, space - MIN_EXACT_LINE)));
        } else { // full to the brim, or past it by the count: the next line must see the client let go
            lengths.add(ChatServer.MAX_LINE / 2 + random.nextInt(ChatServer.MAX_LINE / 2 + 1));
        }
        return lengths;
    }

    /**
     * Judges when the server let {@code stalled} go, once it has read everything it was sent up to the end of its
     * stream ({@code ended}, if that came): {@code sent} bytes in all, the last step's lines each recorded in
     * {@code step} as {bytes sent before it, its length}. Fails unless the client was let go at the line that
     * took its queue past QUEUE_LIMIT.
     */
    static void assertLetGoJustPastTheLimit(Client stalled, boolean ended, long sent, List<long[]> step) {
        long reached = stalled.receivedBytes;
        long total = sent;
        check(ended, () -> "The server stopped watching " + stalled + "'s connection after it had been sent "
                + total / 1024 + " KiB; once it read, it got " + reached / 1024 + " KiB and then neither more nor"
                + " the end of its stream. A client that is let go must be closed.");
        // It was let go at one of the last step's lines; its queue then held what was sent before that line,
        // less what reached it.
        long[] first = step.get(0);
        long[] last = step.get(step.size() - 1);
        long heldAtMost = last[0] - reached;
        long heldAtLeast = first[0] - reached;
        String when = step.size() == 1 ? "when its queue held " + heldAtLeast + " bytes" : "when its queue held"
                + " between " + heldAtLeast + " and " + heldAtMost + " bytes";
        check(heldAtLeast <= ChatServer.QUEUE_LIMIT, () -> "The server let " + stalled + ", which read nothing, go "
                + when + ", more than QUEUE_LIMIT (" + ChatServer.QUEUE_LIMIT + "): the bytes sent to it, less the "
                + reached + " that reached it. A queue holds at most QUEUE_LIMIT bytes: check whether a line fits"
                + " before queueing it.");
        long withTheLine = heldAtMost + last[1];
        check(withTheLine > ChatServer.QUEUE_LIMIT, () -> "The server let " + stalled + ", which read nothing, go "
                + when + (step.size() == 1 ? " and a line of " + last[1] + " bytes came: with it, "
                : ", and with the last line it was sent, ") + withTheLine + " bytes, "
                + (withTheLine == ChatServer.QUEUE_LIMIT ? "exactly QUEUE_LIMIT" : "under QUEUE_LIMIT ("
                + ChatServer.QUEUE_LIMIT + ")") + " (the queue is what was sent to it, less what reached it). A"
                + " queue may hold QUEUE_LIMIT bytes; only a line that would take it past QUEUE_LIMIT means"
                + " disconnection.");
    }
}
