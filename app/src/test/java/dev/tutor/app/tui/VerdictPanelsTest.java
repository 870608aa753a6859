package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import dev.tutor.app.grading.CompileError;
import dev.tutor.app.grading.GradeReport;
import dev.tutor.app.grading.Measurement;
import dev.tutor.app.grading.Verdict;
import dev.tutor.app.tui.Key.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exercise panel for each kind of verdict, painted on Lanterna's virtual terminal through the real loop and
 * compared, character for character, with the screen saved in {@code src/test/resources/verdict-panels}. A
 * change to a panel is a change to what every learner reads: run with {@code -Dtutor.updatePanels=true} to
 * save the new screens, and read the diff before committing it.
 */
class VerdictPanelsTest {
    private static final Path SAVED = Path.of("src/test/resources/verdict-panels");

    static List<Object[]> verdicts() {
        GradeReport compileFailed = report(new Verdict.CompileFailed(List.of(new CompileError("WorkloadProbe.java", 14,
                17, "cannot find symbol\n  symbol:   variable nanos", "        long took = nanos - start;", false))));
        GradeReport timedOut = report(new Verdict.TimedOut("measuresAWaitAsWallTimeNotCpuTime", Duration.ofSeconds(5),
                "\"main\" RUNNABLE\n    at WorkloadProbe.measure(WorkloadProbe.java:21)\n"
                        + "    at WorkloadProbeTest.measuresAWaitAsWallTimeNotCpuTime(WorkloadProbeTest.java:40)",
                List.of("hint:2")));
        GradeReport crashed = report(new Verdict.Crashed(Verdict.Cause.SYSTEM_EXIT, 3, "measure", "WorkloadProbe.java:30",
                "System.exit(3) was called at WorkloadProbe.java:30: the tests cannot go on after it."));
        return List.of(
                new Object[] {"passed", TuiFixtures.passed(), true},
                new Object[] {"passed-with-measurements", measured(TuiFixtures.passed()), true},
                new Object[] {"tests-failed", TuiFixtures.failed(), false},
                new Object[] {"compile-failed", compileFailed, false},
                new Object[] {"timed-out", timedOut, false},
                new Object[] {"crashed", crashed, false});
    }

    /** {@code report} with the figures a test published, as mini-loop's tests publish them. */
    private static GradeReport measured(GradeReport report) {
        return new GradeReport(report.exerciseId(), report.verdict(), report.output(), report.droppedOutput(),
                report.elapsed(), report.phases(), List.of(new Measurement("CPU while idle",
                        "0.4 ms of CPU waiting 301 ms for a timer, in 1 poll(s)"), new Measurement("worst timer lateness",
                        "0.081 ms (median 0.012 ms, 31 timers, beside a callback that queues itself)"),
                        new Measurement("callbacks per turn", "median 1, most 4, over 2718 turns")));
    }

    private static GradeReport report(Verdict verdict) {
        return new GradeReport("workload-probe", verdict, "", 0, Duration.ofMillis(450), GradeReport.Phases.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void thePanelReadsAsSaved(String name, GradeReport report, boolean passed) throws IOException {
        String shown = paint(report, passed);
        Path file = SAVED.resolve(name + ".txt");
        if (Boolean.getBoolean("tutor.updatePanels") || !Files.exists(file)) {
            Files.createDirectories(SAVED);
            Files.writeString(file, shown, StandardCharsets.UTF_8);
        }
        assertThat(shown).as("the %s panel, against %s", name, file).isEqualTo(Files.readString(file));
    }

    private static String paint(GradeReport report, boolean passed) throws IOException {
        DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(80, 30));
        TerminalScreen screen = new TerminalScreen(terminal);
        screen.startScreen();
        try {
            TutorLoop loop = new TutorLoop(screen, TuiFixtures.state(80, 30));
            for (Msg msg : List.of(new Msg.KeyPressed(Key.of(Kind.DOWN)), new Msg.KeyPressed(Key.of(Kind.ENTER)),
                    new Msg.GradeFinished("workload-probe", report, TuiFixtures.progressAfter(passed),
                            "        long took = System.currentTimeMillis() - start;", false, Map.of()))) {
                loop.handle(msg, effect -> true);
            }
            loop.paint();
            StringBuilder out = new StringBuilder();
            for (int row = 0; row < 30; row++) {
                StringBuilder line = new StringBuilder();
                for (int col = 0; col < 80; col++) {
                    line.append(terminal.getCharacter(col, row).getCharacterString());
                }
                out.append(line.toString().stripTrailing()).append('\n');
            }
            return out.toString();
        } finally {
            screen.stopScreen();
        }
    }
}
