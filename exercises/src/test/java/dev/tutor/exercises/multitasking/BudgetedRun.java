package dev.tutor.exercises.multitasking;

import static dev.tutor.exercises.multitasking.BudgetPlan.labels;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tutor.exercises.multitasking.BudgetModel.Rule;
import dev.tutor.exercises.multitasking.BudgetPlan.Act;
import dev.tutor.exercises.multitasking.BudgetedScheduler.LongestWait;
import dev.tutor.exercises.multitasking.BudgetedScheduler.Report;
import dev.tutor.exercises.multitasking.BudgetedScheduler.SlowStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One scheduler on the fake clock running one scenario, checked against the model. The steps it spawns are the
 * test's own: each moves the clock and spawns as its plan says, records that it ran, and throws a
 * {@link SchedulerMisuse} if the scheduler calls it when its task is done; the checks then fail with what the
 * task saw, even if the learner caught it.
 */
final class BudgetedRun {
    final BudgetScenario scenario;
    final BudgetedScheduler scheduler;
    final BudgetModel expected;
    final List<BudgetPlan> stepped = new ArrayList<>();
    final Map<BudgetPlan, Integer> done = new IdentityHashMap<>();
    /** The test's clock: this run sets it to the scenario's start and moves it. */
    private final FakeClock clock;
    Report report;
    String misuse;

    BudgetedRun(FakeClock clock, BudgetScenario scenario) {
        this.clock = clock;
        this.scenario = scenario;
        this.expected = new BudgetModel(scenario, Rule.RIGHT);
        clock.now = scenario.start;
        this.scheduler = new BudgetedScheduler(() -> clock.now, scenario.budget);
    }

    void spawnAll() {
        for (BudgetPlan plan : scenario.initial) {
            clock.now += plan.spawnedAfter;
            spawn(plan);
        }
        clock.now += scenario.runAfter;
    }

    private void spawn(BudgetPlan plan) {
        scheduler.spawn(plan.name, () -> step(plan));
    }

    private boolean step(BudgetPlan plan) {
        int done = this.done.getOrDefault(plan, 0);
        if (done >= plan.steps.size() || (plan.throwsIn > 0 && done >= plan.throwsIn)) {
            misuse = "At turn " + (stepped.size() + 1) + " run() stepped " + plan.label + " again, but "
                    + plan.label + " had " + (done >= plan.steps.size() ? "finished: its step "
                    + plan.steps.size() + " returned false" : "thrown from its step " + plan.throwsIn)
                    + ". The steps that ran before were " + labels(stepped) + ".";
            throw new SchedulerMisuse(misuse);
        }
        if (stepped.size() > 4 * expected.order.size() + 20) {
            misuse = "run() had already stepped " + stepped.size() + " times, where the tasks have "
                    + expected.order.size() + " steps in all; it was stopped here.";
            throw new SchedulerMisuse(misuse);
        }
        done++;
        this.done.put(plan, done);
        stepped.add(plan);
        for (Act act : plan.steps.get(done - 1)) {
            if (act.child() == null) {
                clock.now += act.millis();
            } else {
                spawn(act.child());
            }
        }
        if (done == plan.throwsIn) {
            throw plan.exception;
        }
        return done < plan.steps.size();
    }

    void run() {
        try {
            report = scheduler.run();
        } catch (Throwable t) {
            failIfMisused(t);
            fail(scenario.describe() + "\nrun() threw " + t + " after the steps " + labels(stepped)
                    + "; no step in this test throws.", t);
        }
        failIfMisused(null);
        if (report == null) {
            fail(scenario.describe() + "\nrun() returned null; return a Report of the trace, the slow steps"
                    + " and the longest waits.");
        }
    }

    void failIfMisused(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SchedulerMisuse) {
                fail(scenario.describe() + "\n" + t.getMessage() + " A task whose step returned false, or"
                        + " threw, is not queued again.");
            }
        }
        if (misuse != null) {
            fail(scenario.describe() + "\n" + misuse + " A task whose step returned false, or threw, is not"
                    + " queued again.");
        }
    }

    /** The steps ran in the model's order, every one of them, and the trace names exactly them. */
    void checkTrace() {
        List<BudgetPlan> want = expected.order;
        if (!stepped.equals(want)) {
            fail(explainOrder());
        }
        List<String> names = stepped.stream().map(p -> p.name).toList();
        if (!names.equals(report.trace())) {
            fail(scenario.describe() + "\nThe tasks' steps ran in the right order, " + show(names)
                    + ", but the report's trace is " + show(report.trace()) + ". Add the task's name to the"
                    + " trace once per turn, for the step that runs in that turn.");
        }
    }

    private String explainOrder() {
        List<BudgetPlan> want = expected.order;
        StringBuilder text = new StringBuilder(scenario.describe())
                .append("\nThe steps should run in the order ").append(labels(want))
                .append(",\nbut they ran in the order ").append(labels(stepped)).append(".\n");
        if (stepped.isEmpty()) {
            return text.append("Nothing ran: spawn() must put each task in the ready queue, and run() must"
                    + " take tasks from it until it is empty, calling step() once per turn.").toString();
        }
        List<BudgetPlan> cutShort = scenario.all.stream().filter(p -> want.contains(p) && stepped.contains(p)
                && Collections.frequency(stepped, p) < p.steps.size()).toList();
        for (BudgetPlan plan : cutShort) {
            int slow = Collections.frequency(expected.slowPlans, plan);
            if (slow > 0) {
                text.append(plan.label).append(" has ").append(plan.steps.size()).append(" steps, ").append(slow)
                        .append(" of them slow, and ran ").append(Collections.frequency(stepped, plan))
                        .append(" of them. A slow task is reported, never stopped: it keeps its turns to the"
                        + " end. ");
            }
        }
        int turn = 0;
        while (turn < want.size() && turn < stepped.size() && want.get(turn) == stepped.get(turn)) {
            turn++;
        }
        if (turn >= want.size()) {
            return text.append("run() went on stepping after every task had finished.").toString();
        }
        List<BudgetPlan> queue = expected.queueBefore.get(turn);
        if (turn >= stepped.size()) {
            return text.append("run() returned after ").append(turn).append(turn == 1 ? " step" : " steps")
                    .append(", while the ready queue should still have held, front to back: ")
                    .append(labels(queue)).append(". run() goes on until the queue is empty.").toString();
        }
        BudgetPlan ran = stepped.get(turn);
        text.append("Before turn ").append(turn + 1).append(" the ready queue should have held, front to"
                + " back: ").append(labels(queue)).append(". ");
        List<BudgetPlan> others = queue.stream().filter(p -> p != ran).toList();
        if (turn > 0 && stepped.get(turn - 1) == ran && !others.isEmpty()) {
            text.append(ran.label).append(" ran again right after its own step, while ").append(labels(others))
                    .append(" should have been waiting. A turn is one step: after it, a task with more to do"
                    + " goes to the back of the queue.");
        } else if (queue.contains(ran)) {
            text.append(queue.get(0).label).append(", at the front, has waited longest and runs next; run()"
                    + " stepped ").append(ran.label).append(", which stood at place ")
                    .append(queue.indexOf(ran) + 1).append('.');
        } else {
            text.append("run() stepped ").append(ran.label).append(", which should not have been in the"
                    + " queue then.");
        }
        return text.toString();
    }

    /** Every step of the budget or longer is reported, with its task and time, in the order they ran. */
    void checkSlowSteps() {
        List<SlowStep> want = expected.slowSteps;
        List<SlowStep> got = report.slowSteps();
        if (want.equals(got)) {
            return;
        }
        StringBuilder text = new StringBuilder(scenario.describe())
                .append("\nThe slow steps, those of ").append(scenario.budget).append(" ms or more, are ")
                .append(showSlow(want)).append(",\nbut the report has ").append(showSlow(got)).append(".\n");
        if (want.stream().map(step -> new SlowStep(step.task(), step.millis() - scenario.budget)).toList()
                .equals(got)) {
            fail(text.append("Each time in the report is short by exactly the budget: report a slow step's"
                    + " whole time, from just before step() to just after it returns, not how far it went over.")
                    .toString());
        }
        for (SlowStep step : got) {
            List<Long> times = scenario.all.stream().filter(p -> p.name.equals(step.task()))
                    .flatMap(p -> IntStream.rangeClosed(1, p.steps.size())
                            .mapToObj(p::millis)).toList();
            if (times.isEmpty()) {
                fail(text.append("No task is named ").append(step.task()).append(". Report the name of the task"
                        + " whose step was slow.").toString());
            }
            long longest = Collections.max(times);
            if (step.millis() > longest) {
                fail(text.append("The report says a step of ").append(step.task()).append(" took ")
                        .append(step.millis()).append(" ms, but no step of a task named ").append(step.task())
                        .append(" took more than ").append(longest).append(" ms: ").append(step.millis())
                        .append(" ms is more than one step. A step's time runs from just before its step()"
                        + " call to just after it returns, for each step on its own, not from a clock read"
                        + " once for the whole run, nor added up over the task.").toString());
            }
            if (step.millis() < scenario.budget) {
                fail(text.append("The report has a step of ").append(step.task()).append(" of ")
                        .append(step.millis()).append(" ms, under the ").append(scenario.budget)
                        .append(" ms budget; only steps of the budget or more are slow.").toString());
            }
            if (!times.contains(step.millis())) {
                fail(text.append("The report says a step of ").append(step.task()).append(" took ")
                        .append(step.millis()).append(" ms, but no step of a task of that name took that"
                        + " long; they took ").append(times).append(" ms.").toString());
            }
        }
        List<SlowStep> missing = new ArrayList<>();
        List<SlowStep> unmatched = new ArrayList<>(got);
        boolean allLast = true;
        for (int i = 0; i < want.size(); i++) {
            if (!unmatched.remove(want.get(i))) {
                missing.add(want.get(i));
                allLast &= expected.slowWasLast.get(i);
            }
        }
        if (!missing.isEmpty()) {
            boolean allExact = missing.stream().allMatch(step -> step.millis() == scenario.budget);
            text.append("Missing: ").append(showSlow(missing)).append('.');
            if (allLast) {
                text.append(missing.size() == 1 ? " It is its task's last step" : " Each is its task's last"
                        + " step").append(allExact ? ", and took exactly the budget" : "").append(": check every"
                        + " step's time as soon as it returns, whether or not the task has more to do.");
            }
            if (allExact) {
                text.append(" A step of exactly the budget is slow: asyncio warns when dt >="
                        + " slow_callback_duration, and so does this scheduler, at budgetMillis or more.");
            } else if (!allLast) {
                text.append(" Check every step as soon as it returns, and report each slow one, however"
                        + " many a task has.");
            }
            fail(text.toString());
        }
        fail(text.append("Report the slow steps in the order they ran, each one as soon as its step returns.")
                .toString());
    }

    /** One longest wait per task, in the order the tasks finished. */
    void checkWaits() {
        List<LongestWait> want = expected.longestWaits();
        List<LongestWait> got = report.longestWaits();
        if (want.equals(got)) {
            return;
        }
        StringBuilder text = new StringBuilder(scenario.describe())
                .append("\nThe longest waits, in the order the tasks finished, are ").append(showWaits(want))
                .append(",\nbut the report has ").append(showWaits(got)).append(".\n");
        if (got.size() != want.size()) {
            text.append(want.size()).append(want.size() == 1 ? " task" : " tasks").append(" ran, so the report"
                    + " needs ").append(want.size()).append(" longest waits, one for each task, added when the"
                    + " task finishes.");
            boolean sharedNames = want.stream().map(LongestWait::task).distinct().count() < want.size();
            if (sharedNames && got.size() < want.size()) {
                text.append(" Some tasks here share a name; each of them is a task of its own, with waits of"
                        + " its own.");
            }
            fail(text.toString());
        }
        for (int i = 0; i < want.size(); i++) {
            BudgetPlan plan = expected.finished.get(i);
            LongestWait wrong = got.get(i);
            if (wrong.equals(want.get(i))) {
                continue;
            }
            if (!wrong.task().equals(plan.name)) {
                fail(text.append("Task number ").append(i + 1).append(" to finish was ").append(plan.label)
                        .append(", but the report's entry number ").append(i + 1).append(" is for ")
                        .append(wrong.task()).append(". Add each task's longest wait when its last step"
                        + " returns.").toString());
            }
            text.append(plan.label).append("'s turns began at ");
            List<String> turns = new ArrayList<>();
            for (long[] wait : expected.waits.get(plan)) {
                turns.add("t=" + wait[1] + " (ready since t=" + wait[0] + ", " + (wait[1] - wait[0])
                        + " ms)");
            }
            text.append(String.join(", ", turns)).append(", so its longest wait is ")
                    .append(want.get(i).millis()).append(" ms; the report says ").append(wrong.millis())
                    .append(" ms.");
            boolean explained = false;
            for (Rule rule : Rule.values()) {
                if (rule != Rule.RIGHT && new BudgetModel(scenario, rule).longest.get(plan) == wrong.millis()) {
                    text.append(" That is its longest wait if it were ").append(rule.meaning).append('.');
                    explained = true;
                    break;
                }
            }
            if (!explained && expected.waits.get(plan).stream().anyMatch(w -> w[1] == wrong.millis())) {
                text.append(" That is the clock itself when one of its turns began, as if it had been ready"
                        + " since t=0.");
            }
            text.append(" A task is ready from the moment spawn() queues it, and again from the moment each"
                    + " of its steps returns with more to do; it waits until its next step begins.");
            fail(text.toString());
        }
    }

    private static String show(List<String> trace) {
        return trace.isEmpty() ? "(nothing)" : String.join(" ", trace);
    }

    private static String showSlow(List<SlowStep> steps) {
        return steps.isEmpty() ? "(none)"
                : steps.stream().map(s -> s.task() + " " + s.millis() + " ms").collect(Collectors.joining(", "));
    }

    private static String showWaits(List<LongestWait> waits) {
        return waits.isEmpty() ? "(none)"
                : waits.stream().map(w -> w.task() + " " + w.millis() + " ms").collect(Collectors.joining(", "));
    }
}
