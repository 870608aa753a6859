package dev.tutor.exercises.selectors;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.support.CompiledNest;
import dev.tutor.runtime.net.EpollInterest;
import dev.tutor.runtime.net.EpollWait;
import dev.tutor.runtime.net.EpollWatch;
import dev.tutor.runtime.net.NativeTask;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Your server, running {@code serve()} on a thread this test started, so that the tests can see whether
 * {@code serve()} has ended (and what it threw), how much CPU its thread uses while nothing happens, and,
 * on Linux, what its selector has asked the kernel to watch. Not a test itself: the tests of both
 * servers of lesson 9 share it.
 */
final class LoopUnderTest implements AutoCloseable {

    /** What a server of this lesson can do; each test hands in its server's methods. */
    interface Server {
        void serve() throws IOException;

        void stop();

        InetSocketAddress address();

        /** The learner's server object itself, whose selector the tests may look at. */
        Object instance();

        /**
         * A learner's server handed over as its object and its three methods: {@code Server.of(s, s::serve,
         * s::stop, s::address)}.
         */
        static Server of(Object instance, Serving serve, Runnable stop, Supplier<InetSocketAddress> address) {
            return new Server() {
                @Override
                public void serve() throws IOException {
                    serve.serve();
                }

                @Override
                public void stop() {
                    stop.run();
                }

                @Override
                public InetSocketAddress address() {
                    return address.get();
                }

                @Override
                public Object instance() {
                    return instance;
                }
            };
        }
    }

    /** A learner's serve(), which may throw an IOException. */
    interface Serving {
        void serve() throws IOException;
    }

    /** Makes the server: a constructor, which may throw like the real one. */
    interface Maker {
        Server make() throws IOException;
    }

    /**
     * How long an idle server is watched once it has settled: long enough for a spinning loop to show even
     * when a crowded machine gives it a small share of a core, short enough to be quick.
     */
    static final Duration IDLE_WINDOW = Duration.ofMillis(400);
    /**
     * CPU time in {@link #IDLE_WINDOW} above which an idle server is busy. A loop blocked in select() uses
     * none at all (a thread's CPU clock stands still while it waits); a spinning loop that gets even a
     * twentieth of a core uses twice this.
     */
    static final Duration IDLE_CPU_LIMIT = Duration.ofMillis(10);
    /**
     * Before the window: the loop may still be finishing the last thing the clients did (a reset to read, a
     * connection to close, a class to load the first time). It has settled once its CPU clock stands still
     * for {@link #SETTLED}; a loop that uses {@link #SETTLE_CPU_LIMIT} of CPU, or that has not settled within
     * {@link #SETTLE_LIMIT}, is busy.
     */
    static final Duration SETTLED = Duration.ofMillis(10);
    static final Duration SETTLE_CPU_LIMIT = Duration.ofMillis(30);
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(2);
    /**
     * How long the serving thread must be seen asleep in one epoll wait, with its CPU clock and its count of
     * sleeps standing still, for that wait to stand for the whole {@link #IDLE_WINDOW}.
     */
    static final Duration STEADY = Duration.ofMillis(20);
    /**
     * How long a serve() whose listening channel is closed is given to end: its finally closes that channel
     * before its exception is out, and a busy machine may hold it in between for a while.
     */
    private static final Duration ENDING = Duration.ofMillis(500);
    /** How many times the selected-key set is counted, each after the loop settles, before it is left alone. */
    private static final int KEY_LOOKS = 3;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String name;
    private final Server server;
    private final Thread thread;
    private final CountDownLatch ended = new CountDownLatch(1);
    /** The epoll instance the constructor opened, on Linux; empty elsewhere or when it cannot be told apart. */
    private final Optional<Integer> epfd;
    private volatile Throwable thrown;
    private volatile boolean stopCalled;
    /** The serving thread in /proc ("PID/task/TID"), on Linux; null elsewhere. */
    private volatile String nativeTask;

    private LoopUnderTest(String name, Server server, Optional<Integer> epfd) {
        this.name = name;
        this.server = server;
        this.epfd = epfd;
        this.thread = new Thread(this::run, name + ".serve()");
        this.thread.setDaemon(true);
    }

    /** Makes the server and starts {@code serve()} on a thread of the test's own. */
    static LoopUnderTest start(String name, Maker maker) throws IOException {
        Set<Integer> before = EpollInterest.available() ? EpollInterest.instances() : Set.of();
        Server server = maker.make();
        Optional<Integer> epfd = EpollInterest.available() ? EpollInterest.openedSince(before) : Optional.empty();
        LoopUnderTest loop = new LoopUnderTest(name, server, epfd);
        loop.thread.start();
        return loop;
    }

    private void run() {
        nativeTask = NativeTask.current().orElse(null);
        try {
            server.serve();
        } catch (Throwable t) {
            thrown = t;
        } finally {
            ended.countDown();
        }
    }

    /**
     * The server's address(). If that throws because serve() has ended by throwing (its finally closed the
     * listening channel before the exception got out of serve()), fails naming serve()'s own exception, which
     * is the cause, not the closed channel.
     */
    InetSocketAddress address() {
        try {
            return server.address();
        } catch (RuntimeException e) {
            assertServingAfter("(address() then threw " + e + ".)");
            throw e;
        }
    }

    /** Waits up to {@code limit} for serve() to end; whether it has. */
    private boolean awaitEnded(Duration limit) {
        try {
            return ended.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return hasEnded();
        }
    }

    /** The thread that runs serve(). */
    Thread thread() {
        return thread;
    }

    boolean hasEnded() {
        return ended.getCount() == 0;
    }

    /**
     * Waits until {@code done} is true, checking every few milliseconds, for at most {@code limit}; fails at
     * once, naming what it threw, if serve() ends meanwhile. Returns whether {@code done} became true.
     */
    boolean awaitWhileServing(BooleanSupplier done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            assertServing();
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleepMillis(2);
        }
        return true;
    }

    /** Fails, saying what happened, if serve() has already returned or thrown though stop() was never called. */
    void assertServing() {
        if (hasEnded() && !stopCalled) {
            fail(endedEarly());
        }
    }

    /**
     * A client run's problem, if any; led by what serve() did when it has ended, since a serve() that threw
     * explains whatever its clients saw after it.
     */
    void assertNoProblem(Optional<String> problem) {
        if (problem.isPresent()) {
            assertServingAfter("What the clients saw: " + problem.get());
            fail(problem.get());
        }
    }

    /**
     * For a failure a test has just seen ({@code seen}, said after the cause): fails naming what serve() did
     * if serve() has ended, or is on its way out. A serve() that throws closes its channels in its finally
     * before its exception is out, so clients see the closed channels first; when the listening channel is
     * closed (address() throws, or a connection to it is refused), serve() is given {@link #ENDING} to end.
     */
    void assertServingAfter(String seen) {
        if (stopCalled) {
            return;
        }
        if (!hasEnded() && listenerClosed()) {
            awaitEnded(ENDING);
        }
        if (hasEnded()) {
            fail(endedEarly() + " " + seen);
        }
    }

    /**
     * Connects {@code client} to the server; if that is refused because serve() has ended, or is ending,
     * fails naming what serve() did.
     */
    void connect(Socket client) throws IOException {
        InetSocketAddress to = address();
        try {
            client.connect(to, 1000);
        } catch (IOException e) {
            assertServingAfter("(A client then could not connect: " + e.getMessage() + ".)");
            throw e;
        }
    }

    /** Whether the listening channel is closed: address() throws, or a connection to it is refused. */
    private boolean listenerClosed() {
        InetSocketAddress to;
        try {
            to = server.address();
        } catch (RuntimeException closed) {
            return true;
        }
        // Refused at once over loopback when nothing listens; a full backlog only delays, so a short limit.
        try (Socket probe = new Socket()) {
            probe.connect(to, 100);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException delayed) {
            return false;
        }
    }

    private String endedEarly() {
        Throwable t = thrown;
        if (t == null) {
            return "serve() returned though stop() was never called: it must go on serving, waiting in select()"
                    + " for the next thing to do, until stop().";
        }
        if (t instanceof UnsupportedOperationException && String.valueOf(t.getMessage()).startsWith("TODO")) {
            return "serve() is not written yet: it threw " + t + ".";
        }
        return "serve() threw " + t + where(t) + ", and so stopped serving everyone."
                + (t instanceof IOException ? " When a read or write fails for one connection (its client reset"
                + " it, say), close that connection and go on serving the others." : "");
    }

    /** Where in the learner's class an exception came from, as " at Name.method(Name.java:12)", or "". */
    private String where(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().startsWith("dev.tutor.exercises.selectors." + name)) {
                return ", at " + frame;
            }
        }
        return "";
    }

    /**
     * Waits until the serving thread has done all it can with what it has been sent and waits in select()
     * (see {@link #settle()}); fails, as a busy loop, if it does not come to rest.
     */
    void awaitSettled(String situation) {
        settle().ifPresent(busy -> failBusy(situation, busy[0], busy[1]));
        assertServing();
    }

    /**
     * Lets the serving thread settle (see {@link #settle()}), then watches its CPU
     * time for {@link #IDLE_WINDOW} while nothing is sent, and fails as soon as it passes
     * {@link #IDLE_CPU_LIMIT}: a loop that waits in select() uses none. No timing decides the verdict of a
     * right server: its clock does not move at all while it waits. Where Linux shows the thread asleep in a
     * select() with no time-out, steadily (see {@link #steadyWait()}), that settles it at once without the
     * window; asleep in a select() with a time-out fails at once.
     *
     * @param situation what the clients are doing, for the message: "40 clients connected and silent"
     */
    void assertIdle(String situation) {
        settle().ifPresent(busy -> failBusy(situation, busy[0], busy[1]));
        assertServing();
        Optional<EpollWait> asleep = steadyWait();
        if (asleep.isPresent()) {
            check(asleep.get().withoutTimeOut(), () -> String.format("With %s, the thread running serve() waits in"
                    + " select() with a time-out of %d ms: when the time runs out, select() returns with nothing ready"
                    + " and the loop comes round for nothing. Nothing but a channel being ready, or wakeup(), should"
                    + " end a select(): call select() with no time-out, and have stop() wake it.", situation,
                    asleep.get().timeoutMillis()));
            return; // asleep until a channel is ready, and nothing will be: no window can show more
        }
        long cpuStart = cpuTime();
        OptionalLong wakesStart = wakes();
        long wallStart = System.nanoTime();
        while (true) {
            sleepMillis(5);
            long cpu = cpuTime() - cpuStart;
            long wall = System.nanoTime() - wallStart;
            if (cpu > IDLE_CPU_LIMIT.toNanos()) {
                failBusy(situation, cpu, wall);
            }
            if (wall >= IDLE_WINDOW.toNanos()) {
                assertServing();
                OptionalLong wakesEnd = wakes();
                if (wakesStart.isPresent() && wakesEnd.isPresent()) {
                    long woke = wakesEnd.getAsLong() - wakesStart.getAsLong();
                    check(woke == 0, () -> String.format("With %s, the thread running serve() woke %d time%s in %.0f"
                            + " ms, though nothing was ready: a select() with a time-out returns when its time runs"
                            + " out, so the loop comes round again and again for nothing. Nothing but a channel"
                            + " being ready, or wakeup(), should end a select(): call select() with no time-out,"
                            + " and have stop() wake it.", situation, woke, woke == 1 ? "" : "s", wall / 1e6));
                }
                return;
            }
        }
    }

    /**
     * The epoll wait the serving thread is asleep in, where Linux shows it, if it stays in that one wait,
     * asleep, using no CPU and not waking, for {@link #STEADY}: such a thread cannot come round again until a
     * channel is ready or the selector is woken. Empty if it is seen doing anything else, or where it cannot
     * be seen; the caller then watches it for a while instead.
     */
    private Optional<EpollWait> steadyWait() {
        String task = nativeTask;
        if (task == null) {
            return Optional.empty();
        }
        Optional<EpollWait> first = EpollWait.of(task);
        long cpu = cpuTime();
        OptionalLong wakes = wakes();
        if (first.isEmpty() || wakes.isEmpty() || !asleep()) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        do {
            sleepMillis(2);
            if (!EpollWait.of(task).equals(first) || cpuTime() != cpu || !wakes().equals(wakes) || !asleep()) {
                return Optional.empty();
            }
        } while (System.nanoTime() - start < STEADY.toNanos());
        return first;
    }

    /**
     * Whether the serving thread is asleep, steadily, in a select() with no time-out ({@link #steadyWait()}):
     * only a channel becoming ready or wakeup() can end that wait. False where Linux does not show it.
     */
    boolean asleepForGood() {
        return steadyWait().filter(EpollWait::withoutTimeOut).isPresent();
    }

    /**
     * How many times the serving thread has gone to sleep in the kernel since it began, where Linux says
     * ({@code voluntary_ctxt_switches}): a thread waiting in select() with nothing ready sleeps once and does
     * not count up; one that wakes on a time-out counts one more each time.
     */
    OptionalLong wakes() {
        String task = nativeTask;
        if (task == null) {
            return OptionalLong.empty();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", task, "status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return OptionalLong.of(Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // not Linux, or the thread has ended
        }
        return OptionalLong.empty();
    }

    /**
     * Waits until the serving thread has finished what the clients gave it to do and waits in select() (see
     * {@link #settle()}), then fails if a key is left in the selector's selected-key set: each key must be
     * removed as it is handled. A loop that does not settle is left to the idle tests.
     *
     * @param situation what the clients have done, for the message: "a client has had its echo"
     */
    void assertHandledKeysRemoved(String situation) {
        int left = 0;
        for (int look = 1; look <= KEY_LOOKS; look++) {
            if (settle().isPresent()) {
                return; // a loop that is busy with nothing to do is the idle tests' to judge
            }
            Optional<Selector> selector = learnersSelector();
            if (selector.isEmpty() || !selector.get().isOpen()) {
                return;
            }
            long cpu = cpuTime();
            try {
                left = selector.get().selectedKeys().size();
            } catch (ClosedSelectorException closed) {
                return;
            }
            // Counted while the thread stood still: what select() left in the set. A thread that ran meanwhile
            // (a client's end of stream can arrive after the loop seemed settled, and then a loop that never
            // closes such a channel spins) was seen in the middle of a turn, which proves nothing: look again.
            if (left == 0 || cpuTime() == cpu && asleep()) {
                break;
            }
            if (look == KEY_LOOKS) {
                return; // never seen standing still with keys left: the idle tests judge a loop that keeps waking
            }
        }
        int keysLeft = left;
        check(keysLeft == 0, () -> "When " + situation + " and the thread running serve() had nothing more to do"
                + " (its CPU clock stood still), " + keysLeft + " key" + (keysLeft == 1 ? " was" : "s were")
                + " still in the selector's selected-key set. select() puts the key of each ready channel in that"
                + " set and never takes one out; a key left there is handled again on later turns with the ready"
                + " operations it had then. Remove each key as you take it: Iterator.remove() on"
                + " selector.selectedKeys().iterator().");
    }

    /**
     * Wakes the learner's selector while the loop waits in select() with nothing to do, as a stray wakeup() can,
     * and fails if serve() takes that for stop(): select() then returns 0, which means "look again". Passes once
     * the serving thread has woken and gone back to sleep in select(); where Linux does not show
     * that, once serve() has not ended within {@link #ENDING}. A server that keeps its selector in no field of its
     * own is not checked.
     *
     * @param situation what the clients have done, for the message: "2 clients had their echoes"
     */
    void assertAWakeupIsNotAStop(String situation) {
        Optional<Selector> selector = learnersSelector();
        if (settle().isPresent() || selector.isEmpty()) {
            return; // a loop that does not come to rest is the idle tests' to judge
        }
        OptionalLong before = wakes();
        selector.get().wakeup();
        boolean backAsleep;
        if (before.isPresent() && nativeTask != null) {
            long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
            do {
                sleepMillis(1);
                OptionalLong now = wakes();
                backAsleep = now.isPresent() && now.getAsLong() > before.getAsLong() && steadyWait().isPresent();
            } while (!backAsleep && !hasEnded() && System.nanoTime() < deadline);
        } else {
            awaitEnded(ENDING);
        }
        if (hasEnded()) {
            fail("When " + situation + ", the test called wakeup() on the server's selector, with nothing ready and"
                    + " stop() never called, as a stray wakeup can; then " + (thrown == null ? "serve() returned."
                    : "serve() threw " + thrown + where(thrown) + ".") + " select() returns 0 after a wakeup(), and"
                    + " 0 means \"look again\", not \"stop\": only the flag stop() sets may end the loop.");
        }
    }

    /** The learner's own server object that this loop runs. */
    Object serverInstance() {
        return server.instance();
    }

    /** The Selector the learner's server keeps in a field, if it keeps one. */
    private Optional<Selector> learnersSelector() {
        Object instance = server.instance();
        if (instance == null) {
            return Optional.empty();
        }
        for (Field field : instance.getClass().getDeclaredFields()) {
            if (Selector.class.isAssignableFrom(field.getType()) && !Modifier.isStatic(field.getModifiers())) {
                try {
                    field.setAccessible(true);
                    return Optional.ofNullable((Selector) field.get(instance));
                } catch (ReflectiveOperationException | RuntimeException unreadable) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until the serving thread has settled: its CPU clock has stood still for {@link #SETTLED} and,
     * where Linux shows it, the thread is asleep in the kernel (a thread waiting in select() is; one that
     * a crowded machine has only set aside for a moment is not). Returns empty once it has, or the CPU time
     * and wall time it watched if the thread used {@link #SETTLE_CPU_LIMIT} or did not settle within
     * {@link #SETTLE_LIMIT}, for the caller to judge.
     */
    Optional<long[]> settle() {
        assertServing();
        long settleStart = System.nanoTime();
        long settleCpuStart = cpuTime();
        long last = settleCpuStart;
        long stillSince = settleStart;
        while (System.nanoTime() - stillSince < SETTLED.toNanos()) {
            sleepMillis(2);
            long cpu = cpuTime();
            long now = System.nanoTime();
            if (cpu != last || !asleep()) {
                last = cpu;
                stillSince = now;
            }
            if (cpu - settleCpuStart > SETTLE_CPU_LIMIT.toNanos() || now - settleStart > SETTLE_LIMIT.toNanos()) {
                return Optional.of(new long[] {cpu - settleCpuStart, now - settleStart});
            }
        }
        return Optional.empty();
    }

    /** Whether the serving thread sleeps in the kernel (state S in /proc); true where that cannot be read. */
    private boolean asleep() {
        String task = nativeTask;
        if (task == null) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", task, "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName < 0 || stat.length() < afterName + 3 || stat.charAt(afterName + 2) != 'R';
        } catch (IOException | RuntimeException unreadable) {
            return true;
        }
    }

    /** The CPU time the thread running serve() has used, in nanoseconds. */
    long cpuTime() {
        return THREADS.getThreadCpuTime(thread.threadId());
    }

    private void failBusy(String situation, long cpu, long wall) {
        fail(String.format("With %s, the thread running serve() used %.0f ms of CPU in %.0f ms: it is busy while"
                + " there is nothing to do, instead of waiting in select(). %s", situation, cpu / 1e6, wall / 1e6,
                whySpinning()));
    }

    /** The evidence the kernel holds about why an idle loop is busy, when there is any. */
    private String whySpinning() {
        Optional<List<EpollWatch>> watches = interestList();
        if (watches.isEmpty()) {
            return "Either the selector wakes at once on every turn (OP_WRITE registered with nothing to send, or"
                    + " a connection whose read() returned -1 still registered) or the loop does not wait at all"
                    + " (selectNow(), or select() with a very short time-out, in a loop).";
        }
        int port = address().getPort();
        List<EpollWatch> connections = watches.get().stream()
                .filter(w -> w.localPort() == port && w.remote() != null && !"CLOSE".equals(w.tcpState())).toList();
        long writing = connections.stream().filter(EpollWatch::wantsWrite).count();
        long closedByClient = connections.stream()
                .filter(w -> w.wantsRead() && "CLOSE_WAIT".equals(w.tcpState())).count();
        // A TCP socket the kernel has closed (its client reset it) leaves the kernel's TCP table, but not the
        // selector while its channel is open: a socket in the interest list with no row there, or in CLOSE.
        long reset = watches.get().stream().filter(w -> w.socketInode().isPresent()
                && (w.local() == null || "CLOSE".equals(w.tcpState()))).count();
        long registered = connections.size() + reset;
        StringBuilder why = new StringBuilder("The kernel's view of your selector (its epoll interest list): "
                + registered + " connection" + (registered == 1 ? "" : "s") + " registered");
        if (reset > 0) {
            why.append(", ").append(reset).append(reset == 1 ? " of them a socket" : " of them sockets").append(
                    " the kernel has already closed (its client reset the connection). Such a socket is reported"
                    + " ready on every turn, and every read or write on it throws again: when a read or write"
                    + " throws, close that channel (which also cancels its key); catching the exception and going"
                    + " on leaves the loop going round for it for ever.");
            return why.toString();
        }
        if (writing > 0) {
            why.append(", ").append(writing).append(" of them for writing (EPOLLOUT) though every client has had"
                    + " everything it was owed. A socket with room in its send buffer is always writable, so"
                    + " select() returns at once on every turn: register OP_WRITE only while something is left to"
                    + " send, and take it off when the last byte has gone.");
        }
        if (closedByClient > 0) {
            why.append(writing > 0 ? " And " : ", ").append(closedByClient).append(" of them closed by their"
                    + " client (CLOSE_WAIT) and still registered for reading: such a socket is always readable,"
                    + " and read() returns -1 at once, turn after turn. Close the connection when read() returns -1.");
        }
        if (writing == 0 && closedByClient == 0) {
            why.append(", none for writing and none closed by its client, so the selector has nothing to report:"
                    + " the loop does not wait. Call select(), which blocks until a key is ready or wakeup() is"
                    + " called, rather than selectNow() or select() with a very short time-out in a loop.");
        }
        return why.toString();
    }

    /** What the server's selector watches, as the kernel holds it; empty where that cannot be read. */
    Optional<List<EpollWatch>> interestList() {
        if (epfd.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(EpollInterest.interestList(epfd.get()));
        } catch (IOException closed) {
            return Optional.empty();
        }
    }

    /**
     * The event mask the server's selector has the kernel watch for on descriptor {@code fd}: empty where
     * that cannot be read, 0 when the descriptor is not watched. Cheaper than {@link #interestList()}.
     */
    Optional<Integer> watchedEvents(int fd) {
        if (epfd.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(EpollInterest.events(epfd.get()).getOrDefault(fd, 0));
        } catch (IOException closed) {
            return Optional.empty();
        }
    }

    /**
     * The sockets (and other files) the server's selector has the kernel watch, by inode, which no other socket
     * takes over as a closed descriptor's number can be: empty where that cannot be read.
     */
    Optional<Set<Long>> watchedInodes() {
        if (epfd.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(EpollInterest.watchedInodes(epfd.get()));
        } catch (IOException closed) {
            return Optional.empty();
        }
    }

    /** Whether the epoll instance the constructor opened is still open; empty where that cannot be told. */
    Optional<Boolean> selectorStillOpen() {
        if (epfd.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(EpollInterest.instances().contains(epfd.get()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Calls stop() and waits up to {@code limit} for serve() to end. Fails if it does not end, or if it
     * ended by throwing.
     */
    void stopAndAwait(Duration limit) {
        stopCalled = true;
        server.stop();
        awaitEnd(limit).ifPresent(how -> fail("stop() was called, and serve() " + how + ". stop() is called from"
                + " another thread while serve() waits in select(): it must make select() return"
                + " (selector.wakeup()) and tell the loop to end (a volatile flag)."));
        if (thrown != null) {
            fail("After stop(), serve() threw " + thrown + where(thrown) + " instead of closing everything and"
                    + " returning.");
        }
    }

    /**
     * Waits up to {@code limit} for a serve() whose stop() was called before serve() started to end by
     * itself, without calling stop() again. Fails if it does not end, or if it ended by throwing.
     */
    void awaitEndAfterEarlyStop(Duration limit) {
        stopCalled = true;
        awaitEnd(limit).ifPresent(how -> fail("stop() was called before serve() started, and serve() " + how + "."
                + " A stop() may come before serve(): serve() must see it and return at once, so it must not reset"
                + " the flag stop() set (a volatile boolean that only stop() ever changes, tested before each"
                + " select())."));
        if (thrown != null) {
            fail("stop() was called before serve() started, and serve() threw " + thrown + where(thrown)
                    + " instead of returning.");
        }
    }

    /**
     * Once serve() has ended after stop(): fails if the selector is still open or the listening channel still
     * holds {@code address}'s port.
     */
    void assertClosedOnTheWayOut(InetSocketAddress address) throws IOException {
        selectorStillOpen().ifPresent(open -> check(!open, "serve() returned after stop(), but the selector is still"
                + " open (its epoll descriptor is still in the process). Close it on the way out, in a finally"
                + " block, so it is closed whichever way serve() ends."));
        try (ServerSocketChannel again = ServerSocketChannel.open()) {
            again.bind(address);
        } catch (BindException inUse) {
            fail("serve() returned after stop(), but port " + address.getPort() + " is still taken: the listening"
                    + " channel was not closed.");
        }
    }

    /**
     * Makes a server, calls its stop() twice before serve() starts, and fails unless serve() then returns by
     * itself within a second: no stop() comes after serve() has started, so a stop() that serve() forgets on
     * entry (a flag it resets) shows every time.
     */
    static void assertAnEarlyStopIsKept(String name, Maker maker) throws IOException {
        LoopUnderTest early = start(name, () -> {
            Server server = maker.make();
            server.stop();
            server.stop();
            return server;
        });
        try {
            early.awaitEndAfterEarlyStop(Duration.ofSeconds(1));
        } finally {
            early.close();
        }
    }

    /**
     * Waits, once stop() has been called, up to {@code limit} for serve() to end. Returns empty once it has
     * ended; otherwise how it is still running, for the caller's message: stuck for good, asleep in a select()
     * with no time-out that nothing will now wake (which ends the wait at once), or still running at the limit.
     */
    private Optional<String> awaitEnd(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (!ended.await(5, TimeUnit.MILLISECONDS)) {
                if (asleepForGood()) {
                    return Optional.of("went on to wait in select(), which nothing would wake");
                }
                if (System.nanoTime() > deadline) {
                    return Optional.of("was still running " + limit.toMillis() + " ms later");
                }
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("was still running when the test was interrupted");
        }
    }

    /**
     * Stops the server, if it is still serving, after a test. Waits only briefly: a right server ends at
     * once, and one whose stop() does not work is left on its daemon thread rather than making every
     * later test wait for it (the test of stop() says what is wrong).
     */
    @Override
    public void close() {
        stopCalled = true;
        server.stop();
        try {
            ended.await(300, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The rule that the server is one thread: read off the compiled class, so a server that borrows a
     * thread fails before it runs. Atomic variables are allowed; threads, executors, timers and
     * completable futures are not.
     */
    static void assertUsesNoThreads(Class<?> serverClass) {
        String forbidden = "java\\.lang\\.Thread(Group)?(\\$.*)?|java\\.util\\.Timer(Task)?|java\\.util\\.concurrent\\."
                + "[A-Za-z]*(Executor|ForkJoin|CompletableFuture|CompletionStage|ThreadFactory|FutureTask"
                + "|ScheduledFuture)[A-Za-z$]*";
        // Any class named counts, not only members called: a field of type ExecutorService is a pool too.
        List<String> found = List.copyOf(CompiledNest.forbiddenUses(CompiledNest.of(serverClass),
                use -> use.owner().matches(forbidden) ? "threads, executors or timers" : null));
        if (!found.isEmpty()) {
            fail(serverClass.getSimpleName() + " uses threads: " + String.join("; ", found.subList(0,
                    Math.min(3, found.size()))) + ". The whole point of a selector is that one thread serves"
                    + " every client: serve() runs the loop on the thread that calls it, and select() is the only"
                    + " place it waits. A thread per client, or a pool, is lesson 7's server again.");
        }
    }

    /**
     * The rule that the loop waits in select() alone, read off the compiled class so that a server that sleeps,
     * parks or waits for a socket to have room fails at once, before any client is served.
     */
    static void assertWaitsOnlyInSelect(Class<?> serverClass) {
        List<String> waits = List.copyOf(CompiledNest.forbiddenUses(CompiledNest.of(serverClass),
                use -> waitsOutsideSelect(use) ? "a wait outside select()" : null));
        if (!waits.isEmpty()) {
            fail(serverClass.getSimpleName() + " waits outside select(): " + String.join("; ", waits.subList(0,
                    Math.min(3, waits.size()))) + ". select() is the one place the loop may wait: while the thread"
                    + " sleeps, parks or waits anywhere else, every other client waits too. A socket with no room"
                    + " for the rest is not waited for: keep what is left, ask for OP_WRITE, and write it when"
                    + " select() says the channel is writable.");
        }
    }

    /**
     * Whether a use puts the thread to sleep, parks it or makes it wait or spin: Thread.sleep, onSpinWait and
     * yield, TimeUnit.sleep, LockSupport's parks, and Object.wait on any object.
     */
    private static boolean waitsOutsideSelect(CompiledNest.Use use) {
        String name = use.name();
        return use.isMember() && (use.owner().equals("java.lang.Thread") && Set.of("sleep", "onSpinWait", "yield")
                .contains(name) || use.owner().equals("java.util.concurrent.TimeUnit") && name.equals("sleep")
                || use.owner().equals("java.util.concurrent.locks.LockSupport") && name.startsWith("park")
                || name.equals("wait") && Set.of("()V", "(J)V", "(JI)V").contains(use.descriptor()));
    }

    /** Fails with {@code message} unless {@code ok}: like assertTrue, without the "expected: true" tail. */
    static void check(boolean ok, Supplier<String> message) {
        if (!ok) {
            fail(message.get());
        }
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            fail(message);
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
