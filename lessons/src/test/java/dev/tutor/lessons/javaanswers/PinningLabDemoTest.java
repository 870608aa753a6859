package dev.tutor.lessons.javaanswers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PinningLabDemoTest {

    @Test
    void aSceneLineGivesItsNameAndTime() {
        assertEquals(Optional.of("synchronized 251 ms"), PinningLabDemo.sceneTime(
                "  [+5.59 s] synchronized: fetch while holding a monitor    4 threads took  251 ms"));
        assertEquals(Optional.of("class initializer 4012 ms"), PinningLabDemo.sceneTime(
                "  [+5.85 s] class initializer: fetch inside static { }     4 threads took 4012 ms"));
    }

    @Test
    void otherLinesGiveNothing() {
        assertEquals(Optional.empty(), PinningLabDemo.sceneTime("  JFR, live: pinned class initializer-0 for 2001 ms"));
        assertEquals(Optional.empty(), PinningLabDemo.sceneTime("jdk.VirtualThreadPinned events in all: 4"));
    }
}
