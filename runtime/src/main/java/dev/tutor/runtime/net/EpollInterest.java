package dev.tutor.runtime.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's own view of the epoll instances in this process: which descriptors each one watches, and
 * for which events. A Java {@code Selector} on Linux is an epoll instance, so this shows what
 * {@code register} and {@code interestOps} really asked the kernel for.
 *
 * <p>Why it exists: a selector's interest set is easy to get wrong and invisible while it is wrong. The
 * kernel lists every epoll instance's interest list in {@code /proc/self/fdinfo/<fd>}, one line per
 * watched descriptor ({@code tfd: 7 events: 19 data: ...}), and names each descriptor in
 * {@code /proc/self/fd}; a socket's ports and state are in {@code /proc/net/tcp} and {@code tcp6}.
 * Reading them needs no privileges and does not disturb the selector. Elsewhere than Linux there is no
 * such view: {@link #available()} says so and {@link #unavailableReason()} says why in one line.
 *
 * <p>Contract: a snapshot, taken by the calling thread, of what the kernel holds at that moment. Java's
 * selector hands interest changes to the kernel at its next {@code select}, so a change made by
 * {@code interestOps} shows here only after the selector has selected again. Stateless and thread-safe.
 */
public final class EpollInterest {

    /** What {@code readlink /proc/self/fd/N} says for an epoll instance. */
    static final String EVENTPOLL = "anon_inode:[eventpoll]";
    /** One watched descriptor in an epoll instance's fdinfo: {@code tfd: 7 events: 19 data: ...}. */
    private static final Pattern WATCH_LINE =
            Pattern.compile("^tfd:\\s*(\\d+)\\s+events:\\s*([0-9a-fA-F]+)", Pattern.MULTILINE);
    /** The inode at the end of a watched descriptor's line in fdinfo: {@code ... pos:0 ino:7217fc sdev:9}. */
    private static final Pattern WATCHED_INODE = Pattern.compile("^tfd:.*\\bino:([0-9a-fA-F]+)", Pattern.MULTILINE);

    /** The epoll event bits, from the kernel's uapi/linux/eventpoll.h, in the order they are printed. */
    private static final Map<Integer, String> EVENT_NAMES = eventNames();

    private final Path proc;

    private EpollInterest(Path proc) {
        this.proc = proc;
    }

    /** Whether this process can see its epoll instances: true on Linux with /proc mounted. */
    public static boolean available() {
        return unavailable(System.getProperty("os.name", "?"), Path.of("/proc/self/fdinfo")).isEmpty();
    }

    /** One line saying why the view is missing here, or an empty string when {@link #available()}. */
    public static String unavailableReason() {
        return unavailable(System.getProperty("os.name", "?"), Path.of("/proc/self/fdinfo")).orElse("");
    }

    /** The descriptors of this process that are epoll instances, in ascending order. */
    public static Set<Integer> instances() throws IOException {
        return onThisProcess().epollDescriptors();
    }

    /**
     * What the epoll instance {@code epfd} of this process watches, in ascending descriptor order; each
     * descriptor named, and a TCP socket with its addresses and state.
     *
     * @throws IOException when {@code epfd} is not an open epoll instance of this process
     */
    public static List<EpollWatch> interestList(int epfd) throws IOException {
        return onThisProcess().read(epfd);
    }

    /**
     * The event masks of the epoll instance {@code epfd} of this process, by watched descriptor, without
     * naming the descriptors: a cheap look, for a caller that already knows which descriptor it watches.
     *
     * @throws IOException when {@code epfd} is not an open epoll instance of this process
     */
    public static Map<Integer, Integer> events(int epfd) throws IOException {
        return onThisProcess().readEvents(epfd);
    }

    /**
     * The inodes of the files the epoll instance {@code epfd} of this process watches, as the kernel prints
     * them ({@code ino:7217fc}): unlike a descriptor's number, which a closed descriptor hands on to the next
     * one opened, an inode names one socket for its whole life. Empty where the kernel does not print them.
     *
     * @throws IOException when {@code epfd} is not an open epoll instance of this process
     */
    public static Set<Long> watchedInodes(int epfd) throws IOException {
        return onThisProcess().readInodes(epfd);
    }

    /**
     * The one epoll instance opened since {@code before} was taken with {@link #instances()}: how a demo
     * or test finds the descriptor of the selector it has just opened. Empty when none or several were.
     */
    public static Optional<Integer> openedSince(Set<Integer> before) throws IOException {
        Set<Integer> now = new TreeSet<>(instances());
        now.removeAll(before);
        return now.size() == 1 ? Optional.of(now.iterator().next()) : Optional.empty();
    }

    /**
     * The names of the bits set in an epoll event mask, joined by '|': {@code 0x19} is
     * {@code EPOLLIN|EPOLLERR|EPOLLHUP}. Bits without a name are shown in hex.
     */
    public static String eventNames(int events) {
        List<String> names = new ArrayList<>();
        int unnamed = events;
        for (Map.Entry<Integer, String> bit : EVENT_NAMES.entrySet()) {
            if ((events & bit.getKey()) != 0) {
                names.add(bit.getValue());
                unnamed &= ~bit.getKey();
            }
        }
        if (unnamed != 0) {
            names.add(String.format("0x%x", unnamed));
        }
        return names.isEmpty() ? "(none)" : String.join("|", names);
    }

    /** The whole interest list of {@code epfd} as lines of text, one per watched descriptor. */
    public static String describe(int epfd) throws IOException {
        List<EpollWatch> watches = interestList(epfd);
        StringBuilder text = new StringBuilder("epoll instance fd " + epfd + " watches " + watches.size()
                + " descriptor" + (watches.size() == 1 ? "" : "s") + ":");
        for (EpollWatch watch : watches) {
            text.append(System.lineSeparator()).append("  ").append(watch.describe());
        }
        return text.toString();
    }

    // ---- the reading, against any /proc-like folder so that tests can hand it made-up files ----

    static EpollInterest onThisProcess() throws IOException {
        Optional<String> why = unavailable(System.getProperty("os.name", "?"), Path.of("/proc/self/fdinfo"));
        if (why.isPresent()) {
            throw new IOException(why.get());
        }
        return new EpollInterest(Path.of("/proc"));
    }

    /** Reads from {@code proc} laid out like Linux's /proc: {@code self/fd}, {@code self/fdinfo}, {@code net/tcp}. */
    static EpollInterest at(Path proc) {
        return new EpollInterest(proc);
    }

    static Optional<String> unavailable(String osName, Path fdinfo) {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of("The kernel's view of a selector's interest list is read from /proc, which only Linux"
                    + " has; on " + osName + " the selector uses " + (osName.toLowerCase(Locale.ROOT).contains("win")
                    ? "wepoll" : "kqueue") + " and this view is not available.");
        }
        if (!Files.isDirectory(fdinfo)) {
            return Optional.of("The kernel's view of a selector's interest list is read from /proc/self/fdinfo,"
                    + " which is not mounted here.");
        }
        return Optional.empty();
    }

    Set<Integer> epollDescriptors() throws IOException {
        Set<Integer> found = new TreeSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("self/fd"))) {
            for (Path fd : fds) {
                if (EVENTPOLL.equals(link(fd).orElse("")) && isNumber(fd.getFileName().toString())) {
                    found.add(Integer.parseInt(fd.getFileName().toString()));
                }
            }
        }
        return found;
    }

    List<EpollWatch> read(int epfd) throws IOException {
        Path self = proc.resolve("self");
        TcpTable tcp = new TcpTable(proc.resolve("net"));
        List<EpollWatch> watches = new ArrayList<>();
        for (int[] watch : parseFdinfo(fdinfo(epfd))) {
            String target = link(self.resolve("fd/" + watch[0])).orElse("(closed)");
            OptionalLong inode = OpenSockets.inodeOf(target);
            Optional<TcpTable.Row> row = inode.isPresent() ? tcp.find(inode.getAsLong()) : Optional.empty();
            watches.add(new EpollWatch(watch[0], watch[1], target, row.map(TcpTable.Row::local).orElse(null),
                    row.map(TcpTable.Row::remote).orElse(null), row.map(TcpTable.Row::state).orElse("")));
        }
        watches.sort(Comparator.comparingInt(EpollWatch::fd));
        return watches;
    }

    Map<Integer, Integer> readEvents(int epfd) throws IOException {
        Map<Integer, Integer> events = new TreeMap<>();
        for (int[] watch : parseFdinfo(fdinfo(epfd))) {
            events.put(watch[0], watch[1]);
        }
        return events;
    }

    Set<Long> readInodes(int epfd) throws IOException {
        Set<Long> inodes = new TreeSet<>();
        Matcher inode = WATCHED_INODE.matcher(fdinfo(epfd));
        while (inode.find()) {
            inodes.add(Long.parseLong(inode.group(1), 16));
        }
        return inodes;
    }

    private String fdinfo(int epfd) throws IOException {
        Path self = proc.resolve("self");
        if (!EVENTPOLL.equals(link(self.resolve("fd/" + epfd)).orElse(""))) {
            throw new IOException("fd " + epfd + " is not an epoll instance of this process.");
        }
        try {
            // Line by line: /proc files report a size of 0, and some are cut short when read as one string.
            return String.join("\n", Files.readAllLines(self.resolve("fdinfo/" + epfd)));
        } catch (NoSuchFileException closed) {
            throw new IOException("epoll instance fd " + epfd + " was closed while it was being read.", closed);
        }
    }

    /** The {@code (tfd, events)} pairs of an epoll instance's fdinfo text, in the order listed. */
    static List<int[]> parseFdinfo(String fdinfo) {
        List<int[]> watches = new ArrayList<>();
        Matcher line = WATCH_LINE.matcher(fdinfo);
        while (line.find()) {
            watches.add(new int[] {Integer.parseInt(line.group(1)), (int) Long.parseLong(line.group(2), 16)});
        }
        return watches;
    }

    private static Optional<String> link(Path fd) {
        try {
            return Optional.of(Files.readSymbolicLink(fd).toString());
        } catch (IOException | UnsupportedOperationException | UncheckedIOException gone) {
            return Optional.empty(); // closed between listing and reading, or not a link
        }
    }

    private static boolean isNumber(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static Map<Integer, String> eventNames() {
        Map<Integer, String> names = new java.util.LinkedHashMap<>();
        names.put(0x001, "EPOLLIN");
        names.put(0x002, "EPOLLPRI");
        names.put(0x004, "EPOLLOUT");
        names.put(0x008, "EPOLLERR");
        names.put(0x010, "EPOLLHUP");
        names.put(0x040, "EPOLLRDNORM");
        names.put(0x080, "EPOLLRDBAND");
        names.put(0x100, "EPOLLWRNORM");
        names.put(0x200, "EPOLLWRBAND");
        names.put(0x400, "EPOLLMSG");
        names.put(0x2000, "EPOLLRDHUP");
        names.put(1 << 28, "EPOLLEXCLUSIVE");
        names.put(1 << 29, "EPOLLWAKEUP");
        names.put(1 << 30, "EPOLLONESHOT");
        names.put(1 << 31, "EPOLLET");
        return names;
    }
}
