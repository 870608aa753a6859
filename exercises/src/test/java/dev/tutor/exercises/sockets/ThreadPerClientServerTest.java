package dev.tutor.exercises.sockets;

import static dev.tutor.exercises.sockets.ServerClients.ECHO_WAIT_MILLIS;
import static dev.tutor.exercises.sockets.ServerClients.assertEndOfStream;
import static dev.tutor.exercises.sockets.ServerClients.connect;
import static dev.tutor.exercises.sockets.ServerClients.connectIdle;
import static dev.tutor.exercises.sockets.ServerClients.exchange;
import static dev.tutor.exercises.sockets.ServerClients.floodUntilStuck;
import static dev.tutor.exercises.sockets.ServerClients.isOpen;
import static dev.tutor.exercises.sockets.ServerClients.letters;
import static dev.tutor.exercises.sockets.ServerThreads.closeLettingJoinsThrough;
import static dev.tutor.exercises.sockets.ServerThreads.closeLettingThreadStartsThrough;
import static dev.tutor.exercises.sockets.ServerThreads.closeUnlessStuck;
import static dev.tutor.exercises.sockets.ServerThreads.closeWithin;
import static dev.tutor.exercises.sockets.ServerThreads.liveThreads;
import static dev.tutor.exercises.sockets.ServerThreads.names;
import static dev.tutor.exercises.sockets.ServerThreads.serverThreads;
import static dev.tutor.exercises.sockets.ServerThreads.threadsInTheirLastStep;
import static dev.tutor.exercises.sockets.ServerThreads.threadsStillAliveAfter;
import static dev.tutor.exercises.sockets.ServerThreads.virtualThreadsRunningTheServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.sockets.ServerThreads.Closing;
import dev.tutor.exercises.sockets.ServerThreads.Held;
import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.runtime.net.ChaosClient;
import dev.tutor.runtime.net.ChaosClient.Ending;
import dev.tutor.runtime.net.ChaosClient.Pieces;
import dev.tutor.runtime.net.OpenSockets;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link ThreadPerClientServer} with the runtime's {@link ChaosClient}: bytes one at a time, random
 * pieces, several messages glued together, clients that half-close or reset, tiny socket buffers with
 * clients that read late, CodeCrafters' turns and a few hundred clients at once, every run seeded from the
 * test's {@link Random}. The server's threads are the threads alive during a test that were not alive
 * before it started the server; the test itself starts none but those of {@link ServerThreads}, which finds
 * the server's threads and runs close() for the tests.
 *
 * <p>The tests run in the order a learner writes the code: accepting and echoing on a thread per client
 * (hint 1), the end of a client's stream and its failures (hint 2), and {@code close()} (hint 3). One test
 * of {@code close()} runs first, on a server no client has used, because every test closes its server at
 * the end: a close() that takes its whole time limit there would take the exercise's time limit with it.
 * The tests of hints 1 and 2 close their servers without judging close(), which the tests of hint 3 judge.
 * The last two of hint 3 call close(limit) with a limit of their own, so that a right answer's verdict need not
 * wait out the 5 seconds of close(). One test of hint 2 comes last, that a silent client's thread reads with no
 * time-out: a mistake in close() that reads with a time-out too is told about close() first.
 */
@ExtendWith(Seeded.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ThreadPerClientServerTest {

    /** How long a client's thread may take to end once its client has gone. */
    private static final long THREAD_END_MILLIS = 1_000;
    /** How long close() may take; a right answer takes milliseconds. */
    private static final long CLOSE_MILLIS = 2_000;
    /** How much later than its limit close(limit) may return, on a machine busy with other work. */
    private static final long BUSY_MILLIS = 3_000;
    /**
     * How much earlier than its limit close(limit) may return: a deadline counted in the whole milliseconds of
     * System.currentTimeMillis() can fall a millisecond short.
     */
    private static final long EARLY_MILLIS = 5;
    /** The calls that wait until a thread has ended. */
    private static final Set<String> WAITS_FOR_THREADS = Set.of("java.lang.Thread.join",
            "java.util.concurrent.ExecutorService.awaitTermination", "java.util.concurrent.ExecutorService.close");

    /**
     * close() on a server no client has used returns at once, without throwing. A close() not written yet
     * does nothing and passes; one that waits for an accepting thread that never ends does not: once the
     * listening socket is closed, every accept() throws at once, and a loop that catches that and accepts
     * again spins for ever.
     */
    @Test
    @Order(1)
    @Tag("hint:3")
    void closeReturnsAtOnceOnAServerNoClientHasUsed() throws Exception {
        Set<Thread> before = liveThreads();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        List<Thread> serving = serverThreads(before);
        Closing closing = closeWithin(server, CLOSE_MILLIS, serving);
        if (!closing.returned()) {
            fail("close() on a server that no client had connected to had not returned " + CLOSE_MILLIS + " ms"
                    + " later. These threads of the server were still alive: " + String.join("; ",
                    closing.aliveAfter()) + ". close() closes the listening socket, so that accept() throws on the"
                    + " accepting thread, and that thread ends there: from then on every accept() throws at once,"
                    + " so a loop that catches the exception and accepts again never ends.");
        }
        if (closing.thrown() != null) {
            fail("close() on a server that no client had connected to threw " + closing.thrown() + "."
                    + whyCloseThrew(closing.thrown()), closing.thrown());
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void listensOnLoopbackAtAPortTheSystemPicked() throws Exception {
        try (EchoOnly first = EchoOnly.start(); EchoOnly second = EchoOnly.start()) {
            InetSocketAddress address = first.server().address();
            assertNotNull(address, "address() returned null.");
            assertTrue(address.getAddress().isLoopbackAddress(), "The server listens on " + address
                    + "; it must listen on 127.0.0.1 only, where no other machine can reach it.");
            assertNotEquals(0, address.getPort(), "address() says port 0: ask the listening socket for the port"
                    + " the system picked.");
            assertNotEquals(address.getPort(), second.server().address().getPort(), "Two servers started at once both"
                    + " say port " + address.getPort() + ": let the system pick a free port for each.");
        }
    }

    /**
     * One client gets its message back. First the test looks for the accepting thread, alive from the moment
     * start() returns (a thread is alive once its start() has returned, and this one waits in accept() until
     * close()): with no thread of the server alive no client can ever get an echo, and the test says so at once
     * instead of waiting out the client's time-out.
     */
    @Test
    @Order(3)
    @Tag("hint:1")
    void echoesOneClient(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            // A virtual accepting thread is not listed among the server's threads; a later test names it.
            if (serverThreads(before).isEmpty() && virtualThreadsRunningTheServer().isEmpty()) {
                fail("start() had returned, and no thread of the server was alive: nothing was waiting in accept(),"
                        + " so no client would ever get an echo. start() starts the thread that accepts clients, and"
                        + " that thread goes on accepting until close().");
            }
            assertChaos(server, chaos(random).clients(1).pieces(Pieces.WHOLE)
                    .timeout(Duration.ofMillis(800)));
        }
    }

    /**
     * Each client's thread reads into an array of its own. Two clients talk one after the other, one in
     * small letters and one in capitals, and the test looks into the server's fields of type byte[] after
     * each: a field that held the first client's letters and then the second's is read into by both
     * threads. Clients that send at the same moment then get each other's bytes whenever one thread reads
     * into the array between the other's read and its write, a window of microseconds that the chaos tests
     * hit only now and then (a write blocked on a full socket has already copied its bytes out of the
     * array, so holding a thread there does not widen it): the test looks at the array itself.
     */
    @Test
    @Order(4)
    @Tag("hint:1")
    void eachClientsThreadReadsIntoAnArrayOfItsOwn(Random random) throws Exception {
        try (EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            try (Socket first = connect(server); Socket second = connect(server)) {
                exchange(first, letters(random, 'a', 16 + random.nextInt(85)), "Client 1 of 2");
                List<String> heldFirst = sharedArraysHolding(server, 'a');
                exchange(second, letters(random, 'A', 16 + random.nextInt(85)), "Client 2 of 2, which connected"
                        + " while client 1 stayed connected and idle,", new StuckServer(running.before()));
                List<String> heldBoth = sharedArraysHolding(server, 'A').stream().filter(heldFirst::contains)
                        .toList();
                if (!heldBoth.isEmpty()) {
                    fail("Two clients were connected; client 1 sent small letters and got its echo, then client 2"
                            + " sent capitals and got its echo. The byte[] in the server's field " + heldBoth.get(0)
                            + " held client 1's letters after the first echo and client 2's after the second: both"
                            + " clients' threads read into the array in that field. When two clients send at the same"
                            + " moment, one thread then reads into it before the other has written out what it read"
                            + " there, and a client gets the other's bytes. Each client's thread needs an array of its"
                            + " own.");
                }
            }
        }
    }

    @Test
    @Order(5)
    @Tag("hint:1")
    void echoesTheBytesInWhateverPiecesTheyCome(Random random) throws Exception {
        try (EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            for (Pieces pieces : List.of(Pieces.ONE_BYTE, Pieces.RANDOM, Pieces.COALESCED)) {
                assertChaos(server, chaos(random).pieces(pieces)
                        .timeout(Duration.ofMillis(1_500)));
            }
        }
    }

    @Test
    @Order(6)
    @Tag("hint:1")
    void servesClientsWhoTakeTurns(Random random) throws Exception {
        try (EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            // Seven turns of a second each: with 2 s in all, a turn had 285 ms, and the solution once missed one.
            ChaosClient chaos = chaos(random).timeout(Duration.ofMillis(7_000));
            Optional<String> problem = chaos.takeTurns(server.address(), "1 2 1 1 2 close1 3");
            problem.ifPresent(p -> fail("Clients took turns, CodeCrafters' order \"1 2 1 1 2 close1 3\": " + p));
        }
    }

    @Test
    @Order(7)
    @Tag("hint:1")
    void givesEveryClientAThreadThatEndsWithItsConnection(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            int count = 5 + random.nextInt(20);
            List<Socket> connected = new ArrayList<>();
            try {
                for (int c = 0; c < count; c++) {
                    Socket client = connect(server);
                    connected.add(client);
                    exchange(client, random, "client " + (c + 1) + " of " + count + ", with the others connected");
                }
                List<Thread> serving = serverThreads(before);
                if (serving.size() < count + 1) {
                    // Virtual threads are missing from the list above; a dump shows whether they did the serving.
                    List<String> virtual = virtualThreadsRunningTheServer();
                    if (!virtual.isEmpty()) {
                        fail(count + " clients were connected and each had had its echo, and " + virtual.size()
                                + " virtual thread(s) were running the server's code: " + (virtual.size() <= 6
                                ? virtual : virtual.subList(0, 6) + " and more") + "; the server had "
                                + serving.size() + " platform thread(s): " + names(serving) + ". This server gives"
                                + " each client a platform thread of its own, the kind whose cost this lesson counts;"
                                + " virtual threads are another kind, Java's own answer to that cost in lesson 12.");
                    }
                }
                assertTrue(serving.size() >= count + 1, count + " clients were connected, each had had its echo,"
                        + " and the server had " + serving.size() + " thread(s) of its own: " + names(serving)
                        + ". One thread accepts and every client needs one of its own, " + (count + 1) + " in all.");
            } finally {
                for (Socket client : connected) {
                    client.close();
                }
            }
            List<Thread> left = threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
            assertTrue(left.size() <= 1, count + " clients closed their connections, and " + THREAD_END_MILLIS
                    + " ms later the server still had " + left.size() + " threads: " + names(left) + ". Only the"
                    + " accepting thread should be left: a client's thread ends when its client's stream does"
                    + " (a read returns -1), or thousands of clients over a day leave thousands of threads.");
        }
    }

    @Test
    @Order(8)
    @Tag("hint:1")
    void servesAFewHundredClientsAtOnce(Random random) throws Exception {
        try (EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            int clients = 200 + random.nextInt(201);
            assertChaos(server, chaos(random).clients(clients).messages(2, 32)
                    .timeout(Duration.ofSeconds(10)));
        }
    }

    @Test
    @Order(9)
    @Tag("hint:2")
    void aClientThatHalfClosesGetsTheRestOfItsEchoAndThenTheEnd(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            for (Pieces pieces : List.of(Pieces.WHOLE, Pieces.RANDOM, Pieces.ONE_BYTE)) {
                assertChaos(server, chaos(random).pieces(pieces).ending(Ending.HALF_CLOSE)
                        .timeout(Duration.ofMillis(1_500)));
            }
            List<Thread> left = threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
            assertTrue(left.size() <= 1, "Every client half-closed, got its echo and the end of the stream, and"
                    + " closed; " + THREAD_END_MILLIS + " ms later the server still had " + left.size()
                    + " threads: " + names(left) + ".");
            assertHalfClosedConnectionsClosed(server, random, before);
        }
    }

    /**
     * The end of a client's stream ends its connection on the server: the thread closes the socket, not only its
     * own sending side. A client cannot tell the two apart (it sees the end of the stream either way), so the
     * server's end is looked for among this process's open descriptors (Linux, as in the test of resets below)
     * once the client's thread has ended; where there is no /proc only the threads are checked.
     */
    private static void assertHalfClosedConnectionsClosed(ThreadPerClientServer server, Random random,
            Set<Thread> before) throws Exception {
        int port = server.address().getPort();
        int count = 1 + random.nextInt(3);
        List<String> open = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            String who = "client " + (c + 1) + " of " + count;
            try (Socket client = connect(server)) {
                exchange(client, random, who);
                OptionalLong serverEnd = OpenSockets.ofConnection(port, client.getLocalPort());
                client.shutdownOutput();
                assertEquals(-1, client.getInputStream().read(), who + " half-closed after its echo and then read"
                        + " a byte where the end of the stream belonged.");
                threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
                if (serverEnd.isPresent() && OpenSockets.inodes().orElse(Set.of()).contains(serverEnd.getAsLong())) {
                    open.add(who);
                }
            }
        }
        assertTrue(open.isEmpty(), (count == 1 ? "A client had its echo, half-closed and got the end of the"
                + " stream, and its thread on the server ended. Yet the server's end of the connection was still"
                + " open, a descriptor of this process."
                : count + " clients, one after another, had their echo, half-closed and got the end of the stream,"
                + " and each client's thread on the server ended. Yet the server's end of " + open.size() + " of"
                + " those connections was still open, a descriptor of this process: " + open + ".")
                + (count == 1 ? " The client" : " Each client") + " saw the end of the stream, so the server had"
                + " shut down its sending side, but the socket itself was never closed. When a client ends its stream, its thread closes the socket,"
                + " not only its output, and then ends; otherwise each such client leaves an open descriptor"
                + " behind for as long as the server runs.");
    }

    @Test
    @Order(10)
    @Tag("hint:2")
    void aClientThatResetsDisturbsNoOther(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (UncaughtExceptions uncaught = UncaughtExceptions.record(before); EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            for (Pieces pieces : Pieces.values()) {
                assertChaos(server, chaos(random).clients(12).pieces(pieces)
                        .ending(Ending.SOME_RESET).timeout(Duration.ofMillis(1_500)));
            }
            assertChaos(server, chaos(random).clients(3).timeout(Duration.ofMillis(1_500)));
            List<Thread> left = threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
            assertTrue(left.size() <= 1, "Every client left, every third one by resetting its connection, and "
                    + THREAD_END_MILLIS + " ms later the server still had " + left.size() + " threads: "
                    + names(left) + ". A reset is an IOException in that client's thread: catch it there, close"
                    + " that socket and let the thread end.");
            // Every client's thread has ended, so each one's uncaught exception, if any, has been handled.
            List<String> thrown = uncaught.all();
            if (!thrown.isEmpty()) {
                fail("Every client left, every third one by resetting its connection, and threads of the server"
                        + " ended with an exception nobody caught: " + String.join("; ", thrown) + ". A reset is an"
                        + " IOException in that client's thread: catch it there, close that socket and let the thread"
                        + " end by returning. An exception thrown out of the thread ends it too, but the JVM prints it"
                        + " on the server's standard error, a stack trace for every client that resets, where a reset"
                        + " should leave no more trace than a client that was never there.");
            }
        }
    }

    /**
     * A client that resets its connection ends its thread on the server with an exception, and that way out
     * closes the socket too. The kernel forgets a reset connection at once (it leaves /proc/net/tcp), but the
     * server's descriptor for it stays open until the server closes it: one more for every client that
     * resets, for as long as the server runs. Seen on Linux in /proc/self/fd, by the inode /proc/net/tcp gave
     * the server's end while the connection was up; where there is no /proc only the threads are checked.
     * Each client is looked at as soon as its thread has ended: a socket nobody holds any more is closed
     * by the garbage collector's cleaner at its next collection, which would hide the leak.
     */
    @Test
    @Order(11)
    @Tag("hint:2")
    void aClientThatResetsHasItsConnectionClosedByItsThread(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            int port = server.address().getPort();
            int count = 2 + random.nextInt(7);
            List<String> leaked = new ArrayList<>();
            for (int c = 0; c < count; c++) {
                String who = "client " + (c + 1) + " of " + count;
                OptionalLong serverEnd;
                int unread;
                try (Socket client = connect(server)) {
                    exchange(client, random, who);
                    serverEnd = OpenSockets.ofConnection(port, client.getLocalPort());
                    // The first resets while its thread waits in read(); others may reset with bytes on their way,
                    // so that the exception may come from a write.
                    unread = c == 0 || random.nextBoolean() ? 0 : 1 + random.nextInt(4_000);
                    if (unread > 0) {
                        byte[] more = new byte[unread];
                        random.nextBytes(more);
                        client.getOutputStream().write(more);
                    }
                    client.setSoLinger(true, 0); // closing now resets the connection instead of ending the stream
                }
                List<Thread> left = threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
                assertTrue(left.size() <= 1, who + " had its echo and then reset its connection; "
                        + THREAD_END_MILLIS + " ms later the server still had " + left.size() + " threads: "
                        + names(left) + ". A reset is an IOException in that client's thread: it ends that thread.");
                if (serverEnd.isPresent() && OpenSockets.inodes().orElse(Set.of()).contains(serverEnd.getAsLong())) {
                    leaked.add(who + (unread == 0 ? " (reset while idle)"
                            : " (reset after sending " + unread + " more bytes)"));
                }
            }
            assertTrue(leaked.isEmpty(), count + " clients one after another had their echo and then reset their"
                    + " connections, and each time the server's thread for that client ended. Yet the server's end of "
                    + leaked.size() + " of those connections was still open, a descriptor of this process with no"
                    + " thread left to close it: " + leaked + ". A client's thread closes its connection however it"
                    + " ends, on an exception too; otherwise every client that resets leaves one more open"
                    + " descriptor behind, until the process can open no more.");
        }
    }

    @Test
    @Order(12)
    @Tag("hint:2")
    void keepsUpWithClientsThatReadLateThroughTinyBuffers(Random random) throws Exception {
        try (EchoOnly running = EchoOnly.start()) {
            ThreadPerClientServer server = running.server();
            assertChaos(server, chaos(random).clients(10).messages(3, 64 * 1024)
                    .tinyBuffers(true).readLate(true).timeout(Duration.ofSeconds(10)));
            assertChaos(server, chaos(random).clients(10).pieces(Pieces.COALESCED)
                    .messages(20, 4 * 1024).tinyBuffers(true).readLate(true).ending(Ending.HALF_CLOSE)
                    .timeout(Duration.ofSeconds(10)));
        }
    }

    /**
     * A client that ends its stream ends its thread by the thread returning: an exception thrown out of the
     * thread (a write of the -1 that read() returned, say) is printed on the server's standard error for
     * every client, and is no way to end. Seen from this JVM's handler of uncaught exceptions, once close()
     * and a join have seen every thread end.
     */
    @Test
    @Order(13)
    @Tag("hint:2")
    void aClientsThreadEndsByReturningWhenItsClientEndsItsStream(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        UncaughtExceptions uncaught = UncaughtExceptions.record(before);
        ThreadPerClientServer server = ThreadPerClientServer.start();
        int count = 1 + random.nextInt(5);
        List<Integer> sizes = new ArrayList<>();
        try {
            for (int c = 0; c < count; c++) {
                try (Socket client = connect(server)) {
                    byte[] message = new byte[random.nextInt(2_000)];
                    random.nextBytes(message);
                    sizes.add(message.length);
                    client.getOutputStream().write(message);
                    client.shutdownOutput();
                    byte[] echo = client.getInputStream().readAllBytes(); // up to the server's end of the stream
                    assertEquals(message.length, echo.length, "Client " + (c + 1) + " of " + count + " sent "
                            + message.length + " bytes and half-closed; the server sent back " + echo.length
                            + " bytes and then ended the stream.");
                }
            }
            List<Thread> serving = serverThreads(before);
            Closing closing = closeWithin(server, CLOSE_MILLIS, List.of());
            for (Thread thread : serving) {
                thread.join(Duration.ofMillis(THREAD_END_MILLIS)); // the handler has run once the thread has ended
            }
            // The accepting thread's way out of accept() once close() has closed the listening socket is not judged:
            // the contract says only that it ends.
            List<String> thrown = uncaught.since(0, e -> !UncaughtExceptions.fromAccept(e));
            if (!thrown.isEmpty()) {
                fail(count + " clients one after another each sent a message (" + sizes + " bytes), half-closed, and"
                        + " read its echo and the end of the stream; then the test closed the server ("
                        + (closing.returned() ? "close() returned" : "close() had not returned") + "). Threads of"
                        + " the server ended with an exception nobody caught: " + String.join("; ", thrown)
                        + ". When read() returns -1 the client has ended its stream: stop the loop there, write"
                        + " nothing more, and let the thread return.");
            }
        } finally {
            closeWithin(server, CLOSE_MILLIS, List.of());
            uncaught.close();
        }
    }

    /**
     * Read off the compiled class: close() must wait for threads to end, and only a join (or an executor's
     * awaitTermination or close) waits for that. A close() that only closes the sockets leaves the threads
     * ending a few microseconds after it has returned, a race that a check after close() would catch only
     * now and then.
     */
    @Test
    @Order(14)
    @Tag("hint:3")
    void waitsForThreadsToEndWithJoin() {
        // A method reference (threads.forEach(Thread::join) in a helper that catches) waits all the same.
        boolean waits = CompiledNest.of(ThreadPerClientServer.class).uses().stream()
                .filter(use -> use.kind() == CompiledNest.Kind.CALL || use.kind() == CompiledNest.Kind.REFERENCE)
                .anyMatch(use -> WAITS_FOR_THREADS.contains(use.owner() + "." + use.name()));
        assertTrue(waits, "ThreadPerClientServer never waits for a thread to end: it calls none of "
                + WAITS_FOR_THREADS + ". Closing a socket wakes the thread blocked on it, but that thread is still"
                + " running when close() moves on; close() must join() every thread the server started.");
    }

    /**
     * close() with a hundred or more clients connected and idle, and one more whose thread is blocked in
     * write(). Each socket close() closes wakes that client's thread, which ends and takes its socket out while
     * close() is still going through the rest: two threads or more changing and reading the same collection at
     * once. With this many clients that happens on nearly every run; with a few, the race is over too soon to
     * show.
     */
    @Test
    @Order(15)
    @Tag("hint:3")
    void closeEndsEveryConnectionAndEveryThreadItStarted(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        UncaughtExceptions uncaught = UncaughtExceptions.record(before);
        ThreadPerClientServer server = ThreadPerClientServer.start();
        InetSocketAddress address = server.address();
        // Enough clients that the threads close() wakes first are ending while it still goes through the rest.
        int idle = 100 + random.nextInt(101);
        List<Socket> clients = new ArrayList<>();
        SocketChannel flooding = null;
        try {
            for (int c = 0; c < idle; c++) {
                Socket client = connect(server);
                clients.add(client);
                exchange(client, random, "idle client " + (c + 1) + " of " + idle);
            }
            // One client sends without reading, until its thread on the server is blocked in write().
            flooding = SocketChannel.open(address);
            long flooded = floodUntilStuck(flooding);
            int thrownBefore = uncaught.count();
            Closing closing = closeUnlessStuck(server, CLOSE_MILLIS, before);
            String setting = idle + " clients were connected and idle, and one had sent " + flooded + " bytes"
                    + " without reading, so its thread was blocked writing the echo. ";
            if (!closing.returned()) {
                fail(setting + notReturned(closing) + " These threads of the server were still alive: "
                        + String.join("; ", closing.aliveAfter()) + ". A thread blocked in read() or write() waits"
                        + " until its socket is closed: close every client's socket before waiting for the threads.");
            }
            if (closing.thrown() != null) {
                fail(setting + "close() threw " + closing.thrown() + "." + whyCloseThrew(closing.thrown()),
                        closing.thrown());
            }
            assertTrue(closing.aliveAfter().isEmpty(), setting + "close() returned after " + closing.millis()
                    + " ms, and at that moment these threads of the server were still alive: "
                    + String.join("; ", closing.aliveAfter()) + ". close() must wait until every thread the server"
                    + " started has ended, daemon threads too: join them.");
            // Every thread has ended, so each one's uncaught exception, if any, has been handled. The accepting
            // thread's way out of accept() is not judged: the contract says only that it ends.
            List<String> thrown = uncaught.since(thrownBefore, e -> !UncaughtExceptions.fromAccept(e));
            if (!thrown.isEmpty()) {
                fail(setting + "close() returned, and the threads it woke by closing the clients' sockets had ended"
                        + " with an exception nobody caught: " + String.join("; ", thrown) + ". A read or write on a"
                        + " socket that close() has closed throws a SocketException in that client's thread: catch it"
                        + " there, as a reset, and let the thread end by returning. An exception thrown out of the"
                        + " thread is printed on the server's standard error, a stack trace for every client still"
                        + " connected when the server closes.");
            }
            for (int c = 0; c < clients.size(); c++) {
                assertEndOfStream(clients.get(c), "idle client " + (c + 1) + " of " + idle);
            }
            try (Socket late = new Socket()) {
                late.connect(address, ECHO_WAIT_MILLIS);
                fail(setting + "After close() a new client could still connect to " + address
                        + ": close the listening socket.");
            } catch (ConnectException | SocketTimeoutException refused) {
                // as it should be
            }
            Closing again = closeWithin(server, CLOSE_MILLIS, List.of());
            assertTrue(again.returned() && again.thrown() == null, "A second close() "
                    + (again.returned() ? "threw " + again.thrown() : "had not returned " + CLOSE_MILLIS + " ms later")
                    + "; closing a server twice must do nothing.");
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            if (flooding != null) {
                flooding.close();
            }
            closeWithin(server, CLOSE_MILLIS, List.of());
            uncaught.close();
        }
    }

    /**
     * A thread is alive until the JVM has finished ending it, a few microseconds after its last line, and
     * the JVM cannot finish while another thread holds the Thread object's monitor (it takes that monitor to
     * wake the threads in join()). So the test holds the monitor of every thread the server started: each
     * one stays alive in its last step for as long as the test likes, and a close() that does not join it
     * returns while it is alive, on every run. A close() that joins a thread waits for that monitor, and the
     * test lets that one thread go as soon as it sees close() waiting for it.
     *
     * <p>Before close(), some clients leave, and the test waits until their threads have run their last
     * line: a thread that takes itself out of what close() goes through is then still alive.
     */
    @Test
    @Order(16)
    @Tag("hint:3")
    void closeReturnsOnlyOnceEveryThreadHasEnded(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        int staying = random.nextInt(4);
        int leaving = 1 + random.nextInt(3);
        List<Socket> clients = new ArrayList<>();
        List<Held> held = new ArrayList<>();
        try {
            for (int c = 0; c < staying + leaving; c++) {
                Socket client = connect(server);
                clients.add(client);
                exchange(client, random, "client " + (c + 1) + " of " + (staying + leaving));
            }
            List<Thread> serving = serverThreads(before);
            for (Thread thread : serving) {
                held.add(Held.hold(thread));
            }
            for (Socket client : clients.subList(staying, clients.size())) {
                client.close();
            }
            List<Thread> ending = threadsInTheirLastStep(serving, leaving, THREAD_END_MILLIS);
            String setting = staying + " client(s) stayed connected and idle, " + leaving + " had closed their"
                    + " connections, and their threads had run their last line (" + names(ending) + "). ";
            if (ending.size() < leaving) {
                fail(setting + "Only " + ending.size() + " of the " + leaving + " threads of the clients that left had"
                        + " run their last line " + THREAD_END_MILLIS + " ms after the clients closed.");
            }
            Closing closing = closeLettingJoinsThrough(server, serving, held, CLOSE_MILLIS);
            if (!closing.returned()) {
                fail(setting + "close() had not returned " + CLOSE_MILLIS + " ms later. These threads of the server"
                        + " were still alive: " + String.join("; ", closing.aliveAfter()) + ".");
            }
            if (closing.thrown() != null) {
                fail(setting + "close() threw " + closing.thrown() + "." + whyCloseThrew(closing.thrown()),
                        closing.thrown());
            }
            assertTrue(closing.aliveAfter().isEmpty(), setting + "The test kept each thread of the server alive in"
                    + " its last step until close() waited for it. close() returned without waiting for these,"
                    + " which were still alive: " + String.join("; ", closing.aliveAfter()) + ". Closing a socket"
                    + " wakes the thread blocked on it, and closing the listening socket wakes the accepting thread,"
                    + " but a thread is alive until after its last line: close() must join() every thread the"
                    + " server started, and so must still be able to reach each one until it has ended.");
        } finally {
            for (Held hold : held) {
                hold.letGo();
            }
            for (Socket client : clients) {
                client.close();
            }
            closeWithin(server, CLOSE_MILLIS, List.of());
        }
    }

    /**
     * close() ends a client the server accepted while close() was running, as well as those it had before.
     * The test holds the accepting thread inside {@code new Thread(...)} for a client it has just accepted,
     * as the next test does, calls close(), and lets the accepting thread go on the moment close() waits for
     * something: that client's thread starts after close() has begun. A close() that goes through the
     * clients' sockets before the accepting thread has ended can miss that client's, and its thread then
     * waits in read() for as long as the client stays.
     */
    @Test
    @Order(17)
    @Tag("hint:3")
    void closeEndsAClientAcceptedWhileItRuns(Random random) throws Exception {
        ThreadStartHold hold = new ThreadStartHold();
        Set<Thread> before = liveThreads();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        int idle = random.nextInt(4);
        List<Socket> clients = new ArrayList<>();
        try {
            connectIdle(server, random, idle, clients);
            hold.arm();
            Socket late = connect(server);
            clients.add(late);
            String setting = idle + " client(s) were connected and idle; then one more connected, and the test held"
                    + " the thread that accepted it inside new Thread(...) for it, called close(), and let that"
                    + " thread go on as soon as close() was waiting for something. ";
            if (!hold.awaitHeld(ECHO_WAIT_MILLIS)) {
                fail(setting + "But no thread of the server created a thread for that client within "
                        + ECHO_WAIT_MILLIS + " ms of its connecting.");
            }
            Closing closing = closeLettingThreadStartsThrough(server, before, hold, CLOSE_MILLIS);
            if (!closing.returned() || !closing.aliveAfter().isEmpty()) {
                String seen = closing.returned() ? "close() returned, and at that moment these threads of the"
                        + " server were still alive: " : notReturned(closing) + " These threads of the server were"
                        + " still alive: ";
                fail(setting + seen + String.join("; ", closing.aliveAfter()) + "." + (isOpen(late)
                        ? " The last client's connection was still open: close() went through the clients' sockets"
                        + " before that client was among them. Either close() closed them before the accepting thread"
                        + " had ended, or the client's socket was added to them only later, by its own thread. Add each"
                        + " client's socket on the accepting thread, before its thread starts, and stop accepting and"
                        + " wait for the accepting thread to end before closing the clients' sockets; then no client"
                        + " is added after."
                        : " close() must wait for every thread the server started, one that started after close()"
                        + " began too."));
            }
            if (closing.thrown() != null) {
                fail(setting + "close() threw " + closing.thrown() + "." + whyCloseThrew(closing.thrown()),
                        closing.thrown());
            }
            assertEndOfStream(late, "the client accepted as close() began");
            for (int c = 0; c < idle; c++) {
                assertEndOfStream(clients.get(c), "idle client " + (c + 1) + " of " + idle);
            }
        } finally {
            letGoAndClose(hold, clients, server);
        }
    }

    /**
     * The other end of close(limit)'s contract: it waits for the threads it started, but not past its limit.
     * The test stops the accepting thread outside any socket call, where closing sockets cannot wake it: inside
     * {@code new Thread(...)} for the next client, which asks the test's inheritable thread-local for the new
     * thread's value on the accepting thread, and keeps it there, interrupted or not, to the end of the test.
     * close(limit), with a limit of a few hundred milliseconds, must return once the limit has passed: not
     * before, since that thread is alive all along, and not much later, without throwing, and with every idle
     * client's connection closed. At least one client is idle, so that close(limit) still has a client's
     * thread to join once the deadline has passed.
     */
    @Test
    @Order(18)
    @Tag("hint:3")
    void closeGivesUpOnAThreadThatNeverEndsOnceItsLimitHasPassed(Random random) throws Exception {
        ThreadStartHold hold = new ThreadStartHold();
        Set<Thread> before = liveThreads();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        int idle = 1 + random.nextInt(3);
        Duration limit = Duration.ofMillis(200 + random.nextInt(201));
        List<Socket> clients = new ArrayList<>();
        try {
            connectIdle(server, random, idle, clients);
            List<Thread> serving = serverThreads(before);
            String setting = holdTheAcceptingThread(server, hold, idle, clients) + "Then the test called close(limit)"
                    + " with a limit of " + limit.toMillis() + " ms. ";
            long most = limit.toMillis() + BUSY_MILLIS;
            Closing closing = closeWithin(server, limit, most, serving);
            if (!closing.returned()) {
                fail(setting + "It had not returned " + most + " ms later. close(limit) waits for the threads until"
                        + " limit after it was called, one deadline for all of them: join each with the time left"
                        + " until it, and return once it has passed.");
            }
            if (closing.thrown() != null) {
                fail(setting + "It threw " + closing.thrown() + " after " + closing.millis() + " ms; a thread that"
                        + " has not ended by the deadline is left running, and close(limit) returns all the same."
                        + whyCloseThrew(closing.thrown()), closing.thrown());
            }
            if (closing.millis() < limit.toMillis() - EARLY_MILLIS) {
                fail(setting + "It returned after " + closing.millis() + " ms, while the thread the test held, \""
                        + hold.holding().getName() + "\", was alive, and it stayed alive to the end of the test:"
                        + " close(limit) waits for every thread the server started until they have ended or the limit"
                        + " has passed.");
            }
            for (int c = 0; c < idle; c++) {
                assertEndOfStream(clients.get(c), "idle client " + (c + 1) + " of " + idle + ", with a thread of"
                        + " the server stuck,");
            }
        } finally {
            letGoAndClose(hold, clients, server);
        }
    }

    /**
     * close(limit) with no time to wait, a limit of zero or less, closes the server just the same and returns
     * at once, with the accepting thread stopped where closing wakes nothing, as in the test before.
     */
    @Test
    @Order(19)
    @Tag("hint:3")
    void closeWithALimitOfZeroOrLessClosesAndDoesNotWait(Random random) throws Exception {
        ThreadStartHold hold = new ThreadStartHold();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        int idle = 1 + random.nextInt(3);
        Duration limit = random.nextBoolean() ? Duration.ZERO : Duration.ofMillis(-1 - random.nextInt(1_000));
        List<Socket> clients = new ArrayList<>();
        try {
            connectIdle(server, random, idle, clients);
            String setting = holdTheAcceptingThread(server, hold, idle, clients) + "Then the test called close(limit)"
                    + " with a limit of " + limit.toMillis() + " ms. ";
            Closing closing = closeWithin(server, limit, CLOSE_MILLIS, List.of());
            if (!closing.returned()) {
                fail(setting + (closing.millis() < CLOSE_MILLIS ? "After " + closing.millis() + " ms it was waiting"
                        + " in Thread.join with no time limit, while the test held one of the server's threads, which would"
                        + " never end."
                        : "It had not returned " + CLOSE_MILLIS + " ms later.") + " With a limit of zero or less"
                        + " there is no time to wait for any thread: close(limit) closes the server and returns. No"
                        + " time left is not the same as no limit, which is what Thread.join(0) takes a zero for.");
            }
            if (closing.thrown() != null) {
                fail(setting + "It threw " + closing.thrown() + "." + whyCloseThrew(closing.thrown()),
                        closing.thrown());
            }
            for (int c = 0; c < idle; c++) {
                assertEndOfStream(clients.get(c), "idle client " + (c + 1) + " of " + idle + ", closed with a limit"
                        + " of " + limit.toMillis() + " ms,");
            }
        } finally {
            letGoAndClose(hold, clients, server);
        }
    }

    /**
     * A client that sends nothing has not ended its stream: it keeps its connection and its thread for as long as
     * it stays, and that thread waits in read() with no time-out (the lesson's client that says nothing for an
     * hour keeps a thread for an hour). A few clients each have an echo and then stay, silent, and the test looks
     * at the stacks of the server's threads until it has seen one waiting in a read for each client: a read with
     * a time-out waits in NioSocketImpl.timedRead, and is failed as soon as it is seen, not when the time-out has
     * run out and the thread has perhaps hung up on its client. It runs last, after the tests of close(): a
     * close() that sets a flag, which the clients' threads look at between reads with a time-out, fails there,
     * with the hint about close().
     */
    @Test
    @Order(20)
    @Tag("hint:2")
    void aSilentClientsThreadWaitsInAReadWithNoTimeOut(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (EchoOnly running = EchoOnly.start()) {
            int silent = 1 + random.nextInt(4);
            List<Socket> clients = new ArrayList<>();
            try {
                connectIdle(running.server(), random, silent, clients);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ECHO_WAIT_MILLIS);
                int waiting = 0;
                // A right answer's threads are back in read() microseconds after their echo; until all are seen
                // there, look again. One not seen by the deadline is not judged.
                while (waiting < silent && System.nanoTime() < deadline) {
                    waiting = 0;
                    for (Thread thread : serverThreads(before)) {
                        StackTraceElement[] stack = thread.getStackTrace();
                        if (StuckServer.readingWithATimeOut(stack)) {
                            fail(silent + " client(s) had their echo and then stayed connected, sending nothing. The"
                                    + " server's thread \"" + thread.getName() + "\" was waiting in a read with a"
                                    + " time-out (NioSocketImpl.timedRead: setSoTimeout had given the socket one)."
                                    + " A client that sends nothing has not ended its stream, and its thread waits in"
                                    + " read() for as long as the client stays connected, with no time-out: a read"
                                    + " with one gives up with a SocketTimeoutException while the client is only"
                                    + " quiet, and a thread that ends there cuts off a client still connected. A"
                                    + " client's thread ends when its connection does: at -1, or on the IOException"
                                    + " of a reset or of close().");
                        }
                        if (StuckServer.readingWithoutATimeOut(stack)) {
                            waiting++;
                        }
                    }
                    if (waiting < silent) {
                        Thread.sleep(1);
                    }
                }
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }

    // ---- helpers ----

    /** After a test that held a thread of the server: lets it go, closes the test's clients and the server. */
    private static void letGoAndClose(ThreadStartHold hold, List<Socket> clients, ThreadPerClientServer server)
            throws Exception {
        hold.close();
        for (Socket client : clients) {
            client.close();
        }
        closeWithin(server, CLOSE_MILLIS, List.of());
    }

    /**
     * Connects one more client to {@code server} after the {@code idle} ones, and holds the thread that accepts
     * it inside {@code new Thread(...)} for it; fails unless a thread of the server is held. Returns what was
     * done, for a message.
     */
    private static String holdTheAcceptingThread(ThreadPerClientServer server, ThreadStartHold hold, int idle,
            List<Socket> clients) throws IOException, InterruptedException {
        hold.arm();
        clients.add(connect(server));
        String setting = idle + " client(s) were connected and idle; then one more connected, and the test kept the"
                + " thread that accepted it from ever ending: it stopped it inside new Thread(...), where no socket"
                + " call is waiting and closing a socket wakes nothing. ";
        if (!hold.awaitHeld(ECHO_WAIT_MILLIS)) {
            fail(setting + "But no thread of the server created a thread for that client within " + ECHO_WAIT_MILLIS
                    + " ms of its connecting.");
        }
        return setting;
    }

    /** A chaos client with a seed from the test's random, small enough to read in a message. */
    private static ChaosClient chaos(Random random) {
        return ChaosClient.seeded(random.nextInt(1_000_000));
    }

    private static void assertChaos(ThreadPerClientServer server, ChaosClient chaos) {
        Optional<String> problem = chaos.echo(server.address());
        problem.ifPresent(p -> fail("The chaos client found: " + p.replace("timed out after", "timed out, after")));
    }

    /**
     * The names of the server's fields of type byte[], instance and static, whose array begins with a letter
     * of the alphabet that begins at {@code first}: where a thread that read a client's letters put them.
     */
    private static List<String> sharedArraysHolding(ThreadPerClientServer server, char first) {
        List<String> holding = new ArrayList<>();
        for (Field field : ThreadPerClientServer.class.getDeclaredFields()) {
            if (field.getType() != byte[].class || field.isSynthetic()) {
                continue;
            }
            try {
                field.setAccessible(true);
                byte[] array = (byte[]) field.get(Modifier.isStatic(field.getModifiers()) ? null : server);
                if (array != null && array.length > 0 && array[0] >= first && array[0] < first + 26) {
                    holding.add(field.getName());
                }
            } catch (ReflectiveOperationException | RuntimeException unreadable) {
                // a field the test cannot read is one it cannot judge
            }
        }
        return holding;
    }

    /**
     * What an exception out of close() tells, where it tells something: a ConcurrentModificationException is a
     * collection that one thread went through while another changed it, and Thread.join(millis) throws an
     * IllegalArgumentException for a time below zero.
     */
    /** What a close() that had not returned was seen doing: waiting out the test's time, or stuck for good. */
    private static String notReturned(Closing closing) {
        if (closing.millis() >= CLOSE_MILLIS) {
            return "close() had not returned " + CLOSE_MILLIS + " ms later.";
        }
        return "After " + closing.millis() + " ms close() was still waiting, and would have waited for ever: every"
                + " thread of the server was blocked in accept(), read() or write() with no time-out, which only a"
                + " client can end, and the clients did nothing.";
    }

    private static String whyCloseThrew(Throwable thrown) {
        if (thrown instanceof IllegalArgumentException && String.valueOf(thrown.getMessage()).contains("negative")) {
            return " Thread.join(millis) refuses a time below zero, which is what is left once the deadline has"
                    + " passed: by then there is no time left to wait for any thread.";
        }
        if (!(thrown instanceof ConcurrentModificationException)) {
            return " close() returns without throwing.";
        }
        return " A collection close() was going through was changed meanwhile. Each socket close() closes wakes"
                + " that client's thread, which ends and takes its socket out while close() is still going through"
                + " the others: what the server keeps its clients in is changed and gone through by several threads"
                + " at once, and must be made for that.";
    }

    /**
     * A server for a test of hint 1 or 2, closed at its end without judging close(): a close() that threw
     * or hung there would offer those tests' hints for a mistake that hint 3 is about.
     */
    /** A server that only echoes, and the threads alive before it started: the server's are the others. */
    private record EchoOnly(ThreadPerClientServer server, Set<Thread> before) implements AutoCloseable {
        static EchoOnly start() throws IOException {
            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            return new EchoOnly(ThreadPerClientServer.start(), before);
        }

        @Override
        public void close() throws InterruptedException {
            closeWithin(server, CLOSE_MILLIS, List.of());
        }
    }
}
