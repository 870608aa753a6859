package dev.tutor.exercises.threadsio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Test support for lesson 6's fetch exercises: an HTTP server on loopback that answers a request only when
 * the test says so, and a watch over one call of {@code fetchAll} that tells when the client has settled,
 * that is, when it can send nothing more until the server answers something.
 *
 * <p>Holding the answers makes "how many requests were in flight at once" a count the server keeps, not a
 * guess from a stopwatch, and lets the test answer the pages in any order it likes. Settling is read from
 * the client's threads: each one is either inside {@code fetch} with its request held here, or parked
 * (waiting on a lock, a queue, a join, a future). A thread that is running, or inside {@code fetch} but not
 * yet seen by the server, means the client is still on its way, so the test waits; no fixed delay is
 * ever sat out, by a right answer or a wrong one.
 */
final class HeldServer implements AutoCloseable {

    /** How long a held request may wait for its answer before the server gives up on the test. */
    private static final long HOLD_LIMIT_SECONDS = 30;

    private final ServerSocket socket;
    private final int pages;
    private final String token;
    private final Set<Integer> broken;
    private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "held-server");
        thread.setDaemon(true);
        ownThreads.add(thread);
        return thread;
    });
    // guarded by this
    private final List<Held> held = new ArrayList<>();
    private final int[] requests;
    private final List<Integer> answerOrder = new ArrayList<>();
    private int mostInFlight;
    private boolean open;
    private long changes;
    private volatile boolean numberRepeats;

    private record Held(int page, CompletableFuture<Void> answer) {
    }

    private HeldServer(int pages, Set<Integer> broken, String token) throws IOException {
        this.pages = pages;
        this.broken = Set.copyOf(broken);
        this.token = token;
        this.requests = new int[pages];
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        threads.execute(this::acceptAll);
    }

    /**
     * Starts a server of {@code pages} pages, of which those in {@code broken} answer 500; every body
     * contains {@code token}, so that a body cannot be made up by the client.
     */
    static HeldServer start(int pages, Set<Integer> broken, String token) throws IOException {
        return new HeldServer(pages, broken, token);
    }

    /**
     * From now on, the second and later requests for a page answer its body followed by
     * {@code " (request N)"}, so that two fetches of one address can be told apart.
     */
    HeldServer numberRepeats() {
        numberRepeats = true;
        return this;
    }

    /** The body of the {@code nth} request for page {@code index}, when it is not broken. */
    String bodyFor(int index, int nth) {
        return numberRepeats && nth > 1 ? bodyFor(index) + " (request " + nth + ")" : bodyFor(index);
    }

    /** The addresses of every page, in page order. */
    List<URI> pages() {
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            uris.add(page(i));
        }
        return uris;
    }

    URI page(int index) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/page/" + index);
    }

    /** The body that page {@code index} answers with, when it is not broken. */
    String bodyFor(int index) {
        return "body of page " + index + " (" + token + ")";
    }

    /** The bodies of every page, in page order. */
    List<String> bodies() {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            bodies.add(bodyFor(i));
        }
        return bodies;
    }

    /** The pages whose requests are held now, in page order (a page asked twice appears twice). */
    synchronized List<Integer> held() {
        return held.stream().map(Held::page).sorted().toList();
    }

    synchronized int inFlight() {
        return held.size();
    }

    /**
     * Waits up to 1 s for more than {@code held} requests to be held, for the same reason as
     * {@link Call#comesBack}: a pool thread woken by an answer may not have been scheduled yet to send its
     * next request. Only a client that keeps fewer in flight costs the second.
     */
    boolean moreThanHeldArrive(int held) {
        return within(1, () -> inFlight() > held, () -> { });
    }

    /**
     * Looks at {@code seen} every 0.2 ms, doing {@code meanwhile} each time, until it holds or {@code seconds}
     * have passed; says whether it holds. For a thread that has been woken but may not have been scheduled yet.
     */
    static boolean within(int seconds, java.util.function.BooleanSupplier seen, Runnable meanwhile) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!seen.getAsBoolean() && System.nanoTime() < deadline) {
            meanwhile.run();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        return seen.getAsBoolean();
    }

    synchronized int mostInFlight() {
        return mostInFlight;
    }

    /** How many times each page was asked for. */
    synchronized int[] requests() {
        return requests.clone();
    }

    /** The pages answered so far, in the order the server answered them. */
    synchronized List<Integer> answerOrder() {
        return List.copyOf(answerOrder);
    }

    synchronized long changes() {
        return changes;
    }

    /** Answers the oldest held request for {@code page}: its body, or 500 if the page is broken. */
    void answer(int page) {
        Held request;
        synchronized (this) {
            request = held.stream().filter(h -> h.page() == page).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no request for page " + page + " is held"));
            // Counted out before the answer leaves, so the client's next request cannot be counted early.
            held.remove(request);
            answerOrder.add(page);
            changes++;
        }
        request.answer().complete(null);
    }

    /** Answers everything held, and from now on every request as soon as it arrives. */
    void openAll() {
        List<Held> all;
        synchronized (this) {
            open = true;
            all = new ArrayList<>(held);
            held.clear();
            all.forEach(h -> answerOrder.add(h.page()));
            changes++;
        }
        all.forEach(h -> h.answer().complete(null));
    }

    boolean isOwnThread(Thread thread) {
        return ownThreads.contains(thread);
    }

    private void acceptAll() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                threads.execute(() -> serve(client));
            } catch (IOException | RuntimeException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // the headers say nothing this server needs
            }
            int index = pageOf(requestLine);
            if (index < 0) {
                respond(client, "404 Not Found", "no such page");
                return;
            }
            Held request = new Held(index, new CompletableFuture<>());
            int nth;
            synchronized (this) {
                nth = ++requests[index];
                changes++;
                if (!open) {
                    held.add(request);
                    mostInFlight = Math.max(mostInFlight, held.size());
                } else {
                    answerOrder.add(index);
                    request.answer().complete(null);
                }
            }
            request.answer().get(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS);
            if (broken.contains(index)) {
                respond(client, "500 Internal Server Error", "page " + index + " is broken");
            } else {
                respond(client, "200 OK", bodyFor(index, nth));
            }
        } catch (Exception e) {
            // the test is over, or the client went away: the test reports what the server saw
        }
    }

    private int pageOf(String requestLine) {
        try {
            String path = requestLine.split(" ")[1];
            int index = Integer.parseInt(path.substring("/page/".length()));
            return path.startsWith("/page/") && index >= 0 && index < pages ? index : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static void respond(Socket client, String status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** Answers whatever is still held, so that no client thread waits for a test that is over, and stops. */
    @Override
    public void close() throws IOException {
        openAll();
        socket.close();
        threads.shutdown();
    }

    // ---- the watch over one call ----

    /**
     * One call of {@code fetchAll}, run on a thread of its own ("fetchAll caller") while the test plays the
     * server. {@code fetcher} is the exercise's class: a thread with a frame of its {@code fetch} method (or
     * of {@code HttpURLConnection}) on its stack is fetching a page.
     */
    static final class Call {
        /** Past this, a client that never settles is reported; far beyond what any answer needs. */
        private static final long SETTLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(4);
        private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(300);

        private final HeldServer server;
        private final Class<?> fetcher;
        private final Thread caller;
        private final Set<Thread> busyBefore = new HashSet<>();
        private final Set<Thread> seenInFetch = new LinkedHashSet<>();
        private volatile List<String> result;
        private volatile Throwable thrown;
        private volatile boolean done;
        private boolean callerFetched;

        private Call(HeldServer server, Class<?> fetcher, Callable<List<String>> body) {
            this.server = server;
            this.fetcher = fetcher;
            // The test's own thread and the JVM's busy helpers were running before the call: never the client.
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                if (thread.getState() == Thread.State.RUNNABLE) {
                    busyBefore.add(thread);
                }
            });
            this.caller = new Thread(() -> {
                try {
                    result = body.call();
                } catch (Throwable t) {
                    thrown = t;
                } finally {
                    done = true;
                }
            }, "fetchAll caller");
            caller.setDaemon(true);
        }

        /** Starts {@code body} (a call of fetchAll) on its own thread, and watches it. */
        static Call start(HeldServer server, Class<?> fetcher, Callable<List<String>> body) {
            Call call = new Call(server, fetcher, body);
            call.caller.start();
            return call;
        }

        /**
         * Waits up to 2 s for a caller that looked settled to return, doing {@code meanwhile} at each look.
         * On a crowded machine a thread that has been woken is still seen waiting until it is scheduled; a
         * right caller then returns at once, and only one that really goes on waiting costs the 2 s.
         */
        boolean comesBack(Runnable meanwhile) {
            return within(2, this::isDone, meanwhile);
        }

        /**
         * Waits up to 2 s, as {@link #comesBack} does, for a caller that looked settled with nothing held to
         * return or to have another request sent. A caller that joins each thread before starting the next is
         * seen in join() or start() with nothing held until the next thread is scheduled; on a crowded machine
         * that takes a while, and it is still moving on, not waiting for ever.
         */
        boolean comesBackOrAsks(Runnable meanwhile) {
            return within(2, () -> isDone() || server.inFlight() > 0, meanwhile);
        }

        boolean isDone() {
            return done && !caller.isAlive();
        }

        List<String> result() {
            return result;
        }

        Throwable thrown() {
            return thrown;
        }

        void interrupt() {
            caller.interrupt();
        }

        /** Whether the calling thread was ever seen inside fetch: it fetched pages itself. */
        synchronized boolean callerFetched() {
            return callerFetched;
        }

        /** The threads seen inside fetch so far, the calling thread included if it fetched. */
        synchronized Set<Thread> fetchingThreads() {
            return new LinkedHashSet<>(seenInFetch);
        }

        /** What the test saw when the client settled. */
        record Settled(List<Integer> held, boolean callerDone, boolean callerInFetch, String callerWaitsIn) {
        }

        /**
         * Waits until the client has settled (see the class comment) or the call has ended and its threads
         * have settled, and says what was seen. Fails when the client never settles.
         */
        Settled awaitSettled() {
            long start = System.nanoTime();
            long lastChanges = -1;
            boolean lastQuiet = false;
            while (true) {
                long changes = server.changes();
                Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
                List<String> busy = new ArrayList<>();
                boolean quiet = look(all, busy);
                if (quiet && lastQuiet && changes == lastChanges && changes == server.changes()) {
                    StackTraceElement[] callerStack = all.getOrDefault(caller, new StackTraceElement[0]);
                    boolean done = isDone();
                    return new Settled(server.held(), done, !done && inFetch(callerStack),
                            done ? "" : waitsIn(callerStack));
                }
                lastQuiet = quiet;
                lastChanges = changes;
                if (System.nanoTime() - start > SETTLE_LIMIT_NANOS) {
                    throw new AssertionError("The call of fetchAll() never settled: after "
                            + TimeUnit.NANOSECONDS.toSeconds(SETTLE_LIMIT_NANOS) + " s these threads were still"
                            + " running, while the server held requests for pages " + server.held() + ": " + busy);
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }

        /** True if every client thread is parked or inside fetch with its request held here. */
        private synchronized boolean look(Map<Thread, StackTraceElement[]> all, List<String> busy) {
            int inFetch = 0;
            for (Map.Entry<Thread, StackTraceElement[]> entry : all.entrySet()) {
                Thread thread = entry.getKey();
                if (ignored(thread)) {
                    continue;
                }
                StackTraceElement[] stack = entry.getValue();
                if (inFetch(stack)) {
                    inFetch++;
                    seenInFetch.add(thread);
                    callerFetched |= thread == caller;
                    continue;
                }
                Thread.State state = thread.getState();
                if (state == Thread.State.RUNNABLE && !waitsInTheKernel(stack)) {
                    busy.add(thread.getName() + " at " + (stack.length == 0 ? "?" : stack[0]));
                }
            }
            if (inFetch > server.inFlight()) {
                busy.add(inFetch + " thread(s) inside fetch() for " + server.inFlight() + " request(s) held");
            }
            return busy.isEmpty();
        }

        private boolean ignored(Thread thread) {
            if (thread == caller) {
                return false;
            }
            ThreadGroup group = thread.getThreadGroup();
            return thread == Thread.currentThread() || busyBefore.contains(thread) || server.isOwnThread(thread)
                    || (group != null && group.getName().equals("system"));
        }

        boolean inFetch(StackTraceElement[] stack) {
            for (StackTraceElement frame : stack) {
                if ((frame.getClassName().equals(fetcher.getName()) && frame.getMethodName().equals("fetch"))
                        || frame.getClassName().startsWith("sun.net.www.protocol.http.HttpURLConnection")) {
                    return true;
                }
            }
            return false;
        }

        /** A thread blocked in the kernel (a selector, a socket read) shows as RUNNABLE, yet waits. */
        private static boolean waitsInTheKernel(StackTraceElement[] stack) {
            if (stack.length == 0) {
                return false;
            }
            String top = stack[0].getClassName() + "." + stack[0].getMethodName();
            return top.startsWith("sun.nio.ch.EPoll.wait") || top.startsWith("sun.nio.ch.KQueue.poll")
                    || top.startsWith("sun.nio.ch.WEPoll.wait") || top.startsWith("sun.nio.ch.Net.poll")
                    || top.startsWith("sun.nio.ch.Net.accept") || top.startsWith("sun.nio.ch.SocketDispatcher.read");
        }

        /** The first frame of the caller's stack that says what it waits for, for messages. */
        private String waitsIn(StackTraceElement[] stack) {
            for (StackTraceElement frame : stack) {
                String name = frame.getClassName();
                if (name.equals(fetcher.getName())) {
                    return "";
                }
                if (name.startsWith("java.util.concurrent.") || name.equals("java.lang.Thread")) {
                    String simple = name.substring(name.lastIndexOf('.') + 1);
                    if (!simple.startsWith("LockSupport") && !simple.startsWith("AbstractQueuedSynchronizer")) {
                        return simple + "." + frame.getMethodName() + "()";
                    }
                }
            }
            return "";
        }

        /**
         * Once the call has ended: the threads that fetched pages for it (other than the caller) and are
         * still alive, each with what it is doing. A thread that is ending is given the moments it needs; a
         * thread parked again and again is waiting for work that will never come.
         */
        List<String> threadsLeftRunning() {
            Map<Thread, Integer> parkedLooks = new LinkedHashMap<>();
            Set<Thread> watched = fetchingThreads();
            watched.remove(caller);
            long start = System.nanoTime();
            while (true) {
                List<String> left = new ArrayList<>();
                boolean settled = true;
                for (Thread thread : watched) {
                    if (!thread.isAlive()) {
                        continue;
                    }
                    StackTraceElement[] stack = thread.getStackTrace();
                    Thread.State state = thread.getState();
                    boolean parked = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
                    int looks = parked ? parkedLooks.merge(thread, 1, Integer::sum) : 0;
                    if (!parked) {
                        parkedLooks.put(thread, 0);
                    }
                    if (inFetch(stack)) {
                        left.add(thread.getName() + " (still inside fetch(): a page is still being fetched)");
                    } else if (looks >= 5) {
                        left.add(thread.getName() + " (" + (thread.isDaemon() ? "a daemon thread, " : "")
                                + state + " in " + where(stack) + ")");
                    } else {
                        settled = false;
                    }
                }
                if (settled || System.nanoTime() - start > TimeUnit.SECONDS.toNanos(2)) {
                    return left;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }

        private static String where(StackTraceElement[] stack) {
            for (StackTraceElement frame : stack) {
                String name = frame.getClassName();
                if (!name.startsWith("java.util.concurrent.locks.") && !name.startsWith("jdk.internal.")) {
                    return name.substring(name.lastIndexOf('.') + 1) + "." + frame.getMethodName() + "()";
                }
            }
            return "?";
        }

        /** Waits for the calling thread to end, once the server answers everything (for clean-up). */
        void finish() throws InterruptedException {
            server.openAll();
            caller.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /** "pages 1, 4 and 7" for messages. */
    static String pagesText(List<Integer> pages) {
        if (pages.isEmpty()) {
            return "no page";
        }
        List<String> names = pages.stream().map(String::valueOf).toList();
        String list = names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
        return (names.size() == 1 ? "page " : "pages ") + list;
    }

    /** The pages 0..n-1 with their request counts other than one, for messages. */
    static String requestCountsText(int[] requests) {
        List<Integer> never = new ArrayList<>();
        List<Integer> twice = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            if (requests[i] == 0) {
                never.add(i);
            } else if (requests[i] > 1) {
                twice.add(i);
            }
        }
        List<String> parts = new ArrayList<>();
        if (!never.isEmpty()) {
            parts.add(pagesText(never) + " never asked for");
        }
        if (!twice.isEmpty()) {
            parts.add(pagesText(twice) + " asked for more than once (" + Arrays.toString(requests) + ")");
        }
        return String.join("; ", parts);
    }

    /** Sorted distinct values, for messages. */
    static List<Integer> sorted(List<Integer> pages) {
        return List.copyOf(new TreeSet<>(pages));
    }
}
