package dev.tutor.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutor.app.course.ClasspathCourseSource;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.ManifestLoader;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a learner meets it: exit codes, one-line errors, and progress kept across runs. */
@Timeout(120)
class TutorCommandTest {
    private static final ClasspathCourseSource SOURCE = new ClasspathCourseSource();
    private static final Course COURSE = ManifestLoader.load(SOURCE);

    @TempDir
    Path workspace;

    /** What one command printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    /** Where a learner file of the course is in the test's workspace. */
    private Path learnerFile(String path) {
        return workspace.resolve("src/main/java").resolve(path);
    }

    private Run tutor(String... args) {
        return tutorWithInput("", args);
    }

    private Run tutorWithInput(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] withWorkspace = new String[args.length + 2];
        withWorkspace[0] = "--workspace";
        withWorkspace[1] = workspace.toString();
        System.arraycopy(args, 0, withWorkspace, 2, args.length);
        try (TutorContext context = new TutorContext(new PrintWriter(out, true), new PrintWriter(err, true),
                new BufferedReader(new StringReader(input)), false)) {
            int code = TutorCommand.execute(context, withWorkspace);
            return new Run(code, out.toString(), err.toString());
        }
    }

    private static Exercise first() {
        return COURSE.exercises().get(0);
    }

    @Test
    void onlyABareStartSkipsPicocliAndEveryOtherLineGetsItsChecksAndHelp() {
        assertThat(TutorCommand.onlyRootOptions()).isTrue();
        assertThat(TutorCommand.onlyRootOptions("--workspace", "w", "--plain", "--verbose")).isTrue();
        assertThat(TutorCommand.onlyRootOptions("--workspace=w", "--rehearse-start")).isTrue();
        assertThat(TutorCommand.onlyRootOptions("--workspace")).isFalse(); // picocli says what is missing
        assertThat(TutorCommand.onlyRootOptions("--workspace=")).isFalse();
        assertThat(TutorCommand.onlyRootOptions("--help")).isFalse();
        assertThat(TutorCommand.onlyRootOptions("--workspace", "w", "list")).isFalse();
        assertThat(TutorCommand.onlyRootOptions("lsit")).isFalse(); // so that picocli can suggest a command
        assertThat(tutor("--bogus").err()).contains("Unknown option: '--bogus'");
        Run missing = tutorWithInput("", "--workspace");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("'--workspace'");
    }

    @Test
    void theCourseLoadedInTheBackgroundIsTheOneEveryCommandGets() {
        try (TutorContext context = new TutorContext(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), new BufferedReader(new StringReader("")), false)) {
            context.loadCourseInBackground();
            Course course = context.course();
            assertThat(course.exercises()).extracting(Exercise::id).isEqualTo(
                    COURSE.exercises().stream().map(Exercise::id).toList());
            context.loadCourseInBackground(); // loaded already: nothing starts again
            assertThat(context.course()).isSameAs(course);
        }
    }

    @Test
    void rehearsingTheStartExitsAtOnceAndLeavesTheWorkspaceAlone() throws Exception {
        Run run = tutor("--rehearse-start");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        try (var files = Files.list(workspace)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMistypedCommandIsNamedAndACommandSuggested() {
        Run run = tutor("lsit");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("'lsit' is not a command of the tutor; did you mean 'list'?"
                + " 'help' lists them.");
    }

    @Test
    void versionNamesTheTutorAndItsJava() {
        Run run = tutor("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Concurrency Tutor ").contains("on Java " + Runtime.version().feature());
    }

    @Test
    void unknownExerciseIsOneLineAndExitCodeTwo() {
        tutor("init");
        Run run = tutor("check", "no-such-exercise");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("No exercise 'no-such-exercise'. Run 'tutor list' to see their names."
                + System.lineSeparator());
    }

    @Test
    void verifyOfAnUnknownExerciseIsOneLineAndVerifiesNothing() {
        Run run = tutor("verify", first().id(), "no-such-exercise");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("No exercise 'no-such-exercise'. Run 'tutor list' to see their names."
                + System.lineSeparator());
        assertThat(run.out()).doesNotContain("Course verified").doesNotContain(first().id() + " stub");
    }

    @Test
    void verifyWithNoJobsIsOneLineAndVerifiesNothing() {
        Run run = tutor("verify", "--jobs", "0", first().id());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("--runs, --solution-runs and --jobs take a count of 1 or more."
                + System.lineSeparator());
        assertThat(run.out()).doesNotContain(first().id() + " stub");
    }

    @Test
    void checkWithoutWorkspaceSaysToRunInit() {
        Run run = tutor("check", first().id());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("No workspace at " + workspace).contains("tutor init");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(tutor("--no-such-option").exitCode()).isEqualTo(2);
    }

    @Test
    void aMistypedCommandIsOneLineWithTheClosestCommand() {
        Run typo = tutor("chek");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err().strip()).isEqualTo("'chek' is not a command of the tutor; did you mean 'check'?"
                + " 'help' lists them.");
        Run nonsense = tutor("frobnicate");
        assertThat(nonsense.err().strip()).isEqualTo("'frobnicate' is not a command of the tutor. 'help' lists them.");
        assertThat(nonsense.out()).isEmpty();
    }

    @Test
    void aWrongOptionOfACommandIsOneLinePointingToItsHelp() {
        Run run = tutor("check", "--bogus");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("--bogus", "'help check' explains it.");
    }

    @Test
    void wrongThenRightAnswerAndProgressKeptAcrossRuns() throws Exception {
        assertThat(tutor("init").exitCode()).isZero();
        Exercise exercise = first();
        Run stub = tutor("check", exercise.id());
        assertThat(stub.exitCode()).as(stub.out() + stub.err()).isEqualTo(1);
        assertThat(stub.out()).contains(exercise.id() + ": not started yet", "fill in its TODOs")
                .doesNotContain("Hint");
        assertThat(tutor("list", "--json").out()).contains("\"status\": \"not started\"");
        Path learnerFile = learnerFile(exercise.files().get(0));
        Files.writeString(learnerFile, Files.readString(learnerFile).replace("TODO", "TODO (begun)"));
        Run begun = tutor("check", exercise.id());
        assertThat(begun.exitCode()).as(begun.out() + begun.err()).isEqualTo(1);
        assertThat(begun.out()).contains(exercise.id() + ": failed");

        for (String file : exercise.files()) {
            Files.writeString(learnerFile(file), SOURCE.solution(file).orElseThrow());
        }
        Run solved = tutor("check", exercise.id());
        assertThat(solved.exitCode()).as(solved.out() + solved.err()).isZero();
        assertThat(solved.out()).contains(exercise.id() + ": passed", "Well done: 1 of ", "Next up: ");

        Run list = tutor("list", "--json");
        assertThat(list.out()).contains("\"id\": \"" + exercise.id() + "\"").contains("\"status\": \"passed\"");
        assertThat(workspace.resolve(".tutor/progress.json")).exists();
    }

    @Test
    @Timeout(90)
    void theLearnersOwnLoopRunsLessonTensDemoOnceMiniLoopPasses() throws Exception {
        assertThat(tutor("init").exitCode()).isZero();
        Exercise miniLoop = COURSE.requireExercise("mini-loop");
        Run before = tutor("demo", "eventloop", "--mine");
        assertThat(before.exitCode()).as(before.out() + before.err()).isEqualTo(1);
        assertThat(before.out().strip()).isEqualTo("Your MiniLoop.java has not passed mini-loop yet: make it pass"
                + " ('tutor check mini-loop'), then run this again.");

        for (String file : miniLoop.files()) {
            Files.writeString(learnerFile(file), SOURCE.solution(file).orElseThrow());
        }
        Run check = tutor("check", "mini-loop");
        assertThat(check.exitCode()).as(check.out() + check.err()).isZero();

        long start = System.nanoTime();
        Run mine = tutor("demo", "eventloop", "--mine");
        assertThat(mine.exitCode()).as(mine.out() + mine.err()).isZero();
        assertThat(mine.out()).contains("Lesson 10's demo on your own loop, dev.tutor.exercises.eventloop.MiniLoop.",
                "Your loop has no listener", "Ran: A B T C.", "HTTP/1.1 200", "the timer ran in turn")
                .containsPattern("turn 1 \\+0\\.000ms \\| ready 2 \\| timeout 0ms \\(callbacks ready\\) \\| select 0"
                        + " \\| due 1 \\[T\\] \\| ran 3 \\[A [0-9.]+ms, B [0-9.]+ms, T [0-9.]+ms\\]")
                .containsPattern("select 1 \\[recv r/r\\]");
        assertThat(System.nanoTime() - start).as("the demo's time").isLessThan(30_000_000_000L);
    }

    @Test
    void aLessonWithoutADemoForTheLearnersCodeIsAUsageError() {
        assertThat(tutor("init").exitCode()).isZero();
        Run run = tutor("demo", "waiting", "--mine");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("No demo of 'waiting' runs on your own code; --mine works for eventloop.");
    }

    @Test
    void lostProgressIsSaidInListAndRebuiltByCheckingEverything() throws Exception {
        tutor("init");
        Exercise exercise = first();
        for (String file : exercise.files()) {
            Files.writeString(learnerFile(file), SOURCE.solution(file).orElseThrow());
        }
        Files.writeString(workspace.resolve(".tutor/progress.json"), "{ not json");
        Run list = tutor("list");
        assertThat(list.out()).contains("0 of ", "kept aside as .tutor/progress.json.corrupt-", "tutor check --all");
        assertThat(list.err()).contains("could not be read");
        Run all = tutor("check", "--all");
        assertThat(all.exitCode()).as(all.out() + all.err()).isZero();
        assertThat(all.out()).contains(exercise.id(), "passed", "not started", "1 of ");
        assertThat(tutor("list").out()).contains("1 of ").doesNotContain("kept aside");
        assertThat(tutor("check", "--all", exercise.id()).exitCode()).isEqualTo(2);
    }

    @Test
    void hintShowsOneMoreEachTime() {
        tutor("init");
        Exercise exercise = first();
        Run once = tutor("hint", exercise.id());
        assertThat(once.out()).contains("Hint 1 of ").doesNotContain("Hint 2 of ");
        Run twice = tutor("hint", exercise.id());
        assertThat(twice.out()).doesNotContain("Hint 1 of ").contains("Hint 2 of " + exercise.hints().size() + ": "
                + exercise.hints().get(1));
    }

    @Test
    void solutionBeforeAPassNeedsConfirmation() {
        tutor("init");
        Exercise exercise = first();
        Run refused = tutor("solution", exercise.id());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out()).contains("Not shown.", "'tutor hint " + exercise.id() + "' gives the next hint");
        for (int i = 0; i < exercise.hints().size(); i++) {
            tutor("hint", exercise.id());
        }
        Run noHintLeft = tutor("solution", exercise.id());
        assertThat(noHintLeft.out()).contains("Not shown. You have taken all " + exercise.hints().size() + " hints")
                .doesNotContain("next hint");
        Run confirmed = tutor("solution", "--yes", exercise.id());
        assertThat(confirmed.exitCode()).isZero();
        assertThat(confirmed.out()).contains(SOURCE.solution(exercise.files().get(0)).orElseThrow().strip());
        assertThat(confirmed.out()).contains(": yours against the reference (- yours, + reference)", "\n + ",
                "\n - ");
    }

    @Test
    void resetPutsTheExerciseBackToNotStarted() throws Exception {
        tutor("init");
        Exercise exercise = first();
        Path file = learnerFile(exercise.files().get(0));
        Files.writeString(file, "class Broken {");
        assertThat(tutor("check", exercise.id()).exitCode()).isEqualTo(1);
        assertThat(tutor("list").out()).contains("[!] " + exercise.id());

        assertThat(tutor("reset", "--yes", exercise.id()).exitCode()).isZero();

        assertThat(tutor("list").out()).contains("[ ] " + exercise.id()).doesNotContain("[!] " + exercise.id());
    }

    @Test
    void checkAllCountsAPassedExerciseWhoseStubWasPutBackByHandAsNotStarted() throws Exception {
        tutor("init");
        Exercise exercise = first();
        String path = exercise.files().get(0);
        Path file = learnerFile(path);
        Files.writeString(file, SOURCE.solution(path).orElseThrow());
        assertThat(tutor("check", exercise.id()).exitCode()).isZero();
        Files.writeString(file, SOURCE.stub(path).orElseThrow());

        Run all = tutor("check", "--all");

        assertThat(all.out()).contains("0 of " + COURSE.exercises().size() + " exercises pass.");
        assertThat(tutor("list").out()).contains("[ ] " + exercise.id());
    }

    @Test
    void resetKeepsTheLearnersVersion() throws Exception {
        tutor("init");
        Exercise exercise = first();
        Path file = learnerFile(exercise.files().get(0));
        Files.writeString(file, "// my attempt");
        Run run = tutor("reset", "--yes", exercise.id());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Kept your version as " + workspace.resolve(".tutor/backups"));
        assertThat(Files.readString(file)).isEqualTo(SOURCE.stub(exercise.files().get(0)).orElseThrow());
    }

    @Test
    void corruptProgressFileIsKeptAsideWithOneWarningAndTheTutorGoesOn() throws Exception {
        tutor("init");
        Files.writeString(workspace.resolve(".tutor/progress.json"), "{ this is not json");
        Run run = tutor("list");
        assertThat(run.exitCode()).isZero();
        assertThat(run.err().strip().lines()).singleElement().asString().startsWith("warning: ");
        try (var files = Files.list(workspace.resolve(".tutor"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("progress.json.corrupt"));
        }
    }

    @Test
    void serveOnAPortInUseIsOneLineAndExitCodeTwo() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run run = tutor("serve", "http", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("Port " + taken.getLocalPort() + " is already in use: pick another with"
                    + " --port or leave it out for a free one." + System.lineSeparator());
        }
    }

    @Test
    void serveWithAPortOrADelayOutOfRangeIsOneLine() {
        for (String[] line : List.of(new String[] {"serve", "echo", "--port", "99999"},
                new String[] {"serve", "echo", "--port", "-5"}, new String[] {"serve", "trickle", "--delay", "-5"})) {
            Run run = tutor(line);
            assertThat(run.exitCode()).as(String.join(" ", line)).isEqualTo(2);
            assertThat(run.err().strip().lines()).as(String.join(" ", line)).singleElement().asString()
                    .doesNotContain("Unexpected error").doesNotContain("Exception");
        }
    }

    @Test
    void checkOfAnExerciseWithAFileMissingIsOneLineThatSaysHowToRestoreIt() throws Exception {
        tutor("init");
        Exercise exercise = first();
        Files.delete(learnerFile(exercise.files().get(0)));
        Run run = tutor("check", exercise.id());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip().lines()).singleElement().asString().startsWith("The file ")
                .contains("is missing", "tutor reset " + exercise.id());
    }

    @Test
    void demoTakesALessonsNumberAsListAndLessonDo() {
        var demos = new dev.tutor.app.session.LessonDemos(COURSE);
        assertThat(demos.find("7")).as("lesson 7's demo").isEqualTo(demos.find("sockets")).isPresent();
        Run unknown = tutor("demo", "99");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("No demo '99'.");
    }

    @Test
    void serveUnknownKindNamesTheKinds() {
        Run run = tutor("serve", "ftp");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("No server called 'ftp'").contains("http, echo, trickle, slow-reader");
    }

    @Test
    void nextNamesTheExerciseAndTheFileToOpen() {
        tutor("init");
        Run run = tutor("next");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith(first().id() + ": ")
                .contains("open " + learnerFile(first().files().get(0)));
    }

    @Test
    void lessonPrintsTheTextWithoutItsSourceComments() {
        Run run = tutor("lesson", "1");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("# ").doesNotContain("<!--").contains("Exercises: " + first().id());
    }

    @Test
    void bareTutorWithoutATerminalDoesNotMakeAWorkspaceUnasked() {
        Run run = tutor("--plain");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("No workspace yet: run 'tutor init");
        assertThat(workspace.resolve(".tutor")).doesNotExist();
    }

    @Test
    void plainModeRunsCommandsFromAScript() {
        tutor("init");
        Run run = tutorWithInput("next\nhint\nquit\n", "--plain");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("tutor> ").contains(first().id() + ": ").contains("Hint 1 of ");
    }
}
