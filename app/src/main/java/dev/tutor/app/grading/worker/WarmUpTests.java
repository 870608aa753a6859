package dev.tutor.app.grading.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A test the worker runs on itself before it says it is ready, so that the JUnit engine, the assertion
 * classes and the listener are loaded and warm when the learner's tests arrive.
 */
public class WarmUpTests {
    @Test
    void addsNumbers() {
        assertEquals(4, 2 + 2, "warm-up");
    }
}
