package dev.tutor.exercises.tasks;

import dev.tutor.runtime.loop.EventLoop;
import dev.tutor.runtime.loop.Future;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loop as each {@link PageCheck} sees it: a proxy that passes every call on to the bundled loop and notes the
 * channel that {@code connect} gave, the bytes each {@code recv} read and each {@code sleep}, one {@link Watch} per
 * check. The channel must be closed when the task ends, and the {@link PageServer} can wait until a check has read
 * a piece of its answer, or until every check waits on a read.
 *
 * <p>The watches are written on the loop thread; the server's threads wait on them.
 */
final class LoopRecorder {

    /** What the recorder saw one check do with the loop; written on the loop thread. */
    static final class Watch {
        volatile SocketChannel channel;
        final AtomicLong read = new AtomicLong();
        final AtomicInteger sleeps = new AtomicInteger();
        volatile boolean ended;
    }

    /** How long the server waits for a check to read a piece; a right answer reads it at once. */
    private static final long PIECE_READ_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);

    private final EventLoop loop;
    private final Map<String, Watch> watchesByPath = new ConcurrentHashMap<>();
    private final Object reads = new Object();
    private int pendingRecvs; // guarded by reads

    LoopRecorder(EventLoop loop) {
        this.loop = loop;
    }

    /** A new watch for the check of path, which the server finds by that path. */
    Watch watch(String path) {
        Watch watch = new Watch();
        watchesByPath.put(path, watch);
        return watch;
    }

    /** The loop as a check sees it: every call passed on, and what the check did with it noted in watch. */
    EventLoop loopFor(Watch watch) {
        return (EventLoop) Proxy.newProxyInstance(EventLoop.class.getClassLoader(), new Class<?>[] {EventLoop.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(loop, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    switch (method.getName()) {
                        case "connect" -> ((Future<?>) result).addDoneCallback(done -> {
                            if (!done.isCancelled() && done.exception() == null) {
                                watch.channel = (SocketChannel) done.result();
                            }
                        });
                        case "recv" -> {
                            Future<?> receiving = (Future<?>) result;
                            if (!receiving.isDone()) {
                                synchronized (reads) {
                                    pendingRecvs++;
                                    reads.notifyAll();
                                }
                            }
                            boolean counted = !receiving.isDone();
                            Runnable tally = () -> {
                                synchronized (reads) {
                                    if (counted) {
                                        pendingRecvs--;
                                    }
                                    if (!receiving.isCancelled() && receiving.exception() == null
                                            && receiving.result() instanceof Integer n && n > 0) {
                                        watch.read.addAndGet(n);
                                    }
                                    reads.notifyAll();
                                }
                            };
                            if (receiving.isDone()) {
                                tally.run();
                            } else {
                                receiving.addDoneCallback(done -> tally.run());
                            }
                        }
                        case "sleep" -> watch.sleeps.incrementAndGet();
                        default -> { }
                    }
                    return result;
                });
    }

    /** Marks the check of watch as ended, and wakes a server that waits for it to read. */
    void ended(Watch watch) {
        watch.ended = true;
        synchronized (reads) {
            reads.notifyAll();
        }
    }

    /** Called by the server: waits until the check for path has read count bytes, has ended, or a second passed. */
    void awaitRead(String path, long count) {
        Watch watch = watchesByPath.get(path);
        if (watch == null) {
            return;
        }
        long until = System.nanoTime() + PIECE_READ_NANOS;
        synchronized (reads) {
            while (watch.read.get() < count && !watch.ended) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(reads, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Called by the server: waits until count reads are pending on the loop, or the deadline has passed. */
    void awaitPendingRecvs(int count, long deadline) {
        synchronized (reads) {
            while (pendingRecvs < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(reads, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
