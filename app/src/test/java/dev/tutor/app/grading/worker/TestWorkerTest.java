package dev.tutor.app.grading.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the worker names a place in the learner's code. */
class TestWorkerTest {

    @Test
    void aPlaceIsTheFileAndTheLine() {
        assertThat(TestWorker.place(new StackTraceElement("dev.tutor.exercises.threads.AtomicCounter", "increment",
                "AtomicCounter.java", 21))).isEqualTo("AtomicCounter.java:21");
    }

    @Test
    void aClassThatLostItsSourceFileNameIsNamedByItsTopLevelClassNotNull() {
        // Lincheck's agent rewrites the classes it explores, and their frames come without a file name.
        assertThat(TestWorker.place(new StackTraceElement("dev.tutor.exercises.threads.AtomicCounter$Cell", "add",
                null, 56))).isEqualTo("AtomicCounter.java:56");
        assertThat(TestWorker.place(new StackTraceElement("Counter", "get", null, 7))).isEqualTo("Counter.java:7");
    }
}
