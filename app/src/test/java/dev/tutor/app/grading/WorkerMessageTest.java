package dev.tutor.app.grading;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerMessageTest {
    private final Gson gson = new Gson();

    @Test
    void everyKindComesBackAsItWent() {
        List<WorkerMessage> all = List.of(new WorkerMessage.Ready(), new WorkerMessage.RunStarted(2),
                new WorkerMessage.TestStarted(1, "aTest()", List.of("hint:2")),
                new WorkerMessage.TestFinished(1, "aTest()", "FAILED", "saw 0", "java.lang.AssertionError",
                        "Adder.java:5", List.of("hint:2")),
                new WorkerMessage.TestTimedOut("aTest()", List.of("hint:1"), "\"main\" RUNNABLE", "printed", 7),
                new WorkerMessage.ExitCalled("aTest()", "Adder.java:9", "", 0),
                new WorkerMessage.Measured("aTest()", "longest turn", "0.2 ms"),
                new WorkerMessage.Done("out", 0), new WorkerMessage.WorkerFailed("no class"));
        assertThat(WorkerMessage.KINDS.values()).hasSize(all.size());
        for (WorkerMessage message : all) {
            String line = WorkerMessage.toJson(gson, message);
            assertThat(line).doesNotContain("\n");
            assertThat(WorkerMessage.fromJson(gson, line)).contains(message);
        }
    }

    @Test
    void whatTheLearnersCodeWritesToTheRawDescriptorIsNotAMessage() {
        for (String line : List.of("hello", "{\"kind\":\"NOPE\"}", "[1,2]", "{\"run\":1}", "{\"kind\":", "")) {
            assertThat(WorkerMessage.fromJson(gson, line)).as(line).isEmpty();
        }
    }
}
