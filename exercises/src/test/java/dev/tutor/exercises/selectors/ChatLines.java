package dev.tutor.exercises.selectors;

import static dev.tutor.exercises.selectors.LoopUnderTest.check;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.selectors.ChatClients.Client;
import dev.tutor.exercises.selectors.ChatClients.Pieces;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The lines {@link ChatServerTest} sends and the checks of where they arrive: every line reaches every other
 * client, whole and once ({@link ChatClients} fails at once on a line that is not), within its time, and all
 * clients see the lines in one order. Each fails the test naming the client and the line. Not a test itself.
 */
final class ChatLines {
    /** The longest a right server needs to pass a few lines on over loopback, with a wide margin. */
    static final Duration LINE_LIMIT = Duration.ofSeconds(2);
    /** How long a batch of lines may take to reach everyone. */
    static final Duration BATCH_LIMIT = Duration.ofSeconds(5);

    private ChatLines() {
    }

    /**
     * Sends and receives until every one of {@code clients} but {@code sender} has {@code line}; fails, naming
     * those that had not, if they do not have it within {@code limit} or once nothing more can arrive.
     */
    static void awaitEveryoneElse(ChatClients room, Client sender, String line, List<Client> clients, Duration limit)
            throws IOException {
        List<Client> others = clients.stream().filter(c -> c != sender).toList();
        if (!room.pumpWhileAnythingCanArrive(() -> others.stream().allMatch(c -> c.received(line)), limit)) {
            List<Client> missing = others.stream().filter(c -> !c.received(line)).toList();
            fail(sender + " sent \"" + ChatClients.shorten(line) + "\" and " + missing + " of the other "
                    + others.size() + " clients had not received it " + room.waited(limit)
                    + (missing.get(0).partial.isEmpty() ? "." : "; " + missing.get(0) + " had received the"
                    + " start of a line, \"" + ChatClients.shorten(missing.get(0).partial.toString()) + "\"."));
        }
    }

    /** After someone left: a line from each remaining client still reaches the others, unchanged. */
    static void checkTheRoomGoesOn(ChatClients room, Random random, List<Client> remaining) throws IOException {
        for (Client sender : remaining) {
            String line = "still here, " + sender + ": " + words(random, 2) + "\n";
            room.send(sender, List.of(line), Pieces.WHOLE);
            awaitEveryoneElse(room, sender, line, remaining, LINE_LIMIT);
        }
    }

    /** Whether every client has the last line of every other sender: the cheap test, run on every turn. */
    static boolean everyoneElseHasTheLastLine(List<Client> clients, Map<Client, List<String>> sent) {
        for (Client receiver : clients) {
            for (Map.Entry<Client, List<String>> from : sent.entrySet()) {
                if (from.getKey() != receiver && !from.getValue().isEmpty()
                        && !receiver.received(from.getValue().get(from.getValue().size() - 1))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether every client has every line of every other sender. */
    static boolean everyoneElseHasAll(List<Client> clients, Map<Client, List<String>> sent) {
        return clients.stream().allMatch(c -> sent.entrySet().stream()
                .filter(e -> e.getKey() != c).allMatch(e -> c.receivedAll(e.getValue())));
    }

    /** Fails, naming the first line that a client is missing of the others' lines, sent cut {@code pieces}. */
    static void failMissing(List<Client> clients, Map<Client, List<String>> sent, Pieces pieces) {
        for (Client receiver : clients) {
            for (Map.Entry<Client, List<String>> from : sent.entrySet()) {
                if (from.getKey() == receiver) {
                    continue;
                }
                for (String line : from.getValue()) {
                    if (!receiver.received(line)) {
                        long got = from.getValue().stream().filter(receiver::received).count();
                        fail(clients.size() + " clients sent " + sent.values().stream().mapToInt(List::size).sum()
                                + " lines at once, cut " + pieces + "; within " + BATCH_LIMIT.toMillis() + " ms "
                                + receiver + " had " + got + " of the " + from.getValue().size() + " lines of "
                                + from.getKey() + ", and not \"" + ChatClients.shorten(line) + "\""
                                + (receiver.partial.isEmpty() ? "." : "; it had the start of a line, \""
                                + ChatClients.shorten(receiver.partial.toString()) + "\"."));
                    }
                }
            }
        }
    }

    /**
     * Every client got the lines in the order the server received them: each sender's lines in the order
     * sent, and any two clients agree on the order of the lines both got.
     */
    static void assertOneOrder(List<Client> clients, Map<Client, List<String>> sent, int[] firstNew,
                               Pieces pieces) {
        Map<Client, List<String>> got = new HashMap<>();
        for (int i = 0; i < clients.size(); i++) {
            got.put(clients.get(i), clients.get(i).lines.subList(firstNew[i], clients.get(i).lines.size()));
        }
        for (Client receiver : clients) {
            for (Map.Entry<Client, List<String>> from : sent.entrySet()) {
                if (from.getKey() == receiver) {
                    continue;
                }
                Set<String> theirs = new HashSet<>(from.getValue());
                List<String> inOrder = got.get(receiver).stream().filter(theirs::contains).toList();
                if (!inOrder.equals(from.getValue())) {
                    int at = 0;
                    while (inOrder.get(at).equals(from.getValue().get(at))) {
                        at++;
                    }
                    fail(from.getKey() + " sent its lines (cut " + pieces + ") in one order and " + receiver
                            + " got them in another: line " + (at + 1) + " it got was \""
                            + ChatClients.shorten(inOrder.get(at)) + "\" where \""
                            + ChatClients.shorten(from.getValue().get(at)) + "\" was sent.");
                }
            }
        }
        for (Client a : clients) {
            for (Client b : clients) {
                if (a.id >= b.id) {
                    continue;
                }
                List<String> aSeen = got.get(a).stream().filter(line -> !a.sent.contains(line)
                        && !b.sent.contains(line)).toList();
                List<String> bSeen = got.get(b).stream().filter(line -> !a.sent.contains(line)
                        && !b.sent.contains(line)).toList();
                if (!aSeen.equals(bSeen)) {
                    int at = 0;
                    while (aSeen.get(at).equals(bSeen.get(at))) {
                        at++;
                    }
                    fail(a + " and " + b + " got the other clients' lines in different orders: " + a + " got \""
                            + ChatClients.shorten(aSeen.get(at)) + "\" where " + b + " got \""
                            + ChatClients.shorten(bSeen.get(at)) + "\". Forward each line to everyone at once, in"
                            + " the order lines are received, so that every client sees one conversation.");
                }
            }
        }
    }

    /** Fails unless {@code line}, sent while lines waited in {@code late}'s queue, is the last line late got. */
    static void assertCameLast(Client late, String line) {
        int at = late.lines.indexOf(line);
        List<String> after = late.lines.subList(at + 1, late.lines.size());
        check(after.isEmpty(), () -> late + " had lines waiting in its queue, its socket full, when it read what"
                + " its socket held; then \"" + ChatClients.shorten(line) + "\" was sent, and " + late + " got it"
                + " before " + after.size() + " line" + (after.size() == 1 ? "" : "s") + " queued for it earlier,"
                + " the first \"" + ChatClients.shorten(after.get(0)) + "\". Its socket had room again, but the"
                + " loop had not been told yet (epoll calls a socket writable only once a good part of its buffer"
                + " is free), and the new line was written straight to the socket, ahead of the queue. A line for"
                + " a client goes to the end of its queue, and writing always starts at the head of the queue.");
    }

    /** {@code count} words of small letters, each from 1 to 9 long, drawn from {@code random}. */
    static String words(Random random, int count) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < count; w++) {
            if (w > 0) {
                text.append(' ');
            }
            for (int c = 0; c < 1 + random.nextInt(9); c++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
        }
        return text.toString();
    }
}
