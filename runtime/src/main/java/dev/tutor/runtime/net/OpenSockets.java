package dev.tutor.runtime.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sockets this process holds open, by inode, as Linux lists its descriptors in {@code /proc/self/fd}:
 * how a test tells a server that closed a connection from one that only stopped watching it. A socket whose
 * peer has reset it leaves {@code /proc/net/tcp} at once, closed or not; only its descriptor shows that the
 * server still holds it.
 *
 * <p>Empty where there is no such listing (not Linux).
 */
public final class OpenSockets {
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    private OpenSockets() {
    }

    /** The inodes of every socket this process has a descriptor for, at this moment. */
    public static Optional<Set<Long>> inodes() {
        return inodes(Path.of("/proc/self/fd"));
    }

    static Optional<Set<Long>> inodes(Path fds) {
        if (!Files.isDirectory(fds)) {
            return Optional.empty();
        }
        Set<Long> inodes = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                try {
                    Matcher socket = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
                    if (socket.matches()) {
                        inodes.add(Long.parseLong(socket.group(1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed between the listing and the look is not open
                }
            }
        } catch (IOException unreadable) {
            return Optional.empty();
        }
        return Optional.of(inodes);
    }
}
