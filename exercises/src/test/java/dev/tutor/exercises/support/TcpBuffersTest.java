package dev.tutor.exercises.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutor.exercises.support.TcpBuffers.Figure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Pins that {@link TcpBuffers} reads the kernel's whole settings where Linux has them: the limits of the
 * selector exercises' tests hang on it. Not listed in any exercise's tests.
 */
class TcpBuffersTest {

    @Test
    void readsThreeRisingFiguresOfEachSettingWhereLinuxHasThem() {
        assumeTrue(Files.isReadable(Path.of("/proc/sys/net/ipv4/tcp_rmem")), "not Linux: nothing to read");
        assertRising("tcp_rmem", TcpBuffers::receive);
        assertRising("tcp_wmem", TcpBuffers::send);
    }

    private static void assertRising(String setting, Function<Figure, OptionalLong> reader) {
        long least = reader.apply(Figure.LEAST).orElseThrow();
        long start = reader.apply(Figure.START).orElseThrow();
        long most = reader.apply(Figure.MOST).orElseThrow();
        assertTrue(0 < least && least <= start && start <= most,
                setting + " read as " + least + " " + start + " " + most);
    }
}
