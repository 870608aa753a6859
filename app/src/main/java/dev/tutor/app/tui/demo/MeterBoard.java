package dev.tutor.app.tui.demo;

import dev.tutor.runtime.meter.MeterReading;
import dev.tutor.runtime.net.EpollWatch;
import java.util.List;

/**
 * The meters' latest look, for the screen: one reading a server, and the kernel's view of the Selector server's
 * interest list. Immutable.
 *
 * @param readings   thread per client, busy polling, one Selector, in that order; empty before the first look
 * @param epollFd    the Selector's epoll descriptor, or -1 when its interest list could not be read
 * @param interest   what that epoll instance watches, one entry a descriptor
 * @param kernelNote why the interest list is missing (not Linux, not found), or empty
 * @param slowReaderPort the port of the Selector's slow reader, whose connection the list names, or 0
 */
public record MeterBoard(List<MeterReading> readings, int epollFd, List<EpollWatch> interest, String kernelNote,
                         int slowReaderPort) {
    static final MeterBoard EMPTY = new MeterBoard(List.of(), -1, List.of(), "", 0);

    public MeterBoard {
        readings = List.copyOf(readings);
        interest = List.copyOf(interest);
        kernelNote = kernelNote == null ? "" : kernelNote;
    }
}
