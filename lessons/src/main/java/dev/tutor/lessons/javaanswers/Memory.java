package dev.tutor.lessons.javaanswers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The two memory figures {@link FetchRun} reports, read from where the operating system and the JVM keep
 * them: the process's peak resident set ({@code VmHWM} in {@code /proc/self/status}, Linux only) and the
 * stacks committed for platform threads (Native Memory Tracking's "Thread" line, only when the JVM runs
 * with {@code -XX:NativeMemoryTracking=summary}), and one the kernel keeps for the whole machine: how often a
 * listen queue overflowed. Each is -1 where it cannot be had.
 */
final class Memory {

    private static final Pattern NMT_THREAD = Pattern.compile("-\\s+Thread \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private Memory() {
    }

    /** The most memory this process has had resident at once, in KiB, or -1 off Linux. */
    static long peakRssKb() {
        try {
            return statusField(Files.readAllLines(Path.of("/proc/self/status")), "VmHWM");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The value in kB of {@code field} in lines of {@code /proc/PID/status}, or -1 when it is not there. */
    static long statusField(List<String> statusLines, String field) {
        for (String line : statusLines) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
            }
        }
        return -1;
    }

    /**
     * How many times, since boot, a listening socket on this machine had a full accept queue and dropped a
     * connection (TcpExt ListenOverflows in {@code /proc/net/netstat}), or -1 off Linux. Every process counts.
     */
    static long listenOverflows() {
        try {
            return netstatField(Files.readAllLines(Path.of("/proc/net/netstat")), "TcpExt", "ListenOverflows");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A counter from {@code /proc/net/netstat}, whose lines come in pairs: names, then values. -1 if absent. */
    static long netstatField(List<String> lines, String group, String field) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            String[] names = lines.get(i).split("\\s+");
            String[] values = lines.get(i + 1).split("\\s+");
            if (names[0].equals(group + ":") && values[0].equals(group + ":") && names.length == values.length) {
                for (int k = 1; k < names.length; k++) {
                    if (names[k].equals(field)) {
                        return Long.parseLong(values[k]);
                    }
                }
            }
        }
        return -1;
    }

    /** Committed memory of the platform threads' stacks and their bookkeeping, in KiB, or -1 without NMT. */
    static long threadStacksCommittedKb() {
        try {
            Object summary = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            return nmtThreadCommittedKb(String.valueOf(summary));
        } catch (JMException | RuntimeException e) {
            return -1;
        }
    }

    /** The committed KiB on the "Thread" line of an NMT summary, or -1 when there is none. */
    static long nmtThreadCommittedKb(String summary) {
        Matcher matcher = NMT_THREAD.matcher(summary);
        return matcher.find() ? Long.parseLong(matcher.group(2)) : -1;
    }
}
