package dev.tutor.app.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MistakePatchTest {
    private static final String SOLUTION = "class A {\n    int twice(int x) {\n        return 2 * x;\n    }\n}\n";
    private static final String DIFF = """
            --- solution/A.java
            +++ mistake/A.java
            @@ -1,5 +1,5 @@
             class A {
                 int twice(int x) {
            -        return 2 * x;
            +        return x + x + 0 * x;
                 }
             }
            """;

    @Test
    void rebuildsTheWrongFileFromTheSolutionAndItsDiff() {
        assertThat(MistakePatch.apply(SOLUTION, DIFF, "m"))
                .isEqualTo("class A {\n    int twice(int x) {\n        return x + x + 0 * x;\n    }\n}\n");
    }

    @Test
    void namesTheMistakeWhoseDiffNoLongerFitsTheSolution() {
        String changed = SOLUTION.replace("2 * x", "x << 1");
        assertThatThrownBy(() -> MistakePatch.apply(changed, DIFF, "mistakes/e/m/A.java.diff"))
                .isInstanceOf(CourseException.class)
                .hasMessageStartingWith("mistakes/e/m/A.java.diff no longer applies to the solution");
    }
}
