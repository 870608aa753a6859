package dev.tutor.exercises.multitasking;

import dev.tutor.exercises.multitasking.TestTasks.Made;
import dev.tutor.exercises.multitasking.TestTasks.StepFailure;
import dev.tutor.exercises.multitasking.TestTasks.StepRecord;
import dev.tutor.exercises.multitasking.TestTasks.Task;
import dev.tutor.exercises.support.Standstill;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * One call of onOneThread or onThreads in {@link TwoWaysTest}: the tasks, what their steps saw, and the threads
 * made for them. As each step begins and ends it counts, under one lock, how many tasks are in progress and how
 * many inside a step; it holds steps where a test needs tasks inside at the same moment, and its watches notice
 * a wrong answer that would leave a step or the caller waiting for ever, say where, and let it go. Not a test
 * itself.
 */
final class TaskRun {
    /**
     * How long nothing may move (the caller and every thread it started waiting, and no step beginning or
     * ending) before a run counts as stuck. A right answer is never stuck; this bounds a wrong answer's wait.
     */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Longest a last step is held back for a caller that waits for its threads without ever blocking. */
    static final long HOLD_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Longest a last step is held while the caller waits with a time limit, where a test asks for it: long
     * enough for a limit of a second or two to run out, so that a caller that gives up is seen returning.
     */
    private static final long TIMED_HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(2500);
    /**
     * How long the caller may stay waiting once every thread it started has ended before it counts as stuck.
     * A right answer's wait ends as the last thread ends; this is generous for a loaded machine.
     */
    private static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * How long last steps held until the call returns stay held for a caller that has been interrupted. A right
     * answer throws within microseconds of the interrupt; this bounds a wrong answer's wait.
     */
    static final long HELD_NANOS = TimeUnit.SECONDS.toNanos(2);

    final Thread caller = Thread.currentThread();
    final Object lock = new Object();
    final List<Task> tasks = new ArrayList<>();
    final List<StepRecord> steps = new ArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final List<Made> made = new CopyOnWriteArrayList<>();
    final Map<Thread, Throwable> uncaught = new ConcurrentHashMap<>();
    final ThreadFactory factory = body -> {
        Made thread = new Made(this, body, "two-ways-" + (made.size() + 1));
        made.add(thread);
        return thread;
    };
    /**
     * Each thread the factory made, once its body has returned, stays alive until the call returns or the
     * caller is seen waiting in a join(); see {@link #holdAfterBody}.
     */
    boolean holdAfterBodies;
    /** The threads the factory made that were started and still alive the moment the call returned. */
    volatile List<Made> aliveAtReturn = List.of();
    /** Each task's first step waits, inside, until every task is inside its first step. */
    boolean gateFirstSteps;
    /** Each task's last step waits until the caller stops to wait or returns. */
    boolean holdLastSteps;
    /** With holdLastSteps: a caller that waits with a time limit keeps the last steps held a while longer. */
    boolean holdThroughTimedWaits;
    /**
     * Each task's last step waits until the call returns, or until {@link #HELD_NANOS} after the call began
     * (or after the test interrupted the caller), whichever comes first.
     */
    boolean holdLastStepsUntilReturned;
    /** With holdLastStepsUntilReturned: the test interrupts the caller once every last step is held. */
    boolean interruptOnceHeld;
    private final CountDownLatch release = new CountDownLatch(1);
    /** Where the caller was seen waiting when the held steps were let go before it returned, if they were. */
    volatile String heldPast;
    /** Whether the held steps were let go because the caller was seen waiting for them with no way out. */
    volatile boolean heldForEver;
    /** Where the caller waited when the test interrupted it, with interruptOnceHeld. */
    volatile String interruptedWhere = "";
    /** Where the caller was seen waiting with a time limit while a last step was held, if it was. */
    volatile String timedWaitSeen;
    /** Why the caller was found waiting after every thread it started had ended, if it was. */
    private volatile String stuck;
    volatile boolean returned;
    volatile boolean runCalledDirectly;

    // Guarded by lock.
    private long clock;
    private int inside;
    private int mostInside;
    private int inProgress;
    private int mostInProgress;
    private int atGate;
    private int held;
    /** How many tasks waited at the gate together before it opened, and which, in the order they came. */
    int mostAtGate;
    final List<String> firstAtGate = new ArrayList<>();
    private final Set<Thread> waitingAtGate = new HashSet<>();
    private boolean gateOpen;
    boolean gateOpenedByAll;
    /** Why the gate was opened without every task inside: what the watchdog or the return saw. */
    String gateForced;
    Set<Task> finishedAtReturn = Set.of();

    void task(int steps, int throwsAt) {
        tasks.add(new Task(this, String.valueOf((char) ('A' + tasks.size())), steps, throwsAt));
    }

    boolean step(Task task) {
        Thread me = Thread.currentThread();
        int number;
        synchronized (lock) {
            if (task.finished) {
                problems.add(task.name + " was stepped again on thread '" + me.getName() + "' after "
                        + (task.thrown != null ? "its step " + task.throwsAt + " threw"
                        : "its step " + task.steps + " returned false") + "; a task that has ended takes no"
                        + " more steps.");
                return false;
            }
            number = ++task.begun;
            task.threads.add(me);
            clock++;
            steps.add(new StepRecord(task, number, me));
            if (number == 1) {
                mostInProgress = Math.max(mostInProgress, ++inProgress);
            }
            mostInside = Math.max(mostInside, ++inside);
        }
        try {
            if (gateFirstSteps && number == 1 && me != caller) {
                awaitGate(task, me);
            }
            if (holdLastSteps && number == task.steps && me != caller) {
                awaitCallerWaiting();
            }
            if (holdLastStepsUntilReturned && number == task.steps && me != caller) {
                awaitRelease();
            }
            if (number == task.throwsAt) {
                task.thrown = new StepFailure(task.name, number);
                throw task.thrown;
            }
            return number < task.steps;
        } finally {
            if (me != caller && me.isInterrupted() && !gateFirstSteps) {
                problems.add("The thread '" + me.getName() + "' running " + task.name + "'s step " + number
                        + " was interrupted, though nothing in the test interrupts it. onThreads() leaves the"
                        + " threads it started alone: they carry on to their end.");
            }
            synchronized (lock) {
                clock++;
                inside--;
                if (number == task.steps || number == task.throwsAt) {
                    task.finished = true;
                    inProgress--;
                }
            }
        }
    }

    /** Waits until every task is inside its first step, or the gate is opened because none can come. */
    private void awaitGate(Task task, Thread me) {
        synchronized (lock) {
            if (gateOpen) {
                return;
            }
            atGate++;
            mostAtGate = atGate;
            firstAtGate.add(task.name + " on '" + me.getName() + "'");
            if (atGate == tasks.size()) {
                gateOpen = true;
                gateOpenedByAll = true;
                lock.notifyAll();
            }
            waitingAtGate.add(me);
            boolean interrupted = false;
            while (!gateOpen) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            waitingAtGate.remove(me);
            if (interrupted) {
                me.interrupt();
            }
        }
    }

    /** Waits, keeping any interrupt for the checks to see, until the call returns or the watch lets go. */
    private void awaitRelease() {
        synchronized (lock) {
            held++;
        }
        boolean interrupted = false;
        while (true) {
            try {
                release.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        synchronized (lock) {
            held--;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs beside a call whose last steps are held until it returns. With interruptOnceHeld it first waits
     * until every last step is held and the caller has stopped to wait (at most a second), and interrupts
     * the caller. Then, if the call has not returned within {@link #HELD_NANOS}, it notes where the caller
     * waits and lets the steps go, so that a caller waiting for them can finish. It lets them go sooner where
     * the caller can be seen to have taken its interrupt and gone back to a wait that only the held steps
     * could end ({@link #stuckWhileHeld}): waiting out the rest of the time would show nothing more.
     */
    void watchHeld() {
        if (interruptOnceHeld) {
            long until = System.nanoTime() + HOLD_LIMIT_NANOS;
            while (!returned && System.nanoTime() < until && !(heldNow() == tasks.size() && isStill(caller))) {
                LockSupport.parkNanos(100_000);
            }
            if (!returned) {
                interruptedWhere = waitingIn(caller.getStackTrace());
                caller.interrupt();
            }
        }
        long deadline = System.nanoTime() + HELD_NANOS;
        Standstill standstill = new Standstill(TwoWays.class);
        try {
            while (!release.await(1, TimeUnit.MILLISECONDS)) {
                boolean forEver = standstill.seen(this::stuckWhileHeld);
                if (forEver || System.nanoTime() >= deadline) {
                    String where = waitingIn(caller.getStackTrace());
                    if (!returned) {
                        heldPast = where;
                        heldForEver = forEver;
                    }
                    release.countDown();
                    return;
                }
            }
        } catch (InterruptedException e) {
            release.countDown();
        }
    }

    /**
     * One look at a call whose last steps are held until it returns, its caller interrupted (every test that
     * holds them so interrupts the caller): the CPU times of the caller and of every thread that runs the
     * learner's code or was made by the factory, if every task's last step is held, the caller has taken its
     * interrupt (its status is clear) and is still inside the call, and each of them waits with no time limit.
     * Only the held steps could end such a wait, and they wait for the call to return. A right answer never
     * gets here: join() throws at the interrupt, and the call returns.
     */
    private Map<Thread, Long> stuckWhileHeld() {
        if (returned || heldNow() < tasks.size() || caller.isInterrupted()) {
            return null;
        }
        return Standstill.cpuTimesIfAll(
                (t, stack) -> t == caller || made.contains(t) || Standstill.runs(TwoWays.class, stack),
                (t, stack) -> t.getState() == Thread.State.WAITING);
    }

    private int heldNow() {
        synchronized (lock) {
            return held;
        }
    }

    /**
     * Keeps a thread the factory made alive after its body has returned, so that a caller that waits for a
     * sign that the work is done (an executor's termination, a latch) rather than for the thread to end is
     * seen returning while the thread lives. It lets the thread go as soon as the caller is seen in a join(),
     * which only the thread's end can satisfy, or once the call has returned. A caller that waits for the
     * threads some other way is let go after it has stood still for a while (it waits for this thread, which
     * stands still too), or after a second if it never stops: that costs a right answer time, never a pass.
     */
    void holdAfterBody() {
        long deadline = System.nanoTime() + HOLD_LIMIT_NANOS;
        long stillSince = -1;
        while (!returned) {
            long now = System.nanoTime();
            if (now >= deadline || inJoin(caller.getStackTrace())) {
                return;
            }
            if (!isStill(caller)) {
                stillSince = -1;
            } else if (stillSince < 0) {
                stillSince = now;
            } else if (now - stillSince >= QUIET_NANOS) {
                return;
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private static boolean inJoin(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals(Thread.class.getName()) && frame.getMethodName().equals("join")) {
                return true;
            }
        }
        return false;
    }

    /** Waits until the caller stops to wait (for the threads, one hopes) or has returned. */
    private void awaitCallerWaiting() {
        long deadline = System.nanoTime() + HOLD_LIMIT_NANOS;
        while (!returned && caller.getState() == Thread.State.RUNNABLE && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000);
        }
        if (!holdThroughTimedWaits || returned || caller.getState() != Thread.State.TIMED_WAITING) {
            return;
        }
        timedWaitSeen = waitingIn(caller.getStackTrace());
        long until = System.nanoTime() + TIMED_HOLD_NANOS;
        while (!returned && caller.getState() != Thread.State.WAITING && System.nanoTime() < until) {
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * Notes what had finished the moment the call returned, and lets held last steps go. A closed gate
     * stays closed: threads that onThreads() started and left behind may still meet there, and the
     * watchdog opens it if they cannot.
     */
    void returned() {
        synchronized (lock) {
            Set<Task> finished = new HashSet<>();
            for (Task task : tasks) {
                if (task.finished) {
                    finished.add(task);
                }
            }
            finishedAtReturn = finished;
            aliveAtReturn = made.stream().filter(m -> m.wasStarted() && m.isAlive()).toList();
            returned = true;
        }
        release.countDown();
    }

    long started() {
        return made.stream().filter(Made::wasStarted).count();
    }

    /**
     * Runs beside every call of onThreads: if every thread it started has ended and the caller still
     * waits, unmoved, for a while, it says so and interrupts the caller, so that the test can go on.
     */
    void watchStuck() {
        long stillSince = -1;
        while (!returned) {
            long now = System.nanoTime();
            boolean allEnded = made.stream().filter(Made::wasStarted)
                    .allMatch(m -> m.getState() == Thread.State.TERMINATED);
            Thread.State state = caller.getState();
            boolean waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                    || state == Thread.State.BLOCKED;
            if (allEnded && waiting) {
                if (stillSince < 0) {
                    stillSince = now;
                } else if (now - stillSince >= STUCK_NANOS) {
                    String where = waitingIn(caller.getStackTrace());
                    if (returned) {
                        return;
                    }
                    List<String> threw = tasks.stream().filter(t -> t.thrown != null)
                            .map(t -> t.name + "'s step " + t.throwsAt + " threw " + t.thrown).toList();
                    stuck = "onThreads() was given " + describeTasks(false) + ". Every one of the " + started()
                            + " threads it started had ended" + (threw.isEmpty() ? "" : " (" + String.join(", ",
                            threw) + ")") + ", yet " + TimeUnit.NANOSECONDS.toMillis(STUCK_NANOS) + " ms later"
                            + " it was still waiting" + where + "; the test interrupted it. It returns as soon as"
                            + " every thread has ended, whether its task finished or threw.";
                    caller.interrupt();
                    return;
                }
            } else {
                stillSince = -1;
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    String stuck() {
        return stuck;
    }

    /**
     * Runs beside a gated call: if the caller (or its return) and every thread it started stand still
     * while some tasks wait at the gate for others that nobody will start, it says so and opens the gate.
     */
    void watchGate() {
        long quietSince = -1;
        long lastClock = -1;
        long lastStarted = -1;
        while (true) {
            long now = System.nanoTime();
            long clockNow;
            boolean quiet;
            synchronized (lock) {
                if (gateOpen) {
                    return;
                }
                clockNow = clock;
                quiet = (returned || isStill(caller)) && made.stream().filter(Made::wasStarted)
                        .allMatch(m -> m.ended || waitingAtGate.contains(m) || isStill(m));
            }
            long startedNow = started();
            if (quiet && clockNow == lastClock && startedNow == lastStarted) {
                if (quietSince < 0) {
                    quietSince = now;
                } else if (now - quietSince >= QUIET_NANOS) {
                    String where = returned ? "" : waitingIn(caller.getStackTrace());
                    synchronized (lock) {
                        if (!gateOpen) {
                            gateForced = returned ? "onThreads() had returned after starting " + startedNow
                                    + " of the " + tasks.size() + " threads, and none of them moved any more."
                                    : "onThreads() had started " + startedNow + " of the " + tasks.size()
                                    + " threads and then stopped to wait" + where + " without starting the"
                                    + " rest" + (startedNow < tasks.size() && where.contains("Thread.join")
                                    ? ": a join() before every thread is started waits for one task to end"
                                    + " before the next begins, and here a task could not end until the"
                                    + " others began." : ".");
                            gateOpen = true;
                            lock.notifyAll();
                        }
                    }
                    return;
                }
            } else {
                quietSince = -1;
            }
            lastClock = clockNow;
            lastStarted = startedNow;
            LockSupport.parkNanos(1_000_000);
        }
    }

    String whyNotAllAtGate() {
        synchronized (lock) {
            return gateForced == null ? "" : gateForced;
        }
    }

    /** Waits until every task has ended, or until nothing has moved for a while (a wrong answer). */
    void awaitSettled() {
        long quietSince = -1;
        long lastClock = -1;
        while (true) {
            long clockNow;
            boolean quiet;
            synchronized (lock) {
                if (tasks.stream().allMatch(task -> task.finished)) {
                    return;
                }
                clockNow = clock;
                quiet = inside == 0 && made.stream().filter(Made::wasStarted).allMatch(m -> m.ended || isStill(m));
            }
            long now = System.nanoTime();
            if (quiet && clockNow == lastClock) {
                if (quietSince < 0) {
                    quietSince = now;
                } else if (now - quietSince >= QUIET_NANOS) {
                    return;
                }
            } else {
                quietSince = -1;
            }
            lastClock = clockNow;
            LockSupport.parkNanos(1_000_000);
        }
    }

    int mostInside() {
        synchronized (lock) {
            return mostInside;
        }
    }

    int mostInProgress() {
        synchronized (lock) {
            return mostInProgress;
        }
    }

    List<StepRecord> steps() {
        synchronized (lock) {
            return List.copyOf(steps);
        }
    }

    Set<Thread> threadsOf(Task task) {
        synchronized (lock) {
            return new LinkedHashSet<>(task.threads);
        }
    }

    List<String> traceList() {
        synchronized (lock) {
            return steps.stream().map(step -> step.task().name).toList();
        }
    }

    String trace() {
        List<String> trace = traceList();
        return trace.isEmpty() ? "(no step ran)" : String.join(" ", trace);
    }

    /** The tasks and their sizes, as "tasks A (2 steps), B (1 step)", with a capital T if asked. */
    String describeTasks(boolean capital) {
        String word = (capital ? "T" : "t") + (tasks.size() == 1 ? "ask " : "asks ");
        if (tasks.isEmpty()) {
            return word + "(none)";
        }
        return word + tasks.stream().map(task -> task.name + " (" + task.steps
                + (task.steps == 1 ? " step)" : " steps)")).collect(Collectors.joining(", "));
    }

    private static boolean isStill(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                || state == Thread.State.BLOCKED || state == Thread.State.TERMINATED;
    }

    /** The call into the JDK that the learner's code was waiting in, as " in Thread.join() (TwoWays.java:42)". */
    private static String waitingIn(StackTraceElement[] stack) {
        for (int i = 1; i < stack.length; i++) {
            if (stack[i].getClassName().startsWith(TwoWays.class.getName())) {
                StackTraceElement callee = stack[i - 1];
                String owner = callee.getClassName().substring(callee.getClassName().lastIndexOf('.') + 1);
                return " in " + owner + "." + callee.getMethodName() + "() (" + stack[i].getFileName() + ":"
                        + stack[i].getLineNumber() + ")";
            }
        }
        return "";
    }
}
