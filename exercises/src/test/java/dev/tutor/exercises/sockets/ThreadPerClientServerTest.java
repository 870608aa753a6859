package dev.tutor.exercises.sockets;

import static dev.tutor.exercises.sockets.ChaosRuns.assertChaos;
import static dev.tutor.exercises.sockets.ChaosRuns.chaos;
import static dev.tutor.exercises.sockets.CloseChecks.BUSY_MILLIS;
import static dev.tutor.exercises.sockets.ServerClients.ECHO_WAIT_MILLIS;
import static dev.tutor.exercises.sockets.ServerClients.assertEndOfStream;
import static dev.tutor.exercises.sockets.ServerClients.assertIdleClientsEnded;
import static dev.tutor.exercises.sockets.ServerClients.connect;
import static dev.tutor.exercises.sockets.ServerClients.connectIdle;
import static dev.tutor.exercises.sockets.ServerClients.exchange;
import static dev.tutor.exercises.sockets.ServerClients.floodUntilStuck;
import static dev.tutor.exercises.sockets.ServerClients.letters;
import static dev.tutor.exercises.sockets.ServerClients.sendAndHalfCloseOneAfterAnother;
import static dev.tutor.exercises.sockets.ServerThreads.CLOSE_MILLIS;
import static dev.tutor.exercises.sockets.ServerThreads.THREAD_END_MILLIS;
import static dev.tutor.exercises.sockets.ServerThreads.closeLettingJoinsThrough;
import static dev.tutor.exercises.sockets.ServerThreads.closeLettingJoinsThroughOncePastTheDeadline;
import static dev.tutor.exercises.sockets.ServerThreads.closeLettingThreadStartsThrough;
import static dev.tutor.exercises.sockets.ServerThreads.closeUnlessStuck;
import static dev.tutor.exercises.sockets.ServerThreads.closeWithin;
import static dev.tutor.exercises.sockets.ServerThreads.holdLeavingClientsThreads;
import static dev.tutor.exercises.sockets.ServerThreads.liveThreads;
import static dev.tutor.exercises.sockets.ServerThreads.names;
import static dev.tutor.exercises.sockets.ServerThreads.serverThreads;
import static dev.tutor.exercises.sockets.ServerThreads.threadsInTheirLastStep;
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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * the server's threads and runs close() for the tests. The checks with their messages are beside it: {@link
 * ServerThreadChecks}, {@link ConnectionLeaks} and {@link CloseChecks}.
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
        CloseChecks.assertReturnedAtOnceOnAnUnusedServer(closeWithin(server, CLOSE_MILLIS, serving));
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void listensOnLoopbackAtAPortTheSystemPicked() throws Exception {
        try (EchoOnlyServer first = EchoOnlyServer.start(); EchoOnlyServer second = EchoOnlyServer.start()) {
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
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
            ThreadPerClientServer server = running.server();
            ServerThreadChecks.assertAThreadAccepts(before);
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
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
            ThreadPerClientServer server = running.server();
            try (Socket first = connect(server); Socket second = connect(server)) {
                exchange(first, letters(random, 'a', 16 + random.nextInt(85)), "Client 1 of 2");
                List<String> heldFirst = ByteArrayFields.holding(server, 'a');
                exchange(second, letters(random, 'A', 16 + random.nextInt(85)), "Client 2 of 2, which connected"
                        + " while client 1 stayed connected and idle,", new StuckServer(running.before()));
                ByteArrayFields.assertNoneHeldBoth(server, heldFirst);
            }
        }
    }

    @Test
    @Order(5)
    @Tag("hint:1")
    void echoesTheBytesInWhateverPiecesTheyCome(Random random) throws Exception {
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
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
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
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
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
            ThreadPerClientServer server = running.server();
            int count = 5 + random.nextInt(20);
            List<Socket> connected = new ArrayList<>();
            try {
                for (int c = 0; c < count; c++) {
                    Socket client = connect(server);
                    connected.add(client);
                    exchange(client, random, "client " + (c + 1) + " of " + count + ", with the others connected");
                }
                ServerThreadChecks.assertAPlatformThreadPerClient(count, serverThreads(before));
            } finally {
                for (Socket client : connected) {
                    client.close();
                }
            }
            ServerThreadChecks.assertClientsThreadsEnded(before, count);
        }
    }

    @Test
    @Order(8)
    @Tag("hint:1")
    void servesAFewHundredClientsAtOnce(Random random) throws Exception {
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
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
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
            ThreadPerClientServer server = running.server();
            for (Pieces pieces : List.of(Pieces.WHOLE, Pieces.RANDOM, Pieces.ONE_BYTE)) {
                assertChaos(server, chaos(random).pieces(pieces).ending(Ending.HALF_CLOSE)
                        .timeout(Duration.ofMillis(1_500)));
            }
            ServerThreadChecks.assertHalfClosedClientsThreadsEnded(before);
            ConnectionLeaks.assertHalfClosedConnectionsClosed(server, random, before);
        }
    }

    @Test
    @Order(10)
    @Tag("hint:2")
    void aClientThatResetsDisturbsNoOther(Random random) throws Exception {
        Set<Thread> before = liveThreads();
        try (UncaughtExceptions uncaught = UncaughtExceptions.record(before);
                EchoOnlyServer running = EchoOnlyServer.start()) {
            ThreadPerClientServer server = running.server();
            for (Pieces pieces : Pieces.values()) {
                assertChaos(server, chaos(random).clients(12).pieces(pieces)
                        .ending(Ending.SOME_RESET).timeout(Duration.ofMillis(1_500)));
            }
            assertChaos(server, chaos(random).clients(3).timeout(Duration.ofMillis(1_500)));
            ServerThreadChecks.assertResetClientsThreadsEnded(before, uncaught);
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
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
            ConnectionLeaks.assertResetConnectionsClosed(running.server(), random, before);
        }
    }

    @Test
    @Order(12)
    @Tag("hint:2")
    void keepsUpWithClientsThatReadLateThroughTinyBuffers(Random random) throws Exception {
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
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
        try {
            List<Integer> sizes = sendAndHalfCloseOneAfterAnother(server, random, count);
            List<Thread> serving = serverThreads(before);
            Closing closing = closeWithin(server, CLOSE_MILLIS, List.of());
            for (Thread thread : serving) {
                thread.join(Duration.ofMillis(THREAD_END_MILLIS)); // the handler has run once the thread has ended
            }
            ServerThreadChecks.assertEndedByReturning(uncaught, count, sizes, closing);
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
            connectIdle(server, random, idle, clients);
            // One client sends without reading, until its thread on the server is blocked in write().
            flooding = SocketChannel.open(address);
            long flooded = floodUntilStuck(flooding);
            int thrownBefore = uncaught.count();
            Closing closing = closeUnlessStuck(server, CLOSE_MILLIS, before);
            String setting = idle + " clients were connected and idle, and one had sent " + flooded + " bytes"
                    + " without reading, so its thread was blocked writing the echo. ";
            CloseChecks.assertEveryThreadEnded(setting, closing);
            CloseChecks.assertWokenThreadsEndedByReturning(setting, uncaught, thrownBefore);
            assertIdleClientsEnded(clients, idle, "");
            CloseChecks.assertNewClientsRefused(setting, address);
            CloseChecks.assertClosingTwiceDoesNothing(server);
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
            CloseChecks.assertJoinedEveryThread(setting, closing);
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
            CloseChecks.assertEndedTheClientAcceptedMeanwhile(setting, closing, late);
            assertEndOfStream(late, "the client accepted as close() began");
            assertIdleClientsEnded(clients, idle, "");
        } finally {
            hold.letGoAndClose(clients, server);
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
     *
     * <p>The limit is one deadline for all the threads together. Two or three clients have left first, and the
     * test holds their threads alive in their last step; it lets one go only when close(limit) waits for it and
     * limit has passed since close(limit) was first seen in a join. By then no time is left, and a join with no
     * time left does not take the thread's monitor: a close(limit) seen waiting for another of them has given
     * that join time of its own, and is failed at once rather than once the limit has passed again.
     */
    @Test
    @Order(18)
    @Tag("hint:3")
    void closeGivesUpOnAThreadThatNeverEndsOnceItsLimitHasPassed(Random random) throws Exception {
        ThreadStartHold hold = new ThreadStartHold();
        Set<Thread> before = liveThreads();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        int idle = 1 + random.nextInt(3);
        int leaving = 2 + random.nextInt(2);
        Duration limit = Duration.ofMillis(200 + random.nextInt(201));
        List<Socket> clients = new ArrayList<>();
        List<Held> held = new ArrayList<>();
        try {
            connectIdle(server, random, idle, clients);
            List<Thread> ending = holdLeavingClientsThreads(server, random, leaving, before, held);
            List<Thread> serving = serverThreads(before);
            String setting = leaving + " client(s) had left, and the test kept their threads alive in their last"
                    + " step (" + names(ending) + "), letting one go only once close(limit) waited for it past its"
                    + " deadline. " + hold.holdTheAcceptingThread(server, idle, clients) + "Then the test called"
                    + " close(limit) with a limit of " + limit.toMillis() + " ms. ";
            long most = limit.toMillis() + BUSY_MILLIS;
            Closing closing = closeLettingJoinsThroughOncePastTheDeadline(server, limit, most, serving, held);
            CloseChecks.assertGaveUpOnceItsLimitHadPassed(setting, closing, limit, most, hold);
            assertIdleClientsEnded(clients, idle, ", with a thread of the server stuck,");
        } finally {
            for (Held thread : held) {
                thread.letGo();
            }
            hold.letGoAndClose(clients, server);
        }
    }

    /**
     * close(limit) with no time to wait, a limit of zero or less, closes the server just the same and returns
     * at once, with the accepting thread stopped where closing wakes nothing, as in the test before. Some clients
     * have left first, and the test holds their threads alive in their last step, as it does before, but never
     * lets them go while close(limit) runs: a join with no time left returns without taking a thread's monitor,
     * while one given any time at all, a millisecond say, waits for that monitor for as long as the test holds
     * it, and is failed as soon as it is seen there.
     */
    @Test
    @Order(19)
    @Tag("hint:3")
    void closeWithALimitOfZeroOrLessClosesAndDoesNotWait(Random random) throws Exception {
        ThreadStartHold hold = new ThreadStartHold();
        Set<Thread> before = liveThreads();
        ThreadPerClientServer server = ThreadPerClientServer.start();
        int idle = 1 + random.nextInt(3);
        int leaving = 1 + random.nextInt(3);
        Duration limit = random.nextBoolean() ? Duration.ZERO : Duration.ofMillis(-1 - random.nextInt(1_000));
        List<Socket> clients = new ArrayList<>();
        List<Held> held = new ArrayList<>();
        try {
            connectIdle(server, random, idle, clients);
            List<Thread> ending = holdLeavingClientsThreads(server, random, leaving, before, held);
            String setting = leaving + " client(s) had left, and the test kept their threads alive in their last"
                    + " step (" + names(ending) + "). " + hold.holdTheAcceptingThread(server, idle, clients)
                    + "Then the test called close(limit) with a limit of " + limit.toMillis() + " ms. ";
            Closing closing = closeWithin(server, limit, CLOSE_MILLIS, List.of());
            CloseChecks.assertReturnedAtOnceWithNoTimeLeft(setting, closing);
            assertIdleClientsEnded(clients, idle, ", closed with a limit of " + limit.toMillis() + " ms,");
        } finally {
            for (Held thread : held) {
                thread.letGo();
            }
            hold.letGoAndClose(clients, server);
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
        try (EchoOnlyServer running = EchoOnlyServer.start()) {
            int silent = 1 + random.nextInt(4);
            List<Socket> clients = new ArrayList<>();
            try {
                connectIdle(running.server(), random, silent, clients);
                ReadTimeOuts.assertSilentClientsReadWithNoTimeOut(before, silent);
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }
}
