package dev.tutor.exercises.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.exercises.support.Seeded;
import dev.tutor.exercises.tasks.AnswerRig.Kind;
import dev.tutor.runtime.loop.EventLoop;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades {@link FetchAll}: one fetch read to the end of its answer (hint 1), one fetch that fails, alone (hint 1),
 * many at once with their results in list order, the first address's fetch ending last (hint 2), the empty list and
 * a bad limit (hint 2), the limit, with a refused connect and an answer parse rejects while fetches wait, and two
 * calls on one loop, each with its own limit (hint 3), and last what the class may use (hint 3).
 *
 * <p>Every run plays the server on the same loop and on the same thread ({@link AnswerRig}), and watches the
 * loop the code is given ({@link WatchedLoop}): fetches in flight are counted at each connect and whenever the
 * loop is about to wait for the network, never timed. Sizes, limits, pages, statuses, bodies, the pieces each
 * answer is cut into and the order the answers end in all come from the seed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(Seeded.class)
class FetchAllTest {

    private final List<AnswerRig> rigs = new ArrayList<>();

    @AfterEach
    void closeRigs() {
        for (AnswerRig rig : rigs) {
            rig.close();
        }
    }

    private AnswerRig rig(Random random) throws IOException {
        AnswerRig rig = new AnswerRig(random);
        rigs.add(rig);
        return rig;
    }

    // ---- one fetch: hint 1 ----

    @Test
    @Order(1)
    @Tag("hint:1")
    void oneFetchReadsItsWholeAnswerPieceByPiece(Random random) throws IOException {
        for (int round = 0; round < 4; round++) {
            AnswerRig rig = rig(random);
            String path = "/one/" + round + "/" + random.nextInt(1000);
            // every other answer is cut inside its empty line and inside a character, whatever the seed
            List<URI> uris = List.of(round % 2 == 0 ? rig.awkwardPage(path, Kind.OK) : rig.page(path, Kind.OK));
            int limit = 1 + random.nextInt(3);
            rig.assertRun(uris, rig.run(uris, limit));
        }
    }

    @Test
    @Order(2)
    @Tag("hint:1")
    void aFailedFetchGivesAFailedResultAndClosesItsChannel(Random random) throws IOException {
        List<String> failing = new ArrayList<>();
        for (Kind kind : List.of(Kind.RESET, Kind.NO_STATUS_LINE, Kind.NO_BLANK_LINE, Kind.BAD_CODE, Kind.BAD_CODE,
                Kind.NO_STATUS_LINE)) {
            failing.add(kind.name());
        }
        // a refused connect, and a connect that fails with an unchecked exception (a host name that does not
        // resolve), thrown by loop.connect itself or as its future's failure
        failing.addAll(List.of("refused", "unresolved-thrown", "unresolved-failed"));
        Collections.shuffle(failing, random);
        // one fetch at a time, so that only its own result and its own channel are seen here; failures among
        // other fetches, under the limit, come with hint 3
        for (String kind : failing) {
            AnswerRig rig = rig(random);
            String tag = "/" + random.nextInt(10_000);
            List<URI> uris = List.of(switch (kind) {
                case "refused" -> rig.refused("/refused" + tag);
                case "unresolved-thrown", "unresolved-failed" -> rig.unresolved("/" + kind + tag,
                        kind.equals("unresolved-thrown"));
                default -> rig.page("/" + kind.toLowerCase() + tag, Kind.valueOf(kind));
            });
            int limit = 1 + random.nextInt(3);
            rig.assertRun(uris, rig.run(uris, limit));
        }
    }

    // ---- many at once, results in list order: hint 2 ----

    @Test
    @Order(3)
    @Tag("hint:2")
    void resultsComeInListOrderWhicheverFetchEndsFirst(Random random) throws IOException {
        for (int round = 0; round < 3; round++) {
            AnswerRig rig = rig(random);
            int count = round == 0 ? 2 : 4 + random.nextInt(15);
            // the first address once only, its fetch ending last: results in any order but the list's show
            List<URI> uris = new ArrayList<>(List.of(rig.page("/r" + round + "/first-" + random.nextInt(100_000),
                    Kind.OK)));
            uris.addAll(addresses(rig, random, count - 1, round, false, true));
            rig.answerTheFirstConnectLast();
            int limit = count + (round == 1 ? 0 : random.nextInt(4)); // all at once, exactly or with room to spare
            rig.assertRun(uris, rig.run(uris, limit));
            int most = rig.mostInFlight();
            assertEquals(count, most, () -> "With a limit of " + limit + " for " + count + " addresses, all " + count
                    + " fetches must be in flight at once; at most " + most + " were.");
        }
    }

    @Test
    @Order(4)
    @Tag("hint:2")
    void anEmptyListGivesAnEmptyListAndALimitBelowOneIsRefused(Random random) throws IOException {
        AnswerRig rig = rig(random);
        int limit = 1 + random.nextInt(5);
        AnswerRig.Run run = rig.run(List.of(), limit);
        rig.assertRun(List.of(), run);
        // A limit below 1 is refused whatever the list: empty, one address, or several (one of them twice).
        List<List<URI>> lists = new ArrayList<>();
        lists.add(List.of());
        lists.add(List.of(URI.create("http://127.0.0.1:9/p/" + random.nextInt(1000))));
        List<URI> several = new ArrayList<>();
        for (int i = 2 + random.nextInt(6); i > 0; i--) {
            several.add(URI.create("http://127.0.0.1:9/p/" + several.size() + "-" + random.nextInt(1000)));
        }
        several.add(several.get(random.nextInt(several.size())));
        lists.add(several);
        Collections.shuffle(lists, random);
        for (List<URI> uris : lists) {
            String list = uris.isEmpty() ? "an empty list" : uris.size() == 1 ? "[one address]"
                    : "[" + uris.size() + " addresses]";
            for (int bad : new int[] {0, -1 - random.nextInt(5)}) {
                EventLoop loop = EventLoop.create();
                try {
                    FetchAll.fetchAll(loop, uris, bad);
                    fail("fetchAll(loop, " + list + ", " + bad + ") returned; a limit below 1 is refused whatever"
                            + " the list, the empty one included: fetchAll must throw IllegalArgumentException at once,"
                            + " before anything else.");
                } catch (IllegalArgumentException expected) {
                    // right
                } catch (RuntimeException wrong) {
                    fail("fetchAll(loop, " + list + ", " + bad + ") threw " + wrong
                            + ", not IllegalArgumentException.");
                } finally {
                    loop.close();
                }
            }
        }
    }

    // ---- the limit: hint 3 ----

    @Test
    @Order(5)
    @Tag("hint:3")
    void neverMoreThanTheLimitInFlightAndNoPlaceLeftIdle(Random random) throws IOException {
        for (int round = 0; round < 5; round++) {
            AnswerRig rig = rig(random);
            int count;
            int limit;
            switch (round) {
                case 0 -> {
                    count = 4 + random.nextInt(5);
                    limit = 1;
                }
                case 1 -> {
                    count = 5 + random.nextInt(13);
                    limit = 2;
                }
                case 2 -> {
                    count = 6 + random.nextInt(15);
                    limit = 3 + random.nextInt(count - 4);
                }
                case 3 -> {
                    count = 3 + random.nextInt(10);
                    limit = count - 1;
                }
                default -> {
                    count = 2 + random.nextInt(15);
                    limit = 1 + random.nextInt(count);
                }
            }
            List<URI> uris;
            if (round == 0) {
                // distinct addresses, so that any other start order shows; an answer parse rejects with two or more
                // fetches still waiting when it ends, and a refused connect with one or more
                uris = addresses(rig, random, count, round, false, false);
                int rejected = random.nextInt(count - 2);
                int refused = random.nextInt(count - 2);
                refused += refused >= rejected ? 1 : 0;
                Kind[] parseRejects = {Kind.NO_STATUS_LINE, Kind.NO_BLANK_LINE, Kind.BAD_CODE};
                uris.set(rejected, rig.page("/r0/rejected-" + random.nextInt(100_000),
                        parseRejects[random.nextInt(parseRejects.length)]));
                uris.set(refused, rig.refused("/r0/refused-" + random.nextInt(100_000)));
            } else if (round == 1) {
                // a refused connect ends at once while the fetch started beside it still waits for its answer
                uris = addresses(rig, random, count, round, true, true);
                uris.set(0, rig.refused("/r1/refused-" + random.nextInt(100_000)));
                uris.set(1, rig.page("/r1/beside-" + random.nextInt(100_000), Kind.OK));
            } else {
                uris = addresses(rig, random, count, round, true, true);
            }
            rig.assertRun(uris, rig.run(uris, limit));
        }
    }

    /**
     * Two calls of fetchAll on one loop, the second from a callback while the first call's fetches wait for places:
     * each call has its own limit, its own free places and its own queue. The server answers the second call's
     * fetches first, so a place one of them frees goes to a fetch of the first call if the two share their places.
     */
    @Test
    @Order(6)
    @Tag("hint:3")
    void twoCallsOnOneLoopEachKeepTheirOwnLimit(Random random) throws IOException {
        for (int round = 0; round < 3; round++) {
            AnswerRig rig = rig(random);
            int firstCount = 3 + random.nextInt(8);
            int firstLimit = 1 + random.nextInt(firstCount - 1); // fewer places than fetches: some wait
            int secondCount = 2 + random.nextInt(8);
            int secondLimit = 1 + random.nextInt(secondCount);
            List<URI> first = addresses(rig, random, firstCount, 10 + round, false, round == 2);
            List<URI> second = addresses(rig, random, secondCount, 20 + round, round > 0, false);
            List<AnswerRig.Run> runs = rig.runTwo(first, firstLimit, second, secondLimit);
            rig.assertRun(first, runs.get(0));
            rig.assertRun(second, runs.get(1));
        }
    }

    // ---- the means, last: hint 3 ----

    @Test
    @Order(7)
    @Tag("hint:3")
    void usesNoThreadNoPoolNoBlockingCallAndNoClock() {
        var found = CompiledNest.forbiddenUses(FetchAll.class, FetchAllTest::forbidden);
        if (!found.isEmpty()) {
            fail("FetchAll uses " + String.join("; ", found) + ". Every fetch runs as a task on the one loop"
                    + " thread: it connects, sends and reads through the loop, and a fetch waiting for its place"
                    + " waits on a loop future that the fetch freeing the place completes.");
        }
    }

    private static String forbidden(String owner, String name) {
        if (owner.startsWith("java.lang.Thread$") || owner.equals("java.lang.Thread") && List.of("sleep", "join",
                "onSpinWait", "yield", "start", "startVirtualThread", "ofPlatform", "ofVirtual", "<init>").contains(name)) {
            return "a thread of its own, or a wait on the loop thread";
        }
        if (owner.equals("java.util.concurrent.TimeUnit") && name.contains("sleep")) {
            return "a sleep on the loop thread";
        }
        if (owner.equals("java.lang.Object") && (name.equals("wait") || name.equals("notify")
                || name.equals("notifyAll"))) {
            return "a wait between threads";
        }
        if (owner.startsWith("java.util.concurrent.locks.")) {
            return "a lock or a park: a wait between threads";
        }
        if (owner.equals("java.util.concurrent.Semaphore") || owner.equals("java.util.concurrent.CountDownLatch")
                || owner.equals("java.util.concurrent.CyclicBarrier") || owner.equals("java.util.concurrent.Phaser")) {
            return "a thread's semaphore or latch: acquire() blocks the loop thread, where a fetch must wait on a"
                    + " loop future instead";
        }
        if (owner.equals("java.util.concurrent.CompletableFuture")) {
            return "runs its callbacks on whichever thread completes it, or on a pool; a loop future runs them on"
                    + " the loop";
        }
        if (owner.startsWith("java.util.concurrent.") && List.of("get", "join", "await", "acquire", "take", "put",
                "invokeAll", "invokeAny", "awaitTermination", "submit", "execute").contains(name)) {
            return "work on another thread, or a wait for one";
        }
        if (owner.equals("java.util.concurrent.Executors") || owner.endsWith("ThreadPoolExecutor")
                || owner.endsWith("ForkJoinPool") || owner.equals("java.util.Timer")) {
            return "a pool of threads";
        }
        if (owner.startsWith("java.nio.channels.") && name.equals("configureBlocking")) {
            return "blocking mode";
        }
        if (owner.equals("java.nio.channels.SocketChannel") && List.of("read", "write", "socket", "finishConnect",
                "open", "connect").contains(name)) {
            return "the channel used directly instead of through loop.connect, loop.sendAll and loop.recv";
        }
        if (owner.equals("java.nio.channels.Channels") || owner.startsWith("java.net.Socket")
                || owner.startsWith("java.net.http.") || owner.equals("java.net.URL")
                || owner.equals("java.net.HttpURLConnection")) {
            return "a blocking client";
        }
        if (owner.equals("dev.tutor.runtime.loop.EventLoop") && List.of("sleep", "callLater", "callAt",
                "runForever", "runUntilComplete", "runOnce").contains(name)) {
            return name.startsWith("run") ? "runs the loop from inside it: the caller runs the loop"
                    : "a timer: nothing here waits on the clock";
        }
        if (owner.equals("java.lang.System") && (name.equals("nanoTime") || name.equals("currentTimeMillis"))) {
            return "the system clock";
        }
        return null;
    }

    /** {@code count} addresses: mostly good pages, failures when asked, and some asked for twice when asked. */
    private static List<URI> addresses(AnswerRig rig, Random random, int count, int round, boolean failures,
            boolean twice) throws IOException {
        List<URI> uris = new ArrayList<>();
        while (uris.size() < count) {
            int pick = random.nextInt(10);
            String path = "/r" + round + "/" + uris.size() + "-" + random.nextInt(100_000);
            if (twice && pick < 2 && !uris.isEmpty()) {
                URI again = uris.get(random.nextInt(uris.size()));
                uris.add(again);
            } else if (failures && pick == 2) {
                uris.add(rig.refused(path));
            } else if (failures && pick == 3) {
                Kind[] bad = {Kind.RESET, Kind.RESET, Kind.NO_STATUS_LINE, Kind.NO_BLANK_LINE, Kind.BAD_CODE};
                uris.add(rig.page(path, bad[random.nextInt(bad.length)]));
            } else {
                uris.add(rig.page(path, Kind.OK));
            }
        }
        if (twice && count >= 3 && uris.stream().distinct().count() == uris.size()) {
            uris.set(count - 1, uris.get(random.nextInt(count - 1))); // at least one address twice
        }
        return uris;
    }
}
