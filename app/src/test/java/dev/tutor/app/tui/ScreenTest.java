package dev.tutor.app.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import dev.tutor.app.tui.Key.Kind;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The views painted on Lanterna's virtual terminal through the real loop, read back as text. */
class ScreenTest {
    private DefaultVirtualTerminal terminal;
    private TerminalScreen screen;
    private TutorLoop loop;

    @BeforeEach
    void open() throws IOException {
        terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
        screen = new TerminalScreen(terminal);
        screen.startScreen();
        loop = new TutorLoop(screen, TuiFixtures.state(80, 24));
        loop.paint();
    }

    @AfterEach
    void close() throws IOException {
        screen.stopScreen();
    }

    private void send(Msg... msgs) throws IOException {
        for (Msg msg : msgs) {
            loop.handle(msg, effect -> true);
        }
        loop.paint();
    }

    private String screenText() {
        TerminalSize size = terminal.getTerminalSize();
        StringBuilder out = new StringBuilder();
        for (int row = 0; row < size.getRows(); row++) {
            StringBuilder line = new StringBuilder();
            for (int col = 0; col < size.getColumns(); col++) {
                line.append(terminal.getCharacter(col, row).getCharacterString());
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    @Test
    void theMetersOpenFromTheLessonAndShowEachLookAsItArrives() throws IOException {
        loop = new TutorLoop(screen, TuiFixtures.stateWithMeters(80, 24).openLesson("selectors"));
        send(new Msg.KeyPressed(Key.ch('s')));
        assertThat(screenText()).contains("Demo · Echo servers, live meters", "Starting the servers",
                "space pause  esc back  ? help");
        send(new Msg.MetersRead(1, dev.tutor.app.tui.demo.DemoFixtures.meterBoard()));
        assertThat(screenText()).contains("busy polling             1     149   0.05 ms   0.21 ms   100%  ████████████████\n",
                "/proc/self/fdinfo/23 · 4 descriptors", "EPOLLOUT         slow reader\n")
                .doesNotContain("Starting the servers");
    }

    @Test
    void theCourseMapShowsLessonOneAndItsExercise() {
        assertThat(screenText()).contains("Concurrency Tutor › Course map", "Lesson 1  Waiting is the problem",
                "○ workload-probe", "not started", "0 of 1 exercises passed", "q quit");
    }

    @Test
    void theLessonReaderScrollsAndShowsHowFarDownItIs() throws IOException {
        send(new Msg.KeyPressed(Key.of(Kind.ENTER)));
        assertThat(screenText()).contains("WAITING IS THE PROBLEM", "0%").doesNotContain("Line number 30 ");
        send(new Msg.KeyPressed(Key.of(Kind.PAGE_DOWN)), new Msg.KeyPressed(Key.of(Kind.PAGE_DOWN)));
        assertThat(screenText()).contains("Line number 25 ").doesNotContain("WAITING IS THE PROBLEM");
        send(new Msg.KeyPressed(Key.of(Kind.END)));
        assertThat(screenText()).contains("Line number 60 ", "100%");
    }

    @Test
    void aVerdictArrivingReplacesTheSpinnerInThePanel() throws IOException {
        send(new Msg.KeyPressed(Key.of(Kind.DOWN)), new Msg.KeyPressed(Key.of(Kind.ENTER)));
        assertThat(screenText()).contains("/ws/src/main/java/" + TuiFixtures.FILE, "Waiting for your save");
        send(new Msg.GradingStarted("workload-probe", 0), new Msg.Tick(1_200_000_000L));
        assertThat(screenText()).contains("Compiling and running the tests… 1.2 s");
        send(new Msg.GradeFinished("workload-probe", TuiFixtures.failed(), TuiFixtures.progressAfter(false), "", false));
        assertThat(screenText()).contains("✗ failed: 1 test failed", "measure() reported 0 ns")
                .doesNotContain("Compiling");
        send(new Msg.GradeFinished("workload-probe", TuiFixtures.passed(), TuiFixtures.progressAfter(true), "", false));
        assertThat(screenText()).contains("✓ Passed!", "n next exercise", "1/1 passed");
    }

    @Test
    void aTooSmallTerminalSaysWhatItNeedsAndRecoversWhenEnlarged() throws IOException {
        terminal.setTerminalSize(new TerminalSize(60, 20));
        screen.doResizeIfNecessary();
        send(new Msg.Resized(60, 20));
        assertThat(screenText()).contains("at least 80x24", "This one is 60x20");
        terminal.setTerminalSize(new TerminalSize(120, 30));
        screen.doResizeIfNecessary();
        send(new Msg.Resized(120, 30));
        assertThat(screenText()).contains("Lesson 1  Waiting is the problem").doesNotContain("at least 80x24");
    }
}
