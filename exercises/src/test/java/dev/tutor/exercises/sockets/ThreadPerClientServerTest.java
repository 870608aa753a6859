package dev.tutor.exercises.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.runtime.net.ChaosClient;
import dev.tutor.runtime.net.ChaosClient.Ending;
import dev.tutor.runtime.net.ChaosClient.Pieces;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
 * before it started the server; the test itself starts none.
 *
 * <p>The tests run in the order a learner writes the code: accepting and echoing on a thread per client
 * (hint 1), the end of a client's stream and its failures (hint 2), and {@code close()} (hint 3).
 */
@ExtendWith(Seeded.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ThreadPerClientServerTest {

    /** How long a client's thread may take to end once its client has gone. */
    private static final long THREAD_END_MILLIS = 1_000;
    /** How long close() may take; a right answer takes milliseconds. */
    private static final long CLOSE_MILLIS = 2_000;
    /** The calls that wait until a thread has ended. */
    private static final Set<String> WAITS_FOR_THREADS = Set.of("java.lang.Thread.join",
            "java.util.concurrent.ExecutorService.awaitTermination", "java.util.concurrent.ExecutorService.close");
    /** How long a client waits for an echo in the tests' own exchanges. */
    private static final int ECHO_WAIT_MILLIS = 1_000;
    /** A virtual thread's first line in a plain thread dump: {@code #31 "its name" virtual ...}. */
    private static final Pattern VIRTUAL_THREAD = Pattern.compile("#\\d+ \"(.*)\" virtual\\b");
    /** What Linux's /proc/self/fd/N links to for a socket. */
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    @Test
    @Order(1)
    @Tag("hint:1")
    void listensOnLoopbackAtAPortTheSystemPicked() throws Exception {
        try (ThreadPerClientServer first = ThreadPerClientServer.start();
             ThreadPerClientServer second = ThreadPerClientServer.start()) {
            InetSocketAddress address = first.address();
            assertNotNull(address, "address() returned null.");
            assertTrue(address.getAddress().isLoopbackAddress(), "The server listens on " + address
                    + "; it must listen on 127.0.0.1 only, where no other machine can reach it.");
            assertNotEquals(0, address.getPort(), "address() says port 0: ask the listening socket for the port"
                    + " the system picked.");
            assertNotEquals(address.getPort(), second.address().getPort(), "Two servers started at once both"
                    + " say port " + address.getPort() + ": let the system pick a free port for each.");
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void echoesOneClient(Random random) throws Exception {
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
            assertChaos(server, chaos(random).clients(1).pieces(Pieces.WHOLE)
                    .timeout(Duration.ofMillis(800)));
        }
    }

    @Test
    @Order(3)
    @Tag("hint:1")
    void echoesTheBytesInWhateverPiecesTheyCome(Random random) throws Exception {
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
            for (Pieces pieces : List.of(Pieces.ONE_BYTE, Pieces.RANDOM, Pieces.COALESCED)) {
                assertChaos(server, chaos(random).pieces(pieces)
                        .timeout(Duration.ofMillis(1_500)));
            }
        }
    }

    @Test
    @Order(4)
    @Tag("hint:1")
    void servesClientsWhoTakeTurns(Random random) throws Exception {
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
            // Seven turns of a second each: with 2 s in all, a turn had 285 ms, and the solution once missed one.
            ChaosClient chaos = chaos(random).timeout(Duration.ofMillis(7_000));
            Optional<String> problem = chaos.takeTurns(server.address(), "1 2 1 1 2 close1 3");
            problem.ifPresent(p -> fail("Clients took turns, CodeCrafters' order \"1 2 1 1 2 close1 3\": " + p));
        }
    }

    @Test
    @Order(5)
    @Tag("hint:1")
    void givesEveryClientAThreadThatEndsWithItsConnection(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
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
    @Order(6)
    @Tag("hint:1")
    void servesAFewHundredClientsAtOnce(Random random) throws Exception {
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
            int clients = 200 + random.nextInt(201);
            assertChaos(server, chaos(random).clients(clients).messages(2, 32)
                    .timeout(Duration.ofSeconds(10)));
        }
    }

    @Test
    @Order(7)
    @Tag("hint:2")
    void aClientThatHalfClosesGetsTheRestOfItsEchoAndThenTheEnd(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
            for (Pieces pieces : List.of(Pieces.WHOLE, Pieces.RANDOM, Pieces.ONE_BYTE)) {
                assertChaos(server, chaos(random).pieces(pieces).ending(Ending.HALF_CLOSE)
                        .timeout(Duration.ofMillis(1_500)));
            }
            List<Thread> left = threadsStillAliveAfter(before, THREAD_END_MILLIS, 1);
            assertTrue(left.size() <= 1, "Every client half-closed, got its echo and the end of the stream, and"
                    + " closed; " + THREAD_END_MILLIS + " ms later the server still had " + left.size()
                    + " threads: " + names(left) + ".");
        }
    }

    @Test
    @Order(8)
    @Tag("hint:2")
    void aClientThatResetsDisturbsNoOther(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
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
    @Order(9)
    @Tag("hint:2")
    void aClientThatResetsHasItsConnectionClosedByItsThread(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
            int port = server.address().getPort();
            int count = 2 + random.nextInt(7);
            List<String> leaked = new ArrayList<>();
            for (int c = 0; c < count; c++) {
                String who = "client " + (c + 1) + " of " + count;
                OptionalLong serverEnd;
                int unread;
                try (Socket client = connect(server)) {
                    exchange(client, random, who);
                    serverEnd = socketInode(port, client.getLocalPort());
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
                if (serverEnd.isPresent() && openSocketInodes().contains(serverEnd.getAsLong())) {
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
    @Order(10)
    @Tag("hint:2")
    void keepsUpWithClientsThatReadLateThroughTinyBuffers(Random random) throws Exception {
        try (ThreadPerClientServer server = ThreadPerClientServer.start()) {
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
    @Order(11)
    @Tag("hint:2")
    void aClientsThreadEndsByReturningWhenItsClientEndsItsStream(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        List<String> uncaught = new CopyOnWriteArrayList<>();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add("\"" + thread.getName() + "\" threw "
                + e + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : "")));
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
            if (!uncaught.isEmpty()) {
                fail(count + " clients one after another each sent a message (" + sizes + " bytes), half-closed, and"
                        + " read its echo and the end of the stream; then the test closed the server ("
                        + (closing.returned() ? "close() returned" : "close() had not returned") + "). Threads of"
                        + " the server ended with an exception nobody caught: " + String.join("; ", uncaught)
                        + ". When read() returns -1 the client has ended its stream: stop the loop there, write"
                        + " nothing more, and let the thread return.");
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
            closeWithin(server, CLOSE_MILLIS, List.of());
        }
    }

    /**
     * Read off the compiled class: close() must wait for threads to end, and only a join (or an executor's
     * awaitTermination or close) waits for that. A close() that only closes the sockets leaves the threads
     * ending a few microseconds after it has returned, a race that a check after close() would catch only
     * now and then.
     */
    @Test
    @Order(12)
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

    @Test
    @Order(13)
    @Tag("hint:3")
    void closeEndsEveryConnectionAndEveryThreadItStarted(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        InetSocketAddress address = server.address();
        int idle = 3 + random.nextInt(8);
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
            List<Thread> serving = serverThreads(before);

            Closing closing = closeWithin(server, CLOSE_MILLIS, serving);
            String setting = idle + " clients were connected and idle, and one had sent " + flooded + " bytes"
                    + " without reading, so its thread was blocked writing the echo. ";
            if (!closing.returned()) {
                fail(setting + "close() had not returned " + CLOSE_MILLIS + " ms later. These threads of the server"
                        + " were still alive: " + String.join("; ", closing.aliveAfter()) + ". A thread blocked in"
                        + " read() or write() waits until its socket is closed: close every client's socket before"
                        + " waiting for the threads.");
            }
            if (closing.thrown() != null) {
                fail(setting + "close() threw " + closing.thrown() + "." + whyCloseThrew(closing.thrown()),
                        closing.thrown());
            }
            assertTrue(closing.aliveAfter().isEmpty(), setting + "close() returned after " + closing.millis()
                    + " ms, and at that moment these threads of the server were still alive: "
                    + String.join("; ", closing.aliveAfter()) + ". close() must wait until every thread the server"
                    + " started has ended, daemon threads too: join them.");
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
        }
    }

    /**
     * close() with a hundred or more clients connected and idle. Each socket close() closes wakes that
     * client's thread, which ends and takes its socket out while close() is still going through the rest:
     * two threads or more changing and reading the same collection at once. With this many clients that
     * happens on nearly every run; with the few of the test before, the race is over too soon to show.
     */
    @Test
    @Order(14)
    @Tag("hint:3")
    void closeEndsHundredsOfConnectionsWhileTheirThreadsEnd(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        int count = 100 + random.nextInt(101);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int c = 0; c < count; c++) {
                clients.add(connect(server));
            }
            // Every client has had its echo, so each has a thread on the server, waiting in read().
            for (int c = 0; c < count; c++) {
                exchange(clients.get(c), random, "idle client " + (c + 1) + " of " + count);
            }
            List<Thread> serving = serverThreads(before);

            Closing closing = closeWithin(server, CLOSE_MILLIS, serving);
            String setting = count + " clients were connected and idle, each had had its echo, and the test closed"
                    + " the server. ";
            if (!closing.returned()) {
                fail(setting + "close() had not returned " + CLOSE_MILLIS + " ms later. These threads of the server"
                        + " were still alive: " + String.join("; ", closing.aliveAfter()) + ".");
            }
            if (closing.thrown() != null) {
                fail(setting + "close() threw " + closing.thrown() + " after " + closing.millis() + " ms."
                        + whyCloseThrew(closing.thrown()), closing.thrown());
            }
            assertTrue(closing.aliveAfter().isEmpty(), setting + "close() returned after " + closing.millis()
                    + " ms, and at that moment these threads of the server were still alive: "
                    + String.join("; ", closing.aliveAfter()) + ". However many clients there are, close() returns"
                    + " once every thread the server started has ended.");
            for (int c = 0; c < count; c++) {
                assertEndOfStream(clients.get(c), "idle client " + (c + 1) + " of " + count);
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            closeWithin(server, CLOSE_MILLIS, List.of());
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
    @Order(15)
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
     * The other end of close()'s contract: it waits for the threads it started, but not for ever. The test
     * stops the accepting thread outside any socket call, where closing sockets cannot wake it: inside
     * {@code new Thread(...)} for the next client, which asks the test's inheritable thread-local for the new
     * thread's value on the accepting thread. close() must give up on that thread about 5 seconds after it
     * was called, and return without throwing.
     */
    @Test
    @Order(16)
    @Tag("hint:3")
    void closeGivesUpOnAThreadThatNeverEndsAfterAboutFiveSeconds(Random random) throws Exception {
        Thread test = Thread.currentThread();
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InheritableThreadLocal<String> holdsThreadStarts = new InheritableThreadLocal<>() {
            @Override
            protected String childValue(String parentValue) {
                if (Thread.currentThread() != test && armed.get()) {
                    stuck.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return parentValue;
            }
        };
        holdsThreadStarts.set("inherited by every thread the server starts");
        Set<Thread> before = liveThreads();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        int idle = random.nextInt(4);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int c = 0; c < idle; c++) {
                Socket client = connect(server);
                clients.add(client);
                exchange(client, random, "idle client " + (c + 1) + " of " + idle);
            }
            List<Thread> serving = serverThreads(before);
            armed.set(true);
            clients.add(connect(server));
            String setting = idle + " client(s) were connected and idle; then one more connected, and the test kept"
                    + " the thread that accepted it from ever ending: it stopped it inside new Thread(...), where"
                    + " no socket call is waiting and closing a socket wakes nothing. ";
            if (!stuck.await(ECHO_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                fail(setting + "But no thread of the server created a thread for that client within "
                        + ECHO_WAIT_MILLIS + " ms of its connecting.");
            }
            long most = 5_000 + 3_000; // about 5 s, on a machine busy with other work
            Closing closing = closeWithin(server, most, serving);
            if (!closing.returned()) {
                fail(setting + "close() had not returned " + most + " ms later. It waits for the threads until a"
                        + " deadline about 5 seconds after it was called, one deadline for all of them: join each"
                        + " with the time left until it, and return once it has passed.");
            }
            if (closing.thrown() != null) {
                fail(setting + "close() threw " + closing.thrown() + " after " + closing.millis() + " ms; a thread"
                        + " that has not ended by the deadline is left running, and close() returns all the same.",
                        closing.thrown());
            }
        } finally {
            release.countDown();
            holdsThreadStarts.remove();
            for (Socket client : clients) {
                client.close();
            }
            closeWithin(server, CLOSE_MILLIS, List.of());
        }
    }

    /** A test thread that holds a server thread's monitor, so that the server thread cannot finish ending. */
    private record Held(Thread thread, CountDownLatch release, Thread holder) {

        static Held hold(Thread thread) throws InterruptedException {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                synchronized (thread) {
                    holding.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        // let go
                    }
                }
            }, "test-hold-" + thread.getName());
            holder.setDaemon(true);
            holder.start();
            holding.await();
            return new Held(thread, release, holder);
        }

        void letGo() {
            release.countDown();
        }
    }

    /**
     * Waits up to {@code millis} until {@code count} of {@code threads} are alive with no frame left on
     * their stacks: their code has all run, and only the JVM's end of the thread is left.
     */
    private static List<Thread> threadsInTheirLastStep(List<Thread> threads, int count, long millis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Thread> ending = List.of();
        while (System.nanoTime() < deadline) {
            ending = threads.stream().filter(t -> t.isAlive() && t.getStackTrace().length == 0).toList();
            if (ending.size() >= count) {
                break;
            }
            Thread.sleep(1);
        }
        return ending;
    }

    /**
     * Runs close() on a test thread and, while it runs, lets a held thread go the moment close() waits for
     * its monitor, which is what join() does first. The threads of {@code serving} still alive when close()
     * returns are listed on the closing thread at that moment.
     */
    private static Closing closeLettingJoinsThrough(ThreadPerClientServer server, List<Thread> serving,
            List<Held> held, long millis) throws InterruptedException {
        Closing[] result = new Closing[1];
        CountDownLatch done = new CountDownLatch(1);
        long start = System.nanoTime();
        Thread closer = new Thread(() -> {
            Throwable thrown = null;
            try {
                server.close();
            } catch (Throwable t) {
                thrown = t;
            }
            List<Thread> alive = serving.stream().filter(Thread::isAlive).toList();
            result[0] = new Closing(true, thrown, (System.nanoTime() - start) / 1_000_000, describe(alive));
            done.countDown();
        }, "test-closer");
        closer.setDaemon(true);
        closer.start();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!done.await(1, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > deadline) {
                List<Thread> alive = serving.stream().filter(Thread::isAlive).toList();
                return new Closing(false, null, millis, describe(alive));
            }
            ThreadInfo info = threads.getThreadInfo(closer.threadId());
            LockInfo lock = info == null ? null : info.getLockInfo();
            if (lock != null) {
                for (Held hold : held) {
                    if (lock.getIdentityHashCode() == System.identityHashCode(hold.thread())
                            && lock.getClassName().equals(hold.thread().getClass().getName())) {
                        hold.letGo();
                    }
                }
            }
        }
        return result[0];
    }

    // ---- helpers ----

    /** A chaos client with a seed from the test's random, small enough to read in a message. */
    private static ChaosClient chaos(Random random) {
        return ChaosClient.seeded(random.nextInt(1_000_000));
    }

    private static void assertChaos(ThreadPerClientServer server, ChaosClient chaos) {
        Optional<String> problem = chaos.echo(server.address());
        problem.ifPresent(p -> fail("The chaos client found: " + p.replace("timed out after", "timed out, after")));
    }

    private static Socket connect(ThreadPerClientServer server) throws IOException {
        Socket client = new Socket();
        client.setTcpNoDelay(true);
        client.connect(server.address(), ECHO_WAIT_MILLIS);
        client.setSoTimeout(ECHO_WAIT_MILLIS);
        return client;
    }

    /** Sends a few random bytes on {@code client} and fails unless the same bytes come back. */
    private static void exchange(Socket client, Random random, String who) throws IOException {
        byte[] message = new byte[1 + random.nextInt(100)];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) ('a' + random.nextInt(26));
        }
        client.getOutputStream().write(message);
        byte[] echo = new byte[message.length];
        int got = 0;
        try {
            InputStream in = client.getInputStream();
            while (got < echo.length) {
                int n = in.read(echo, got, echo.length - got);
                if (n == -1) {
                    fail(who + " sent " + message.length + " bytes and the server ended the stream after " + got
                            + " of them came back.");
                }
                got += n;
            }
        } catch (SocketTimeoutException e) {
            fail(who + " sent " + message.length + " bytes and got " + got + " of them back within "
                    + ECHO_WAIT_MILLIS + " ms.");
        }
        assertEquals(new String(message), new String(echo), who + " got back other bytes than it sent.");
    }

    /**
     * Writes to a non-blocking channel without reading until no byte has gone out for 200 ms, at most
     * 256 MiB; returns how many went. By then the server's thread for it is blocked writing the echo.
     */
    private static long floodUntilStuck(SocketChannel channel) throws IOException, InterruptedException {
        channel.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        long lastProgress = System.nanoTime();
        while (total < 256L * 1024 * 1024 && System.nanoTime() - lastProgress < 200_000_000L) {
            chunk.clear();
            int n = channel.write(chunk);
            if (n > 0) {
                total += n;
                lastProgress = System.nanoTime();
            } else {
                Thread.sleep(5);
            }
        }
        return total;
    }

    private static void assertEndOfStream(Socket client, String who) throws IOException {
        try {
            int next = client.getInputStream().read();
            assertEquals(-1, next, who + " read a byte (" + next + ") after close(); it expected the end of the"
                    + " stream.");
        } catch (SocketTimeoutException e) {
            fail("After close() returned, " + who + " waited " + ECHO_WAIT_MILLIS + " ms and saw neither bytes nor"
                    + " the end of the stream: its connection was still open. close() must close every client's"
                    + " socket.");
        }
    }

    /**
     * What an exception out of close() tells, where it tells something: a ConcurrentModificationException is a
     * collection that one thread went through while another changed it.
     */
    private static String whyCloseThrew(Throwable thrown) {
        if (!(thrown instanceof ConcurrentModificationException)) {
            return " close() returns without throwing.";
        }
        return " A collection close() was going through was changed meanwhile. Each socket close() closes wakes"
                + " that client's thread, which ends and takes its socket out while close() is still going through"
                + " the others: what the server keeps its clients in is changed and gone through by several threads"
                + " at once, and must be made for that.";
    }

    /** How one call of close() ended, and which of the server's threads were alive the moment it returned. */
    private record Closing(boolean returned, Throwable thrown, long millis, List<String> aliveAfter) {
    }

    /**
     * Runs close() on a daemon thread of the test and waits up to {@code millis} for it. The threads in
     * {@code serving} that are still alive are listed on that thread the moment close() returns.
     */
    private static Closing closeWithin(ThreadPerClientServer server, long millis, List<Thread> serving)
            throws InterruptedException {
        Closing[] result = new Closing[1];
        CountDownLatch done = new CountDownLatch(1);
        long start = System.nanoTime();
        Thread closer = new Thread(() -> {
            Throwable thrown = null;
            try {
                server.close();
            } catch (Throwable t) {
                thrown = t;
            }
            List<Thread> alive = serving.stream().filter(Thread::isAlive).toList();
            result[0] = new Closing(true, thrown, (System.nanoTime() - start) / 1_000_000, describe(alive));
            done.countDown();
        }, "test-closer");
        closer.setDaemon(true);
        closer.start();
        if (!done.await(millis, TimeUnit.MILLISECONDS)) {
            return new Closing(false, null, millis, describe(serving.stream().filter(Thread::isAlive).toList()));
        }
        return result[0];
    }

    private static Set<Thread> liveThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /** Threads alive now that were not in {@code before}, other than the test's own and the JVM's. */
    private static List<Thread> serverThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive() && !t.getName().startsWith("test-"))
                .filter(t -> t.getThreadGroup() != null && !"system".equals(t.getThreadGroup().getName()))
                .toList();
    }

    /**
     * The server's threads still alive after waiting up to {@code millis} in all for all but {@code keep}
     * of them to end.
     */
    private static List<Thread> threadsStillAliveAfter(Set<Thread> before, long millis, int keep)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Thread> alive = serverThreads(before);
        while (alive.size() > keep && System.nanoTime() < deadline) {
            Thread.sleep(10);
            alive = serverThreads(before);
        }
        return alive;
    }

    /**
     * The names of the virtual threads alive now with a frame of ThreadPerClientServer on their stacks, from a
     * thread dump: {@link Thread#getAllStackTraces()} lists platform threads only. Empty when none, or when
     * the dump cannot be taken.
     */
    private static List<String> virtualThreadsRunningTheServer() {
        Path file = null;
        try {
            file = Files.createTempFile("threads", ".txt");
            Files.delete(file); // the dump is written to a file that does not exist yet
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            // One block per thread, its first line #<id> "<name>" followed by "virtual" for a virtual thread.
            List<String> names = new ArrayList<>();
            for (String block : Files.readString(file).split("\\R\\s*\\R")) {
                Matcher header = VIRTUAL_THREAD.matcher(block.strip());
                if (header.lookingAt() && block.contains(ThreadPerClientServer.class.getName() + ".")) {
                    names.add(header.group(1).isEmpty() ? "(no name)" : header.group(1));
                }
            }
            return names;
        } catch (IOException | RuntimeException cannotDump) {
            return List.of();
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a file in the temporary folder
                }
            }
        }
    }

    /**
     * The inode of the TCP socket at {@code localPort} connected to {@code remotePort}, from Linux's
     * /proc/net/tcp and tcp6 (ports in hex after a colon, the inode in the tenth column); empty elsewhere.
     */
    private static OptionalLong socketInode(int localPort, int remotePort) throws IOException {
        String local = String.format(":%04X", localPort);
        String remote = String.format(":%04X", remotePort);
        // The kernel hands the table out one read at a time, and a row can be missed when other connections
        // come and go between two reads: a connection that is up is looked for again.
        for (int look = 0; look < 5; look++) {
            for (String table : List.of("tcp", "tcp6")) {
                Path path = Path.of("/proc/net", table);
                if (!Files.isReadable(path)) {
                    continue;
                }
                for (String line : Files.readAllLines(path)) {
                    String[] fields = line.strip().split("\\s+");
                    if (fields.length > 9 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
                        return OptionalLong.of(Long.parseLong(fields[9]));
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    /** The inodes of the sockets this process holds open descriptors for ({@code socket:[inode]}), on Linux. */
    private static Set<Long> openSocketInodes() throws IOException {
        Set<Long> inodes = new HashSet<>();
        Path descriptors = Path.of("/proc/self/fd");
        if (!Files.isReadable(descriptors)) {
            return inodes;
        }
        try (DirectoryStream<Path> open = Files.newDirectoryStream(descriptors)) {
            for (Path descriptor : open) {
                try {
                    Matcher socket = SOCKET_LINK.matcher(Files.readSymbolicLink(descriptor).toString());
                    if (socket.matches()) {
                        inodes.add(Long.parseLong(socket.group(1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // the directory listing's own descriptor, gone by the time it is read
                }
            }
        }
        return inodes;
    }

    private static String names(List<Thread> threads) {
        return threads.size() <= 6 ? threads.stream().map(Thread::getName).toList().toString()
                : threads.stream().limit(6).map(Thread::getName).collect(Collectors.joining(", ", "[", ", ...]"));
    }

    /** Each thread's name, whether it is a daemon, and where it is, for a message about threads left alive. */
    private static List<String> describe(List<Thread> threads) {
        List<String> described = new ArrayList<>(threads.stream().limit(4).map(t -> {
            StackTraceElement[] stack = t.getStackTrace();
            String where = Arrays.stream(stack)
                    .filter(f -> f.getClassName().startsWith(ThreadPerClientServer.class.getName()))
                    .findFirst().map(f -> " at " + f.getMethodName() + " line " + f.getLineNumber()).orElse("");
            return "\"" + t.getName() + "\"" + (t.isDaemon() ? " (daemon)" : "") + " " + t.getState() + where;
        }).toList());
        if (threads.size() > 4) {
            described.add("and " + (threads.size() - 4) + " more");
        }
        return described;
    }
}
