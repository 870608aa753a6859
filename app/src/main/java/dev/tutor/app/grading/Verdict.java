package dev.tutor.app.grading;

import java.time.Duration;
import java.util.List;

/**
 * What the grader concluded about one attempt: passed, failed, did not compile, timed out, or crashed.
 *
 * <p>A sealed set, so every face of the tutor (full screen, plain mode, {@code watch}, {@code check})
 * must say something about each outcome.
 */
public sealed interface Verdict {

    /** One line that says what happened, e.g. {@code passed 10/10} or {@code failed on run 4 of 10}. */
    String summary();

    /** Whether the attempt counts as solved. */
    default boolean passed() {
        return false;
    }

    /** Every test passed in every run. */
    record Passed(int runs) implements Verdict {
        @Override
        public String summary() {
            return runs == 1 ? "passed" : "passed " + runs + "/" + runs;
        }

        @Override
        public boolean passed() {
            return true;
        }
    }

    /** At least one test failed; the failures are those of the first run that failed. */
    record TestsFailed(List<TestFailure> failures, int run, int runs) implements Verdict {
        public TestsFailed {
            failures = List.copyOf(failures);
        }

        @Override
        public String summary() {
            String count = failures.size() == 1 ? "1 test failed" : failures.size() + " tests failed";
            return runs == 1 ? "failed: " + count : "failed on run " + run + " of " + runs + ": " + count;
        }
    }

    /** The learner's files (or the tests against them) did not compile. */
    record CompileFailed(List<CompileError> errors) implements Verdict {
        public CompileFailed {
            errors = List.copyOf(errors);
        }

        @Override
        public String summary() {
            return "did not compile: " + (errors.size() == 1 ? "1 error" : errors.size() + " errors");
        }
    }

    /**
     * A test ran past its limit, or the whole run past the hard limit.
     *
     * @param test  the test that was running, or null when none had started
     * @param limit the limit that was passed
     * @param dump  where each of the learner's threads stood, or a note that the JVM did not answer
     * @param tags  the test's tags, for the hint it points to
     */
    record TimedOut(String test, Duration limit, String dump, List<String> tags) implements Verdict {
        public TimedOut {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        @Override
        public String summary() {
            return "timed out after " + limit.toMillis() / 1000.0 + " s" + (test == null ? "" : " in " + test);
        }
    }

    /**
     * The test JVM ended before the tests did, or a test broke it beyond a plain failure.
     *
     * @param cause      what kind of end it was
     * @param exitStatus the process's exit status, when it exited
     * @param test       the test that was running, or null
     * @param where      the learner's line, as {@code File.java:42}, when known
     * @param detail     one line of what the JVM said
     * @param tags       the running test's tags, for the hint it points to, when the learner's code ran out of
     *                   memory or stack in it; otherwise empty
     */
    record Crashed(Cause cause, Integer exitStatus, String test, String where, String detail, List<String> tags)
            implements Verdict {
        public Crashed {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        /** A crash no test's hint fits: an exit, a halt, or the worker itself failing. */
        public Crashed(Cause cause, Integer exitStatus, String test, String where, String detail) {
            this(cause, exitStatus, test, where, detail, List.of());
        }

        @Override
        public String summary() {
            return "crashed: " + cause.description + (test == null ? "" : " in " + test)
                    + (where == null ? "" : " at " + where);
        }
    }

    /** The ways a test JVM can end early. */
    enum Cause {
        SYSTEM_EXIT("System.exit() was called"),
        HALTED("the JVM stopped at once (Runtime.halt() or a crash)"),
        OUT_OF_MEMORY("out of memory"),
        STACK_OVERFLOW("stack overflow"),
        WORKER_ERROR("the test JVM could not run the tests");

        private final String description;

        Cause(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }
}
