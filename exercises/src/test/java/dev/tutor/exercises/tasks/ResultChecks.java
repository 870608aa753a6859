package dev.tutor.exercises.tasks;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.tasks.AnswerRig.Kind;
import dev.tutor.exercises.tasks.AnswerRig.Run;
import dev.tutor.exercises.tasks.FetchAll.Result;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

/**
 * The checks of a finished run of {@link AnswerRig}, for the fetch-tasks tests: what fetchAll gave against what the
 * rig saw and its server sent, failing with a message that says what went wrong and what the rule is.
 */
final class ResultChecks {
    /** How many characters in a row of another fetch's answer show that answers were mixed. */
    private static final int MIXED_RUN = 20;

    /** How many fetchAll calls the run made on its loop. */
    private final int calls;
    /** What the rig saw go wrong while the run went on, the first first. */
    private final List<String> problems;
    private final int refusedPort;
    private final int unresolvedPort;
    private final boolean unresolvedThrows;
    /** The server's side of a fetch's connection, or null if none reached it. */
    private final Function<WatchedLoop.Fetch, ServedAnswer> connOf;

    ResultChecks(int calls, List<String> problems, int refusedPort, int unresolvedPort, boolean unresolvedThrows,
            Function<WatchedLoop.Fetch, ServedAnswer> connOf) {
        this.calls = calls;
        this.problems = problems;
        this.refusedPort = refusedPort;
        this.unresolvedPort = unresolvedPort;
        this.unresolvedThrows = unresolvedThrows;
        this.connOf = connOf;
    }

    /**
     * Checks a whole run: the rules watched while it ran, that fetchAll neither threw nor failed, that the
     * fetches started in list order once each, each result against what the server sent, and every channel
     * closed.
     */
    void assertRun(List<URI> uris, Run run) {
        FetchAllCall gather = run.gather();
        WatchedLoop watched = gather.watched;
        String inputs = " (" + uris.size() + (uris.size() == 1 ? " address" : " addresses") + ", limit " + gather.limit
                + (calls == 1 ? "" : ", the " + (gather.index == 0 ? "first" : "second") + " of two fetchAll"
                + " calls on one loop") + ")";
        if (run.thrown() != null) {
            fail("fetchAll threw " + run.thrown() + inputs + ". It returns a loop future at once and starts the"
                    + " fetches as tasks; a failing fetch gives a failed result instead of an exception.");
        }
        if (!problems.isEmpty()) {
            // a problem of a run with two calls names the call it was seen in
            fail(problems.get(0) + (calls == 1 ? inputs : ""));
        }
        List<String> broken = watched.violations();
        if (!broken.isEmpty()) {
            fail(broken.get(0) + "." + (calls == 1 ? inputs : gather.which()));
        }
        if (run.failed() != null) {
            fail("The future fetchAll returned failed with " + run.failed() + inputs + ". It never fails: a fetch that"
                    + " fails gives a failed result (Result.failed) and the others go on.");
        }
        if (run.results() == null) {
            fail("The loop stopped before the future fetchAll returned was done" + inputs + ".");
        }
        List<WatchedLoop.Fetch> fetches = watched.fetches();
        for (int i = 0; i < Math.min(fetches.size(), uris.size()); i++) {
            URI uri = uris.get(i);
            WatchedLoop.Fetch fetch = fetches.get(i);
            boolean samePort = fetch.port() == uri.getPort();
            boolean samePath = isRefused(uri) || isUnresolved(uri) || uri.getRawPath().equals(fetch.path());
            if (!samePort || !samePath) {
                fail("Connect number " + (i + 1) + " went to port " + fetch.port() + " for " + fetch.path() + ", but the"
                        + " address at index " + i + " is " + uri + inputs + ". Fetches start in the order of the list:"
                        + " the first ones right away, and each later one when a place frees, the one waiting longest"
                        + " first (a queue taken from its head, not a stack).");
            }
        }
        if (fetches.size() != uris.size()) {
            fail(uris.size() + " addresses were given, and loop.connect was called " + fetches.size() + " times"
                    + inputs + ". Each address is one fetch, however often it appears in the list.");
        }
        if (run.results().size() != uris.size()) {
            fail("The future gave " + run.results().size() + " results for " + uris.size() + " addresses" + inputs
                    + ".");
        }
        for (int i = 0; i < uris.size(); i++) {
            assertResult(watched, i, uris, run.results().get(i), fetches.get(i), inputs);
        }
        for (WatchedLoop.Fetch fetch : fetches) {
            if (fetch.inFlight()) {
                fail("The channel of connect number " + (fetch.serial + 1) + " (" + fetch.path() + ") was still open"
                        + " when fetchAll's future completed" + inputs + ". Close it when its answer ends and when"
                        + " the fetch fails.");
            }
        }
    }

    private void assertResult(WatchedLoop watched, int index, List<URI> uris, Result result, WatchedLoop.Fetch fetch,
            String inputs) {
        URI uri = uris.get(index);
        String at = "The result at index " + index + " (" + uri + ")";
        if (result == null) {
            int first = uris.indexOf(uri);
            fail(at + " is null" + inputs + (first < index ? "; the same address is at index " + first + " too. Each"
                    + " appearance is a fetch of its own, and its result goes in its own slot, by index" : "") + ".");
        }
        if (!uri.equals(result.uri())) {
            fail(at + " is for " + result.uri() + inputs + ". Results come in the order of the list, whichever fetch"
                    + " ends first: results.get(i) is the result of uris.get(i).");
        }
        if (isRefused(uri)) {
            if (result.succeeded() || !(result.failure() instanceof ConnectException)) {
                fail(at + " goes to a port where nobody listens, so it must fail with the ConnectException its"
                        + " connect failed with; it gave " + describe(result) + inputs + (result.failure() != null
                        && result.failure().getCause() instanceof ConnectException ? ". A checked exception comes out"
                        + " of Future.result() wrapped in a CompletionException: keep its cause." : "."));
            }
            return;
        }
        if (isUnresolved(uri)) {
            Throwable given = fetch.connecting.exception();
            if (result.failure() != given) {
                fail(at + " stands for a host name that does not resolve: the test's loop " + (unresolvedThrows
                        ? "threw " + given + " from loop.connect itself,"
                        : "failed the future of its connect with " + given + ", as the bundled loop does,") + " an"
                        + " unchecked exception. The fetch"
                        + " must end with a failed result with that very exception; it gave " + describe(result)
                        + inputs + ".");
            }
            return;
        }
        ServedAnswer conn = connOf.apply(fetch);
        if (conn == null || !conn.requested) {
            fail(at + ": its request never reached the server" + inputs + ".");
        }
        Kind kind = conn.page.kind();
        if (kind != Kind.OK) {
            String what = switch (kind) {
                case RESET -> "is reset by the server after " + conn.written + " bytes, before the answer ends,";
                case NO_STATUS_LINE -> "gets an answer that does not start with HTTP/";
                case NO_BLANK_LINE -> "gets an answer with no empty line after its headers";
                default -> "gets a status line with no number for its code";
            };
            if (result.succeeded() || !(result.failure() instanceof IOException)) {
                fail(at + " " + what + ", so it must be a failed result with an IOException; it gave "
                        + describe(result) + inputs + ".");
            }
            return;
        }
        if (!result.succeeded()) {
            fail(at + " failed with " + result.failure() + ", where the server answered status " + conn.page.status()
                    + " and a body of " + conn.bodySent.length() + " characters in " + conn.pieces.size() + " piece(s)"
                    + inputs + ".");
        }
        if (result.status() != conn.page.status()) {
            fail(at + " has status " + result.status() + ", where the status line said " + conn.page.status() + inputs
                    + ".");
        }
        if (!conn.bodySent.equals(result.body())) {
            String body = result.body();
            for (int other = 0; other < watched.fetches().size(); other++) {
                ServedAnswer sent = connOf.apply(watched.fetches().get(other));
                if (sent != null && sent != conn && body != null && !body.isEmpty() && body.equals(sent.bodySent)) {
                    fail(at + " has the answer the server sent to connect number " + (other + 1) + ", the fetch of"
                            + " index " + other + (uris.get(other).equals(uri) ? ", the same address" : "") + inputs
                            + ". Each fetch's result goes in the slot of its own index, whichever fetch ends first.");
                }
            }
            int mixed = otherAnswerIn(watched, body, conn);
            if (mixed > 0) {
                fail(at + " has a body of " + body.length() + " characters, where the server sent "
                        + conn.bodySent.length() + ", and part of it is what the server sent to connect number " + mixed
                        + inputs + ". Fetches that run at the same time must not share a buffer: give each fetch a"
                        + " ByteBuffer, and a place for the bytes it has read, of its own.");
            }
            fail(at + " has a body of " + (body == null ? "null" : body.length() + " characters") + ", where the server"
                    + " sent " + conn.bodySent.length() + " characters in " + conn.pieces.size() + " piece(s)"
                    + (body != null && body.indexOf('\uFFFD') >= 0 && conn.bodySent.indexOf('\uFFFD') < 0
                    ? ", with U+FFFD replacement characters in it: a piece was decoded on its own, and a character"
                    + " cut between two pieces was lost; decode the whole answer at once, after the read that gives -1"
                    : body != null && body.length() < conn.bodySent.length() ? ": the answer is everything up to the"
                    + " read that gives -1, not one read" : body != null && body.length() == conn.bodySent.length()
                    ? ": same length, other characters" : "") + inputs + ".");
        }
    }

    /**
     * The connect number (from 1) of another fetch whose answer shows in {@code body}, bytes that are not in the
     * answer {@code own} was sent; 0 if none does. Bodies are random letters, so a shared run of
     * {@link #MIXED_RUN} characters is no chance.
     */
    private int otherAnswerIn(WatchedLoop watched, String body, ServedAnswer own) {
        if (body == null || body.length() < MIXED_RUN) {
            return 0;
        }
        int step = Math.max(1, (body.length() - MIXED_RUN) / 64);
        for (int at = 0; at + MIXED_RUN <= body.length(); at += step) {
            String run = body.substring(at, at + MIXED_RUN);
            if (own.bodySent.contains(run)) {
                continue;
            }
            for (int other = 0; other < watched.fetches().size(); other++) {
                ServedAnswer sent = connOf.apply(watched.fetches().get(other));
                if (sent != null && sent != own && sent.bodySent != null && sent.bodySent.contains(run)) {
                    return other + 1;
                }
            }
        }
        return 0;
    }

    private boolean isRefused(URI uri) {
        return uri.getPort() == refusedPort;
    }

    private boolean isUnresolved(URI uri) {
        return uri.getPort() == unresolvedPort;
    }

    private static String describe(Result result) {
        return result.failure() != null ? "a failed result with " + result.failure()
                : "a result with status " + result.status() + " and a body of "
                + (result.body() == null ? "null" : result.body().length() + " characters");
    }
}
