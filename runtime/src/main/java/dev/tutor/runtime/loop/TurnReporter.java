package dev.tutor.runtime.loop;

import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Builds {@link LoopEvent}s and hands them to the listeners. The loop calls it only when
 * {@link #active()} is true, so an unwatched loop allocates nothing for tracing.
 * Called on the loop thread, except {@link #add}/{@link #remove}, which any thread may call.
 */
final class TurnReporter {

    private final LoopLog log;
    private final List<LoopListener> listeners = new CopyOnWriteArrayList<>();
    /** Per-turn scratch lists, filled during select and timer phases. */
    private List<LoopEvent.ReadyKey> keys = new ArrayList<>();
    private List<String> due = new ArrayList<>();

    TurnReporter(LoopLog log) {
        this.log = log;
    }

    boolean active() {
        return !listeners.isEmpty();
    }

    void add(LoopListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    void remove(LoopListener listener) {
        listeners.remove(listener);
    }

    void turnStarted(long turn, long time, int ready, int timers) {
        keys = new ArrayList<>();
        due = new ArrayList<>();
        emit(new LoopEvent.TurnStarted(turn, time, ready, timers));
    }

    void cancelledTimersDropped(long turn, int dropped, boolean rebuilt, int left) {
        emit(new LoopEvent.CancelledTimersDropped(turn, dropped, rebuilt, left));
    }

    void timeoutChosen(long turn, LoopEvent.TimeoutReason reason, long timeout, Collection<LoopHandle> ready,
                       long nextDeadline) {
        List<String> names = new ArrayList<>(Math.min(ready.size(), LoopEvent.NAME_LIMIT));
        for (LoopHandle handle : ready) {
            if (names.size() == LoopEvent.NAME_LIMIT) break;
            names.add(handle.name());
        }
        emit(new LoopEvent.TimeoutChosen(turn, reason, timeout, ready.size(), List.copyOf(names), nextDeadline));
    }

    void keyReady(SelectionKey key, int readyOps) {
        int interest = key.isValid() ? key.interestOps() : 0;
        keys.add(new LoopEvent.ReadyKey(describe(key), interest, readyOps));
    }

    void selectReturned(long turn, long waited) {
        emit(new LoopEvent.SelectReturned(turn, List.copyOf(keys), waited));
    }

    void timerDue(LoopHandle timer) {
        if (due.size() < LoopEvent.NAME_LIMIT) {
            due.add(timer.name());
        }
    }

    void timersDue(long turn, int left, long nextDeadline) {
        emit(new LoopEvent.TimersDue(turn, List.copyOf(due), left, nextDeadline));
    }

    void callbackRan(long turn, String name, long took, boolean slow, Throwable error) {
        emit(new LoopEvent.CallbackRan(turn, name, took, slow, error));
    }

    void turnEnded(long turn, int ran, int left) {
        emit(new LoopEvent.TurnEnded(turn, ran, left));
    }

    private void emit(LoopEvent event) {
        for (LoopListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                listeners.remove(listener);
                log.error("Loop listener " + Names.of(listener) + " threw and was removed: " + e, e);
            }
        }
    }

    /** "listen :8080" for a server socket, "conn :8080<-:53122" for a connection. */
    private static String describe(SelectionKey key) {
        try {
            if (key.channel() instanceof ServerSocketChannel server) {
                return "listen " + port(server.getLocalAddress());
            }
            if (key.channel() instanceof SocketChannel socket) {
                return "conn " + port(socket.getLocalAddress()) + "<-" + port(socket.getRemoteAddress());
            }
            if (key.channel() instanceof NetworkChannel network) {
                return "socket " + port(network.getLocalAddress());
            }
        } catch (java.io.IOException closed) {
            return "closed channel";
        }
        return Names.of(key.channel());
    }

    private static String port(SocketAddress address) {
        if (address instanceof java.net.InetSocketAddress inet) {
            return ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
