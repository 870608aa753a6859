package dev.tutor.exercises.sockets;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.runtime.net.ChaosClient;
import java.util.Optional;
import java.util.Random;

/**
 * Runs the runtime's {@link ChaosClient} against a {@link ThreadPerClientServer} for {@link
 * ThreadPerClientServerTest}: each run is seeded from the test's {@link Random}, so that a seed printed in a
 * failure reproduces the run, and fails the test with what the chaos client found. Not a test itself.
 */
final class ChaosRuns {
    private ChaosRuns() {
    }

    /** A chaos client with a seed from the test's random, small enough to read in a message. */
    static ChaosClient chaos(Random random) {
        return ChaosClient.seeded(random.nextInt(1_000_000));
    }

    /** Runs {@code chaos}'s clients against {@code server}; fails with what they found, if anything. */
    static void assertChaos(ThreadPerClientServer server, ChaosClient chaos) {
        Optional<String> problem = chaos.echo(server.address());
        problem.ifPresent(p -> fail("The chaos client found: " + p.replace("timed out after", "timed out, after")));
    }
}
