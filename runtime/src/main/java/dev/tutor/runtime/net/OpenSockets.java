package dev.tutor.runtime.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
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

    /** The inode a descriptor's link names when it is a socket ({@code socket:[174771]}); empty otherwise. */
    public static OptionalLong inodeOf(String link) {
        Matcher socket = SOCKET_LINK.matcher(link);
        return socket.matches() ? OptionalLong.of(Long.parseLong(socket.group(1))) : OptionalLong.empty();
    }

    /**
     * The inode of the connected TCP socket at {@code localPort} whose peer is at {@code remotePort}, from
     * Linux's /proc/net/tcp and tcp6; empty where those cannot be read or no such socket is listed. The kernel
     * hands the table out one read at a time, and a row can be missed while other connections come and go
     * between two reads, so a connection that is up is looked for a few times.
     */
    public static OptionalLong ofConnection(int localPort, int remotePort) {
        for (int look = 0; look < 5; look++) {
            try {
                OptionalLong inode = TcpTable.withPorts(Path.of("/proc/net"), localPort, remotePort)
                        .inodeOf(localPort, remotePort);
                if (inode.isPresent()) {
                    return inode;
                }
            } catch (IOException unreadable) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
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
                    inodeOf(Files.readSymbolicLink(fd).toString()).ifPresent(inodes::add);
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
