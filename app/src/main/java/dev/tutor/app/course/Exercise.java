package dev.tutor.app.course;

import java.time.Duration;
import java.util.List;

/**
 * One graded exercise: the learner's files, the tests that grade them, hints, and the limits of a run.
 *
 * @param id            short stable name used on the command line ({@code workload-probe})
 * @param lessonId      the lesson it follows
 * @param title         what the learner builds, in a few words
 * @param topics        the topics it practises, by id
 * @param files         the learner's source files, as paths under a source root
 *                      ({@code dev/tutor/exercises/waiting/WorkloadProbe.java})
 * @param tests         the test sources that grade them, as paths under the test source root
 * @param hints         from a nudge to nearly the answer; at least two
 * @param timeLimit     the hard limit for one grading's tests, from the request to the test JVM, after which the
 *                      test JVM is killed
 * @param testTimeLimit the limit for any single test, after which it is reported as timed out
 * @param repeat        how many times the tests run in one JVM; more than one for concurrency, so that
 *                      a racy answer that passes once by luck is not called right
 * @param mistakes      known wrong answers, each proven by the build to fail with its own hint
 */
public record Exercise(String id, String lessonId, String title, List<String> topics, List<String> files,
                       List<String> tests, List<String> hints, Duration timeLimit, Duration testTimeLimit,
                       int repeat, List<Mistake> mistakes) {
    public Exercise {
        topics = List.copyOf(topics);
        files = List.copyOf(files);
        tests = List.copyOf(tests);
        hints = List.copyOf(hints);
        mistakes = List.copyOf(mistakes);
    }

    /** The fully qualified names of the learner's top-level classes, derived from {@link #files}. */
    public List<String> learnerClassNames() {
        return files.stream().map(Exercise::className).toList();
    }

    /** The fully qualified names of the test classes, derived from {@link #tests}. */
    public List<String> testClassNames() {
        return tests.stream().map(Exercise::className).toList();
    }

    /** The file name without folders of the first learner file, for messages. */
    public String mainFileName() {
        String first = files.get(0);
        return first.substring(first.lastIndexOf('/') + 1);
    }

    static String className(String sourcePath) {
        String noExtension = sourcePath.endsWith(".java")
                ? sourcePath.substring(0, sourcePath.length() - ".java".length()) : sourcePath;
        return noExtension.replace('/', '.');
    }
}
