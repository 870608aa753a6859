package dev.tutor.lessons.javaanswers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JavaAnswersDemoTest {

    @Test
    void onlyOneToThreeChooseADemo() {
        assertEquals(1, JavaAnswersDemo.parse("1"));
        assertEquals(3, JavaAnswersDemo.parse(" 3 "));
        assertEquals(0, JavaAnswersDemo.parse("0"));
        assertEquals(0, JavaAnswersDemo.parse("4"));
        assertEquals(0, JavaAnswersDemo.parse("pinning"));
    }
}
