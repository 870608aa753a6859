package dev.tutor.exercises.support;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;

/**
 * Varied test inputs that a learner can replay. A test class written with
 * {@code @ExtendWith(Seeded.class)} may take a {@link Random} parameter: every test gets its own, drawn
 * from one seed per test run, and every failed assertion ends with that seed and how to replay it.
 *
 * <p>Not a test itself. The seed is fresh on every run, so that over many runs the tests see many
 * inputs; set the system property {@code tutor.seed} to replay one ({@code tutor check ID --seed N}, or
 * {@code -Dtutor.seed=N} in an IDE).
 */
public final class Seeded implements ParameterResolver, TestExecutionExceptionHandler {
    /** The system property that fixes the seed. */
    public static final String PROPERTY = "tutor.seed";
    /** The system property the tutor sets to the exercise being graded, for the replay command. */
    public static final String EXERCISE_PROPERTY = "tutor.exercise";

    /** This run's seed: the one asked for, or a fresh one, the same for every test of the run. */
    public static long seed() {
        return Holder.SEED;
    }

    /** How a learner replays this run's inputs, as the end of a failure message. */
    public static String replay() {
        String exercise = System.getProperty(EXERCISE_PROPERTY);
        String how = exercise == null ? "run the test with -D" + PROPERTY + "=" + seed()
                : "'tutor check " + exercise + " --seed " + seed() + "'";
        return "(Inputs from seed " + seed() + "; to see them again, " + how + ".)";
    }

    /** A random source for one test: the same for the same seed and test, whatever order tests run in. */
    public static Random random(String testName) {
        return new Random(seed() * 0x9E3779B97F4A7C15L + testName.hashCode());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Random.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return random(context.getRequiredTestMethod().getName());
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        if (!(thrown instanceof AssertionError) || String.valueOf(thrown.getMessage()).contains("(Inputs from seed ")) {
            throw thrown;
        }
        AssertionFailedError withSeed = new AssertionFailedError(thrown.getMessage() + "\n" + replay(), thrown);
        withSeed.setStackTrace(thrown.getStackTrace());
        throw withSeed;
    }

    /** The seed, fixed on first use. */
    private static final class Holder {
        static final long SEED = Long.getLong(PROPERTY, ThreadLocalRandom.current().nextLong(1, 1_000_000));
    }
}
