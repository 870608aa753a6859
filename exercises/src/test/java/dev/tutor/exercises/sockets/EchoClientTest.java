package dev.tutor.exercises.sockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.runtime.net.NativeTask;
import dev.tutor.runtime.net.PollWait;
import dev.tutor.runtime.net.TcpState;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link EchoClient}. Each test starts a small server of its own on loopback that plays one part:
 * an echo cut into random pieces with pauses between them, an echo that ends early, a server that goes
 * silent, one that resets the connection, one that never accepts. Lengths, pieces, pauses and time-outs
 * come from the test's seeded {@link Random}, and every failure names the seed.
 *
 * <p>{@code exchange} runs on a daemon thread of the test, so that an answer that blocks for ever fails
 * with a message as soon as a right answer would have returned, instead of at the grader's time limit.
 * Whether the socket was closed is seen from the server, which waits for the client's end of stream, and,
 * where no connection was made, from this process's count of open file descriptors.
 *
 * <p>The tests run in the order a learner writes the code: the read loop (hint 1), the end of stream
 * (hint 2), time-outs and closing (hint 3).
 */
@ExtendWith(Seeded.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EchoClientTest {

    /** The time-out given to exchange() where the test does not vary it: plenty for loopback. */
    private static final Duration GENEROUS = Duration.ofMillis(1_500);
    /** How long past its own time-out an exchange may take before the test calls it stuck. */
    private static final long STUCK_MILLIS = 1_000;
    /**
     * How late a time-out may fire on a busy machine: a socket's wait ends on the kernel's timer, and the
     * thread may wait a while longer for a core. A time-out of a second written in, however the test sets it,
     * comes later than this.
     */
    private static final long LATE_MILLIS = 300;
    /** How long the server waits for the client to close its side once the exchange is over. */
    private static final long CLOSE_WAIT_MILLIS = 1_000;
    private static final int MAX_MESSAGE = 16 * 1024;

    @Test
    @Order(1)
    @Tag("hint:1")
    void readsTheWholeEchoHoweverItIsCut(Random random) throws Exception {
        List<Integer> lengths = List.of(100 + random.nextInt(2_000), 4_000 + random.nextInt(MAX_MESSAGE - 4_000),
                3 + random.nextInt(30), 2, 1, 0);
        for (int round = 0; round < lengths.size(); round++) {
            byte[] message = message(random, lengths.get(round));
            List<byte[]> pieces = cut(message, random);
            // Every server but the empty message's sends more after the echo, in the same write as its last
            // piece, so that a read can return the echo's end and bytes beyond it together: up to 9,000 bytes
            // in odd rounds, which overflow an echo array a read copies whole, a few in even ones, which a
            // read asking for more than the bytes still missing takes in whole (assertTailLeftUnread sees it).
            // The empty message's server sends nothing at all: any read there waits for nothing.
            byte[] extra = message.length == 0 ? new byte[0]
                    : message(random, round % 2 == 1 ? 1 + random.nextInt(9_000) : 1 + random.nextInt(16));
            List<byte[]> writes = new ArrayList<>(pieces);
            if (writes.isEmpty()) {
                writes.add(extra);
            } else {
                writes.set(writes.size() - 1, concat(writes.getLast(), extra));
            }
            int pauseMillis = 1 + random.nextInt(4);
            try (ScriptedServer server = ScriptedServer.start(message.length,
                    socket -> sendWithPauses(socket, writes, pauseMillis))) {
                Outcome outcome = Outcome.of(server.address(), message, GENEROUS,
                        message.length == 0 ? Server.SENDS_NOTHING : Server.ANSWERS);
                String what = message.length == 0 ? "The server read the 0-byte message, sent nothing back and kept"
                        + " the connection open. "
                        : "The server read the " + message.length + "-byte message and sent it back in "
                        + pieces.size() + " piece(s) of " + sizes(pieces) + " bytes, " + pauseMillis + " ms apart"
                        + ", with " + extra.length + " more bytes in the same write as the echo's end, and kept the"
                        + " connection open. ";
                if (outcome.waitingWithoutLimit) {
                    fail(what + "exchange() was still waiting in a read " + outcome.waitedMillis + " ms after it was"
                            + " called" + outcome.where() + ". An empty echo is whole before any byte comes, and"
                            + " this read waits for bytes the server never sends: return the empty array without"
                            + " reading (a loop that runs while got < message.length reads nothing).");
                }
                if (outcome.finished && outcome.thrown instanceof IndexOutOfBoundsException && extra.length > 0) {
                    fail(what + "exchange() threw " + named(outcome.thrown) + ": a read returned bytes beyond the"
                            + " echo, and they did not fit. Ask each read for at most the bytes still missing.",
                            outcome.thrown);
                }
                outcome.assertReturned(what, GENEROUS);
                if (outcome.result.length != message.length) {
                    fail(what + "exchange() returned " + outcome.result.length + " bytes instead of "
                            + message.length + (pieces.size() > 1 && outcome.result.length == pieces.get(0).length
                            ? ": as many as the first piece. One read returns what has arrived so far; read"
                              + " again until the whole echo has come." : "."));
                }
                assertArrayEquals(message, outcome.result, what + "exchange() returned other bytes than the echo.");
                byte[] received = server.received();
                if (received == null) {
                    fail(what + "exchange() returned without the server ever reading a message: it did not connect."
                            + (message.length == 0 ? " An empty message connects too, and sends nothing." : ""));
                }
                assertArrayEquals(message, received, what + "The server received other bytes than"
                        + " the message: send all of it, once.");
                if (message.length > 0 && extra.length <= 16) {
                    assertTailLeftUnread(server, what, extra.length);
                }
            }
        }
    }

    /**
     * Fails if the client's socket, closed once exchange() has returned, ended the connection in order, as a
     * socket does only with nothing left unread: it read the {@code tail} bytes the server sent after the
     * echo. Linux answers the close of a socket that still holds unread bytes with a reset and drops its end
     * at once, inside close(); any other close leaves the end listed, in FIN_WAIT1 or later. The tail came in
     * the same segment as the echo's last byte, so it was there before the echo was whole: a right answer's
     * end is always gone, whatever the machine's load. An end still ESTABLISHED was not closed, which
     * closesItsSocketAfterAnEchoAndAfterAnEndOfStream tells.
     */
    private static void assertTailLeftUnread(ScriptedServer server, String what, int tail) {
        Socket accepted = server.accepted;
        if (accepted == null) {
            return;
        }
        Optional<String> state = TcpState.of(accepted.getPort(), accepted.getLocalPort());
        if (state.isPresent() && ORDERLY_CLOSE.contains(state.get())) {
            fail(what + "exchange() returned the echo, but its socket then ended the connection in order (the"
                    + " kernel showed the client's end in " + state.get() + "), which a socket closed with bytes"
                    + " still unread does not do: it had read the " + tail + " byte(s) the server sent after the"
                    + " echo. Read exactly message.length bytes and no further: ask each read for at most the"
                    + " bytes still missing, in.read(echo, got, echo.length - got), and through no buffer or"
                    + " buffered stream of your own.");
        }
    }

    /** The states of an end closed with a FIN: an end closed with unread bytes is reset and not listed at all. */
    private static final Set<String> ORDERLY_CLOSE = Set.of("FIN_WAIT1", "FIN_WAIT2", "CLOSING", "TIME_WAIT");

    @Test
    @Order(2)
    @Tag("hint:2")
    void anEchoThatEndsEarlyIsAnEofExceptionThatCountsTheBytes(Random random) throws Exception {
        int[][] cases = {
            {2 + random.nextInt(40), 0},
            {2 + random.nextInt(40), -1},
            {50 + random.nextInt(MAX_MESSAGE - 50), -2},
        };
        for (int[] c : cases) {
            int length = c[0];
            int sent = c[1] == 0 ? 0 : c[1] == -1 ? length - 1 : 1 + random.nextInt(length - 2);
            byte[] message = message(random, length);
            List<byte[]> pieces = sent == 0 ? List.of() : cut(Arrays.copyOf(message, sent), random);
            try (ScriptedServer server = ScriptedServer.start(length, socket -> {
                sendWithPauses(socket, pieces, 1);
                socket.shutdownOutput();    // the end of the stream: the client's next read returns -1
            })) {
                Outcome outcome = Outcome.of(server.address(), message, GENEROUS);
                String what = "The server read the " + length + "-byte message, sent back " + sent + " of its bytes"
                        + (pieces.size() > 1 ? " in " + pieces.size() + " pieces" : "") + " and ended the stream. ";
                if (!outcome.finished) {
                    fail(what + "exchange() had not returned " + STUCK_MILLIS + " ms later" + outcome.where()
                            + ". At the end of the stream read() returns -1, at once and on every call after;"
                            + " it is not an error and it does not block, so a loop must stop on it.");
                }
                if (outcome.thrown == null) {
                    fail(what + "exchange() returned " + outcome.result.length + " bytes instead of throwing an"
                            + " EOFException: a short echo must not pass for a whole one.");
                }
                if (!(outcome.thrown instanceof EOFException)) {
                    fail(what + "exchange() threw " + named(outcome.thrown) + " instead of an EOFException.",
                            outcome.thrown);
                }
                String text = String.valueOf(outcome.thrown.getMessage());
                assertTrue(mentions(text, sent) && mentions(text, length),
                        what + "exchange() threw an EOFException whose message, \"" + text + "\", does not say"
                                + " both how many bytes came (" + sent + ") and how many were expected (" + length
                                + ").");
                var ofWhole = Pattern.compile("(?<![0-9])([0-9]+) of ([0-9]+)(?![0-9])").matcher(text.replace(",", ""));
                while (ofWhole.find()) {
                    String said = ofWhole.group();
                    assertTrue(said.equals(sent + " of " + length), what + "exchange() threw an EOFException whose"
                            + " message, \"" + text + "\", says \"" + said + "\": \"N of M\" reads as N bytes came of"
                            + " M expected, which here is \"" + sent + " of " + length + "\".");
                }
            }
        }
    }

    @Test
    @Order(3)
    @Tag("hint:3")
    void aServerThatGoesSilentIsASocketTimeoutException(Random random) throws Exception {
        // Longer than LATE_MILLIS: a read tried once more after its time-out comes too late to pass.
        Duration timeout = Duration.ofMillis(LATE_MILLIS + 20 + random.nextInt(180));
        int length = 10 + random.nextInt(500);
        int sent = random.nextInt(length);
        byte[] message = message(random, length);
        try (ScriptedServer server = ScriptedServer.start(length, socket -> {
            socket.getOutputStream().write(message, 0, sent);
            // and then nothing: the connection stays open and silent
        })) {
            Outcome outcome = Outcome.of(server.address(), message, timeout, Server.FALLS_SILENT);
            String what = "The server read the " + length + "-byte message, sent back " + sent + " bytes and then"
                    + " nothing, with the connection open; the time-out was " + timeout.toMillis() + " ms. ";
            if (!outcome.finished) {
                fail(what + "exchange() " + (outcome.waitingWithoutLimit ? "was reading with no time-out, after "
                        + outcome.waitedMillis + " ms" : "had not returned " + (timeout.toMillis() + STUCK_MILLIS)
                        + " ms later") + outcome.where() + ". A read on a socket with no time-out waits for ever: give"
                        + " every read the time-out with setSoTimeout before the first one.");
            }
            if (!(outcome.thrown instanceof SocketTimeoutException)) {
                fail(what + "exchange() " + (outcome.thrown == null ? "returned " + outcome.result.length + " bytes"
                        : "threw " + named(outcome.thrown)) + " instead of a SocketTimeoutException.", outcome.thrown);
            }
            assertTrue(outcome.millis >= timeout.toMillis() - 20,
                    what + "exchange() gave up after " + outcome.millis + " ms, before the time-out.");
            assertInTime(outcome, timeout, what, "read");
            server.assertClientClosed(what + "exchange() threw its SocketTimeoutException, ");
        }
    }

    @Test
    @Order(4)
    @Tag("hint:3")
    void theTimeOutIsForSilenceNotForTheWholeEcho(Random random) throws Exception {
        Duration timeout = Duration.ofMillis(400);
        long pauseMillis = 100;
        int pieceCount = 7 + random.nextInt(2);
        byte[] message = message(random, pieceCount * (1 + random.nextInt(40)));
        List<byte[]> pieces = evenPieces(message, pieceCount);
        try (ScriptedServer server = ScriptedServer.start(message.length,
                socket -> sendWithPauses(socket, pieces, pauseMillis))) {
            Outcome outcome = Outcome.of(server.address(), message, timeout);
            String what = "With a time-out of " + timeout.toMillis() + " ms the server sent the " + message.length
                    + "-byte echo in " + pieceCount + " pieces, " + pauseMillis + " ms apart: "
                    + (pieceCount - 1) * pauseMillis + " ms in all, but never " + timeout.toMillis()
                    + " ms of silence. ";
            assertWaitedOnlyForSilence(outcome, what, Duration.ofMillis(pieceCount * pauseMillis + timeout.toMillis()));
            assertArrayEquals(message, outcome.result, what + "exchange() returned other bytes than the echo.");
        }
        // A time-out of a second or more, whose whole seconds count as much as its milliseconds.
        Duration longer = Duration.ofSeconds(1 + random.nextInt(2)).plusMillis(20 + random.nextInt(60));
        long longPause = 250;
        byte[] second = message(random, 2 + random.nextInt(100));
        List<byte[]> halves = evenPieces(second, 2);
        try (ScriptedServer server = ScriptedServer.start(second.length,
                socket -> sendWithPauses(socket, halves, longPause))) {
            Outcome outcome = Outcome.of(server.address(), second, longer);
            String what = "With a time-out of " + longer.toMillis() + " ms the server sent the " + second.length
                    + "-byte echo in 2 pieces, " + longPause + " ms apart. ";
            assertWaitedOnlyForSilence(outcome, what, Duration.ofMillis(longPause + longer.toMillis()));
            assertArrayEquals(second, outcome.result, what + "exchange() returned other bytes than the echo.");
        }
    }

    /** Fails unless the call returned, naming a time-out that came before any silence as long as it. */
    private static void assertWaitedOnlyForSilence(Outcome outcome, String what, Duration limit) {
        if (outcome.finished && outcome.thrown instanceof SocketTimeoutException) {
            fail(what + "exchange() threw " + named(outcome.thrown) + " " + outcome.millis + " ms after it was called,"
                    + " while the echo was still coming and before any silence as long as the time-out. The"
                    + " time-out is how long one read may wait for a byte, in whole milliseconds: toMillis(), set"
                    + " once with setSoTimeout.", outcome.thrown);
        }
        outcome.assertReturned(what, limit);
    }

    @Test
    @Order(5)
    @Tag("hint:3")
    void closesItsSocketAfterAnEchoAndAfterAnEndOfStream(Random random) throws Exception {
        byte[] message = message(random, 1 + random.nextInt(2_000));
        try (ScriptedServer server = ScriptedServer.start(message.length,
                socket -> socket.getOutputStream().write(message))) {
            Outcome outcome = Outcome.of(server.address(), message, GENEROUS);
            String what = "The server echoed the " + message.length + "-byte message at once and kept the connection"
                    + " open. ";
            outcome.assertReturned(what, GENEROUS);
            server.assertClientClosed(what + "exchange() returned the echo, ");
        }
        int sent = random.nextInt(message.length);
        try (ScriptedServer server = ScriptedServer.start(message.length, socket -> {
            socket.getOutputStream().write(message, 0, sent);
            socket.shutdownOutput();
        })) {
            Outcome outcome = Outcome.of(server.address(), message, GENEROUS);
            String what = "The server sent back " + sent + " of the message's " + message.length + " bytes and ended"
                    + " the stream. ";
            if (!outcome.finished || !(outcome.thrown instanceof EOFException)) {
                fail(what + "exchange() " + (!outcome.finished ? "had not returned " + STUCK_MILLIS + " ms later"
                        : outcome.thrown == null ? "returned" : "threw " + named(outcome.thrown))
                        + " instead of throwing an EOFException.", outcome.thrown);
            }
            server.assertClientClosed(what + "exchange() threw its EOFException, ");
        }
    }

    @Test
    @Order(6)
    @Tag("hint:3")
    void aConnectionThatIsNeverMadeIsASocketTimeoutException(Random random) throws Exception {
        Duration timeout = Duration.ofMillis(100 + random.nextInt(150));
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Nobody accepts, and a backlog of 1 holds only a connection or two: after them, the kernel lets
            // new connection requests wait unanswered, so connect() waits too.
            List<Socket> fillers = new ArrayList<>();
            try {
                assumeTrue(fillBacklog(full, fillers), "This system answers connections beyond the backlog at"
                        + " once, so a connection that is never made cannot be staged here.");
                InetSocketAddress address = (InetSocketAddress) full.getLocalSocketAddress();
                OptionalLong before = openDescriptors();
                Outcome outcome = Outcome.of(address, message(random, 8), timeout, Server.NEVER_ACCEPTS);
                String what = "The server never accepted the connection; the time-out was " + timeout.toMillis()
                        + " ms. ";
                if (outcome.connectTimeOutMillis > 0) {
                    fail(what + "exchange() was connecting with a time-out of its own, " + outcome.connectTimeOutMillis
                            + " ms (the system's poll it waited in says so), which nobody answering makes it wait to"
                            + " the end, far past the time-out it was given" + outcome.where() + ". The time-out is a"
                            + " parameter, different in every test: give it, in milliseconds, to the connect and to"
                            + " every read.");
                }
                if (!outcome.finished) {
                    fail(what + "exchange() " + (outcome.waitingWithoutLimit ? "was connecting with no time limit"
                            : "was still trying to connect " + (timeout.toMillis() + STUCK_MILLIS) + " ms later")
                            + outcome.where() + ". new Socket(host, port) waits as long as the system does, often"
                            + " minutes; make the socket with new Socket() and connect(server, millis).");
                }
                if (!(outcome.thrown instanceof SocketTimeoutException)) {
                    fail(what + "exchange() " + (outcome.thrown == null ? "returned" : "threw " + named(outcome.thrown))
                            + " instead of a SocketTimeoutException.", outcome.thrown);
                }
                assertInTime(outcome, timeout, what, "connect");
                assertNoDescriptorLeft(before, what + "exchange() threw its SocketTimeoutException");
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @Test
    @Order(7)
    @Tag("hint:3")
    void aRefusedConnectionIsTheConnectException(Random random) throws Exception {
        InetSocketAddress nobodyListens;
        try (ServerSocket closedAgain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobodyListens = (InetSocketAddress) closedAgain.getLocalSocketAddress();
        }
        OptionalLong before = openDescriptors();
        Outcome outcome = Outcome.of(nobodyListens, message(random, 8), GENEROUS);
        String what = "Nothing listened on port " + nobodyListens.getPort() + ". ";
        if (!outcome.finished || !(outcome.thrown instanceof ConnectException)) {
            fail(what + "exchange() " + (!outcome.finished ? "had not returned " + STUCK_MILLIS + " ms later"
                    : outcome.thrown == null ? "returned" : "threw " + named(outcome.thrown))
                    + " instead of letting connect()'s ConnectException through.", outcome.thrown);
        }
        assertNoDescriptorLeft(before, what + "exchange() threw " + named(outcome.thrown));
    }

    @Test
    @Order(8)
    @Tag("hint:3")
    void aResetConnectionIsAnIoExceptionAndClosesTheSocket(Random random) throws Exception {
        int length = 20 + random.nextInt(2_000);
        int sent = random.nextInt(length / 2);
        byte[] message = message(random, length);
        OptionalLong before = openDescriptors();
        try (ScriptedServer server = ScriptedServer.start(length, socket -> {
            socket.getOutputStream().write(message, 0, sent);
            Thread.sleep(20);
            socket.setSoLinger(true, 0);    // closing now sends a reset, not an orderly end
            socket.close();
        })) {
            Outcome outcome = Outcome.of(server.address(), message, GENEROUS);
            String what = "The server read the " + length + "-byte message, sent back " + sent + " bytes and reset"
                    + " the connection. ";
            if (!outcome.finished) {
                fail(what + "exchange() had not returned " + STUCK_MILLIS + " ms later" + outcome.where() + ".");
            }
            if (outcome.thrown == null) {
                fail(what + "exchange() returned " + outcome.result.length + " bytes instead of throwing.");
            }
            assertTrue(outcome.thrown instanceof IOException, what + "exchange() threw " + named(outcome.thrown)
                    + ", which is not an IOException: let the read's own exception through.");
            assertFalse(outcome.thrown instanceof EOFException, what + "exchange() threw " + named(outcome.thrown)
                    + ", which says the server ended the stream. A reset is not an end of stream: EOFException is"
                    + " for a read that returns -1; let the read's own exception (a SocketException) through.");
        }
        assertNoDescriptorLeft(before, "After a reset the server was closed and exchange() threw");
    }

    // ---- the call, run where a hang can be seen ----

    /** What the test's server does with the connection: what a call's wait may be judged by. */
    private enum Server {
        /** It plays its part and answers; nothing is judged before the limit. */
        ANSWERS,
        /** It never accepts: a connect with no time limit, or a longer one of its own, waits to its end. */
        NEVER_ACCEPTS,
        /** It falls silent, the echo unfinished, and keeps the connection open: a read with no time-out waits on. */
        FALLS_SILENT,
        /**
         * It sends nothing, the message being empty, and keeps the connection open: the echo is whole before any
         * read, so a read of any kind, timed or not, waits for bytes that never come.
         */
        SENDS_NOTHING
    }

    /** How one call of exchange() ended: returned, threw, or was still running when the test gave up. */
    private static final class Outcome {
        byte[] result;
        Throwable thrown;
        boolean finished;
        long millis;
        StackTraceElement[] stack;
        /** How long the test waited for a call that had not returned. */
        long waitedMillis;
        /**
         * Whether the wait ended early, the call seen in a connect or a read with no time limit that only the server
         * could end, and the server will not; or, for an empty message, in any read at all.
         */
        boolean waitingWithoutLimit;
        /**
         * The time-out of the connect the wait ended early on, seen in the system's poll (PollWait), longer than
         * the exchange's time-out and {@link #LATE_MILLIS}; 0 if none.
         */
        int connectTimeOutMillis;

        /** Calls exchange() on a daemon thread and waits for it up to its time-out and {@link #STUCK_MILLIS}. */
        static Outcome of(InetSocketAddress address, byte[] message, Duration timeout) throws InterruptedException {
            return of(address, message, timeout, Server.ANSWERS);
        }

        /**
         * As above, knowing what the server will do. For a server that never accepts, the wait also ends once the
         * call is seen twice, 50 ms apart, in a connect with no time limit: the system's own connect waits minutes.
         * It ends as well once the call is seen, alone, in a connect whose time-out (the poll it sleeps in) runs
         * past the exchange's time-out and {@link #LATE_MILLIS}: nothing answers, so that connect cannot end
         * sooner, and the call comes back too late. For a server that falls silent with the echo unfinished, it
         * ends once the call is seen twice, 50 ms apart and alone, in a read with no time-out: only more bytes or
         * the server's close could end that read, and neither comes before the call is late. For an empty message,
         * whose server sends nothing, it ends once the call is seen in any read, timed or not, for 50 ms: the echo
         * was whole before that read, which can end only with its time-out or the test's close, both wrong.
         */
        static Outcome of(InetSocketAddress address, byte[] message, Duration timeout, Server server)
                throws InterruptedException {
            Outcome outcome = new Outcome();
            CountDownLatch done = new CountDownLatch(1);
            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            String[] task = {""};
            long start = System.nanoTime();
            Thread caller = new Thread(() -> {
                task[0] = NativeTask.current().orElse(""); // empty: then no poll is seen
                try {
                    outcome.result = EchoClient.exchange(address, message.clone(), timeout);
                } catch (Throwable t) {
                    outcome.thrown = t;
                }
                outcome.millis = (System.nanoTime() - start) / 1_000_000;
                done.countDown();
            }, "exchange");
            caller.setDaemon(true);
            caller.start();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeout.toMillis() + STUCK_MILLIS);
            long endlessSince = 0;
            while (true) {
                outcome.finished = done.await(5, TimeUnit.MILLISECONDS);
                if (outcome.finished || System.nanoTime() >= deadline) {
                    break;
                }
                if (server == Server.NEVER_ACCEPTS) {
                    outcome.connectTimeOutMillis = connectTimeOutTooLong(caller, task[0], timeout, before);
                    if (outcome.connectTimeOutMillis > 0) {
                        break;
                    }
                }
                boolean endless = switch (server) {
                    case NEVER_ACCEPTS -> connectsWithoutLimit(caller.getStackTrace());
                    case FALLS_SILENT -> readsWithoutLimit(caller.getStackTrace()) && alone(caller, before);
                    case SENDS_NOTHING -> reads(caller.getStackTrace());
                    case ANSWERS -> false;
                };
                if (!endless) {
                    endlessSince = 0;
                } else if (endlessSince == 0) {
                    endlessSince = System.nanoTime();
                } else if (System.nanoTime() - endlessSince > TimeUnit.MILLISECONDS.toNanos(50)) {
                    outcome.waitingWithoutLimit = true;
                    break;
                }
            }
            if (!outcome.finished) {
                outcome.stack = caller.getStackTrace();
                outcome.waitedMillis = (System.nanoTime() - start) / 1_000_000;
            }
            return outcome;
        }

        /**
         * The time-out of the poll the caller sleeps in within a connect with a time-out (timedFinishConnect), if
         * it runs past {@code timeout} and {@link #LATE_MILLIS} and no thread but the JVM's own has started since
         * the call (none that could close the socket sooner); 0 if not.
         */
        private static int connectTimeOutTooLong(Thread caller, String task, Duration timeout, Set<Thread> before) {
            if (task.isEmpty()) {
                return 0;
            }
            int millis = PollWait.of(task).map(PollWait::timeoutMillis).orElse(0);
            if (millis <= timeout.toMillis() + LATE_MILLIS
                    || Stream.of(caller.getStackTrace()).noneMatch(f -> f.getMethodName().equals("timedFinishConnect"))
                    // the same poll before and after the stack: the one that connect sleeps in
                    || PollWait.of(task).map(PollWait::timeoutMillis).orElse(0) != millis) {
                return 0;
            }
            return alone(caller, before) ? millis : 0;
        }

        /** Whether no thread but the JVM's own has started since the call: none that could close the socket sooner. */
        private static boolean alone(Thread caller, Set<Thread> before) {
            return Thread.getAllStackTraces().keySet().stream().allMatch(t -> t == caller
                    || before.contains(t) || !t.isAlive() || inTheSystemGroup(t));
        }

        /** The JVM's own threads (an attach listener, say) are in the "system" group; read once, it may be gone. */
        private static boolean inTheSystemGroup(Thread thread) {
            ThreadGroup group = thread.getThreadGroup();
            return group != null && group.getName().equals("system");
        }

        /**
         * Whether a stack is in the system's blocking connect, which a Socket without a connect time-out makes
         * (Net.connect0 with no NioSocketImpl.timedFinishConnect, on the JDK's socket implementation).
         */
        private static boolean connectsWithoutLimit(StackTraceElement[] stack) {
            return stack.length > 0 && stack[0].getMethodName().equals("connect0")
                    && Stream.of(stack).noneMatch(f -> f.getMethodName().equals("timedFinishConnect"));
        }

        /**
         * Whether a stack is in a socket's read with no time-out: the system's read itself, or the poll with no
         * time-out the JDK's socket waits in once the socket is non-blocking (NioSocketImpl.implRead with no
         * timedRead), rather than the timed poll that setSoTimeout makes.
         */
        private static boolean readsWithoutLimit(StackTraceElement[] stack) {
            return stack.length > 0 && (stack[0].getMethodName().equals("read0") || stack[0].getMethodName().equals("poll"))
                    && Stream.of(stack).anyMatch(f -> f.getMethodName().equals("implRead")
                    && f.getClassName().equals("sun.nio.ch.NioSocketImpl"))
                    && Stream.of(stack).noneMatch(f -> f.getMethodName().equals("timedRead"));
        }

        /** Whether a stack is waiting in a socket's read (NioSocketImpl.implRead), with a time-out or without. */
        private static boolean reads(StackTraceElement[] stack) {
            return stack.length > 0 && (stack[0].getMethodName().equals("read0") || stack[0].getMethodName().equals("poll"))
                    && Stream.of(stack).anyMatch(f -> f.getMethodName().equals("implRead")
                    && f.getClassName().equals("sun.nio.ch.NioSocketImpl"));
        }

        /** Fails unless the call returned a non-null array within {@code limit} and a margin. */
        void assertReturned(String what, Duration limit) {
            if (!finished) {
                fail(what + "exchange() had not returned " + (limit.toMillis() + STUCK_MILLIS) + " ms later" + where()
                        + ".");
            }
            if (thrown instanceof SocketTimeoutException) {
                fail(what + "exchange() threw " + named(thrown) + ", " + millis + " ms after it was called: it was"
                        + " still reading when the whole echo had come. Read exactly message.length bytes, and no"
                        + " further.", thrown);
            }
            if (thrown != null) {
                fail(what + "exchange() threw " + named(thrown) + ".", thrown);
            }
            if (result == null) {
                fail(what + "exchange() returned null.");
            }
        }

        /** Where the stuck call was, as ", in EchoClient.exchange line 42", or nothing. */
        String where() {
            if (stack == null) {
                return "";
            }
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().equals(EchoClient.class.getName())) {
                    return ", at " + frame.getMethodName() + " line " + frame.getLineNumber() + " of EchoClient";
                }
            }
            return "";
        }
    }

    // ---- a server that plays one part ----

    /** What the server does once it has read the whole message. */
    @FunctionalInterface
    private interface Script {
        void play(Socket socket) throws IOException, InterruptedException;
    }

    /**
     * A one-connection server on loopback: it accepts, reads exactly the message's length, plays its
     * script, and then waits for the client's end of stream (or reset), which tells it the client closed.
     */
    private static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket listening;
        private final Thread thread;
        private final CountDownLatch clientClosed = new CountDownLatch(1);
        private final CountDownLatch exchangeOver = new CountDownLatch(1);
        private final CountDownLatch messageRead = new CountDownLatch(1);
        private volatile byte[] received;
        private volatile Socket accepted;

        private ScriptedServer(ServerSocket listening, int expect, Script script) {
            this.listening = listening;
            this.thread = new Thread(() -> serve(expect, script), "scripted-server");
            thread.setDaemon(true);
        }

        static ScriptedServer start(int expect, Script script) throws IOException {
            ScriptedServer server = new ScriptedServer(new ServerSocket(0, 5, InetAddress.getLoopbackAddress()),
                    expect, script);
            server.thread.start();
            return server;
        }

        InetSocketAddress address() {
            return (InetSocketAddress) listening.getLocalSocketAddress();
        }

        /** What the server read of the message: all of it, or less if the client stopped sending. */
        byte[] received() throws InterruptedException {
            messageRead.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return received;
        }

        private void serve(int expect, Script script) {
            try (Socket socket = listening.accept()) {
                accepted = socket;
                socket.setTcpNoDelay(true);   // every piece leaves at once, as a piece of its own
                socket.setSoTimeout(3_000);
                InputStream in = socket.getInputStream();
                received = in.readNBytes(expect);
                messageRead.countDown();
                script.play(socket);
                if (socket.isClosed()) {
                    return;
                }
                try {
                    while (in.read() != -1) {
                        // the client has nothing more to send; wait for its end of stream
                    }
                } catch (SocketTimeoutException stillOpen) {
                    return;
                } catch (IOException reset) {
                    // closing a socket with unread bytes in it resets the connection: closed all the same
                    clientClosed.countDown();
                    return;
                }
                // Bytes written now would reach a half-closed client that is still reading, so the probe
                // waits until the test has seen exchange() end.
                if (exchangeOver.await(3 * CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS) && closedNotHalfClosed(socket)) {
                    clientClosed.countDown();
                }
            } catch (IOException | InterruptedException e) {
                // the test is over, or the client went away
            }
        }

        /**
         * After the client's end of stream, which a half-close sends as well as a close: true once the
         * client's socket is seen closed. A closed socket answers bytes with a reset, after which a write
         * fails; a half-closed one takes them. No event announces the reset, so this looks every 2 ms.
         */
        private static boolean closedNotHalfClosed(Socket socket) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * CLOSE_WAIT_MILLIS);
            try {
                OutputStream out = socket.getOutputStream();
                while (System.nanoTime() < deadline) {
                    out.write('.');
                    out.flush();
                    Thread.sleep(2);
                }
                return false;
            } catch (IOException reset) {
                return !socket.isClosed();   // not closed by this test's own close()
            }
        }

        /**
         * Fails unless the client closed its socket within {@link #CLOSE_WAIT_MILLIS}. Called once exchange()
         * has ended; where the kernel shows the client's end still ESTABLISHED then, it fails at once, since a
         * close() inside the call would have moved it on before the call returned (TcpState).
         */
        void assertClientClosed(String afterWhat) throws InterruptedException {
            exchangeOver.countDown();
            Socket socket = accepted;
            boolean stillOpen = socket != null && TcpState.of(socket.getPort(), socket.getLocalPort())
                    .filter(TcpState.ESTABLISHED::equals).isPresent();
            if (stillOpen) {
                fail(afterWhat + "and once it had returned, the kernel still showed the client's end of the connection"
                        + " open both ways (ESTABLISHED): the client's socket was not closed. Close it on every way out,"
                        + " with try-with-resources.");
            }
            if (!clientClosed.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                fail(afterWhat + "and " + CLOSE_WAIT_MILLIS + " ms later the server still saw the connection open:"
                        + " the client's socket was not closed. Close it on every way out, with try-with-resources.");
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            exchangeOver.countDown();
            listening.close();
            Socket socket = accepted;
            if (socket != null) {
                socket.close();
            }
            thread.join(2_000);
        }
    }

    // ---- inputs ----

    /** {@code length} random printable bytes. */
    private static byte[] message(Random random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('!' + random.nextInt(94));
        }
        return bytes;
    }

    /** Random pieces of {@code message}, the first one short, so that one read cannot take it all. */
    private static List<byte[]> cut(byte[] message, Random random) {
        List<byte[]> pieces = new ArrayList<>();
        int at = 0;
        while (at < message.length) {
            int most = pieces.isEmpty() ? Math.max(1, message.length / 2) : Math.max(1, message.length / 3);
            int size = Math.min(message.length - at, 1 + random.nextInt(Math.min(most, 4_000)));
            pieces.add(Arrays.copyOfRange(message, at, at + size));
            at += size;
        }
        return pieces;
    }

    private static List<byte[]> evenPieces(byte[] message, int count) {
        List<byte[]> pieces = new ArrayList<>();
        int size = message.length / count;
        for (int i = 0; i < count; i++) {
            pieces.add(Arrays.copyOfRange(message, i * size, i == count - 1 ? message.length : (i + 1) * size));
        }
        return pieces;
    }

    private static void sendWithPauses(Socket socket, List<byte[]> pieces, long pauseMillis)
            throws IOException, InterruptedException {
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0) {
                Thread.sleep(pauseMillis);
            }
            out.write(pieces.get(i));
            out.flush();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static String sizes(List<byte[]> pieces) {
        List<Integer> sizes = pieces.stream().map(p -> p.length).toList();
        return sizes.size() <= 8 ? sizes.toString() : sizes.subList(0, 8).toString().replace("]", ", ...]");
    }

    /** True if {@code text} has {@code number} as a number of its own, not as part of a longer one. */
    private static boolean mentions(String text, int number) {
        return Pattern.compile("(?<![0-9])" + number + "(?![0-9])").matcher(text.replace(",", "")).find();
    }

    /**
     * The exception's class and its message in quotes, for a failure message. The grader takes a failure
     * whose message says "timed out after" for its own time limit, and the JDK's read time-out says "Read
     * timed out", so the message is quoted (no following word can join it) and the phrase reworded.
     */
    static String named(Throwable thrown) {
        String message = thrown.getMessage();
        return thrown.getClass().getName() + (message == null ? ""
                : " (\"" + message.replace("timed out after", "timed out, after") + "\")");
    }

    // ---- descriptors ----

    /**
     * Connects to {@code full} until a connection is not made within 200 ms, keeping the ones that were.
     * True when that happened within a few tries: the next connection will wait too.
     */
    private static boolean fillBacklog(ServerSocket full, List<Socket> fillers) throws IOException {
        for (int i = 0; i < 8; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(full.getLocalSocketAddress(), 200);
                fillers.add(socket);
            } catch (SocketTimeoutException waits) {
                socket.close();
                return true;
            }
        }
        return false;
    }

    /** How many file descriptors this process has open, where the system says. */
    private static OptionalLong openDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return OptionalLong.of(unix.getOpenFileDescriptorCount());
        }
        return OptionalLong.empty();
    }

    /**
     * Fails if the SocketTimeoutException came well after {@code timeout}: a time-out of the learner's own
     * (a second written in) rather than the one given, or a read tried again after its time-out.
     */
    private static void assertInTime(Outcome outcome, Duration timeout, String what, String waitingIn) {
        assertTrue(outcome.millis <= timeout.toMillis() + LATE_MILLIS, what + "exchange() threw its"
                + " SocketTimeoutException after " + outcome.millis + " ms, more than " + LATE_MILLIS + " ms past"
                + " the time-out it was given: the " + waitingIn + " waited on a time-out of its own, or was"
                + " tried again once its time ran out. The time-out is a parameter, different in every test: give"
                + " it, in milliseconds, to the connect and to every read, and let the first SocketTimeoutException"
                + " end the exchange.");
    }

    private static void assertNoDescriptorLeft(OptionalLong before, String afterWhat) {
        OptionalLong after = openDescriptors();
        if (before.isPresent() && after.isPresent()) {
            assertEquals(before.getAsLong(), after.getAsLong(), afterWhat + ", and this process then had "
                    + (after.getAsLong() - before.getAsLong()) + " more file descriptor(s) open than before the call:"
                    + " the socket was left open. Make it the resource of a try-with-resources statement, so that"
                    + " it is closed when connect() or a read throws, too.");
        }
    }
}
