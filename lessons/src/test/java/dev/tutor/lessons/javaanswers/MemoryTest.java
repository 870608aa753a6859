package dev.tutor.lessons.javaanswers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryTest {

    @Test
    void readsAFieldOfProcStatus() {
        List<String> status = List.of("Name:\tjava", "VmPeak:\t 9000000 kB", "VmHWM:\t  351296 kB", "VmRSS:\t  2000 kB");
        assertEquals(351_296, Memory.statusField(status, "VmHWM"));
        assertEquals(2_000, Memory.statusField(status, "VmRSS"));
        assertEquals(-1, Memory.statusField(status, "VmSwap"));
    }

    @Test
    void readsTheThreadLineOfANativeMemorySummary() {
        String summary = """
                -                 Class (reserved=1048987KB, committed=1243KB)
                -                    Thread (reserved=10539KB, committed=1360KB)
                                            (threads #11)
                                            (stack: reserved=10496KB, committed=1316KB)
                """;
        assertEquals(1_360, Memory.nmtThreadCommittedKb(summary));
        assertEquals(-1, Memory.nmtThreadCommittedKb("Native memory tracking is not enabled"));
    }

    @Test
    void readsACounterFromProcNetNetstat() {
        List<String> netstat = List.of(
                "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops",
                "TcpExt: 0 0 17714 17714",
                "IpExt: InNoRoutes ListenOverflows",
                "IpExt: 0 99");
        assertEquals(17_714, Memory.netstatField(netstat, "TcpExt", "ListenOverflows"));
        assertEquals(99, Memory.netstatField(netstat, "IpExt", "ListenOverflows"));
        assertEquals(-1, Memory.netstatField(netstat, "TcpExt", "TCPSynRetrans"));
    }
}
