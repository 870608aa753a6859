package dev.tutor.lessons.javaanswers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FutureThreadsDemoTest {

    @Test
    void aStageRunsOnTheCompletingThreadOrTheCallerOrThePool() throws InterruptedException {
        List<String> seen = new ArrayList<>();
        List<String> answers = FutureThreadsDemo.whoRunsStages(seen);
        String caller = Thread.currentThread().getName();
        assertEquals("not yet: completer", answers.get(0));
        assertEquals("already: " + caller, answers.get(1));
        assertTrue(answers.get(2).startsWith("async: ForkJoinPool.commonPool-worker-"), answers.get(2));
        assertEquals("async on a pool: my-pool", answers.get(3));
        assertEquals(4, seen.size());
    }
}
