package dev.tutor.app;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lines between the tutor's parts, held by the build: a wrong import fails it. */
class ArchitectureTest {
    private static final String[] CORE = {"dev.tutor.app.course..", "dev.tutor.app.grading..",
        "dev.tutor.app.progress..", "dev.tutor.app.workspace..", "dev.tutor.app.session..", "dev.tutor.app.home.."};
    private static final String TEXT = "dev.tutor.app.tui.text..";
    private static final String DEMO = "dev.tutor.app.tui.demo..";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tutor");
    }

    @Test
    void core_knows_nothing_of_the_screen_or_the_command_line() {
        noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat()
                .resideInAnyPackage("com.googlecode.lanterna..", "picocli..", "org.jline..", "dev.tutor.app.cli..",
                        "dev.tutor.app.tui..")
                .check(classes);
    }

    @Test
    void course_depends_on_no_other_part_of_the_tutor() {
        noClasses().that().resideInAPackage("dev.tutor.app.course..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.tutor.app.grading..", "dev.tutor.app.progress..",
                        "dev.tutor.app.workspace..", "dev.tutor.app.session..")
                .check(classes);
    }

    @Test
    void only_grading_compiles_and_runs_tests() {
        noClasses().that().resideOutsideOfPackage("dev.tutor.app.grading..").should().dependOnClassesThat()
                .resideInAnyPackage("javax.tools..", "org.junit.platform.launcher..")
                .check(classes);
    }

    @Test
    void only_the_command_line_uses_picocli_and_jline() {
        noClasses().that().resideOutsideOfPackage("dev.tutor.app.cli..").should().dependOnClassesThat()
                .resideInAnyPackage("picocli..", "org.jline..")
                .check(classes);
    }

    @Test
    void only_the_tui_uses_lanterna() {
        noClasses().that().resideOutsideOfPackage("dev.tutor.app.tui..").should().dependOnClassesThat()
                .resideInAnyPackage("com.googlecode.lanterna..")
                .check(classes);
    }

    @Test
    void runtime_and_lessons_do_not_use_the_app() {
        noClasses().that().resideInAnyPackage("dev.tutor.runtime..", "dev.tutor.lessons..").should()
                .dependOnClassesThat().resideInAPackage("dev.tutor.app..").allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void parts_of_the_app_are_free_of_cycles() {
        slices().matching("dev.tutor.app.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void the_faces_reach_saves_gradings_and_progress_writes_only_through_the_session() {
        noClasses().that().resideInAnyPackage("dev.tutor.app.cli..", "dev.tutor.app.tui..").should()
                .dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.tutor.app.workspace.watch..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.simpleName("WatchOptions"))))
                .orShould().callMethod(dev.tutor.app.progress.ProgressStore.class, "save",
                        dev.tutor.app.progress.Progress.class)
                .orShould().callMethod(dev.tutor.app.grading.Grader.class, "grade",
                        dev.tutor.app.grading.GradeRequest.class)
                .check(classes);
    }

    @Test
    void the_two_faces_do_not_know_each_other_but_for_the_start_of_the_full_screen() {
        noClasses().that().resideInAPackage("dev.tutor.app.tui..").should().dependOnClassesThat()
                .resideInAPackage("dev.tutor.app.cli..").check(classes);
    }

    @Test
    void the_text_primitives_know_nothing_of_the_tutor() {
        // Lines, spans, wrapping and Markdown are drawn from the JDK, Lanterna's character widths and commonmark
        // alone, so that every screen can use them and none of them reaches back into a screen.
        noClasses().that().resideInAPackage(TEXT).should().dependOnClassesThat(resideInAPackage("dev.tutor..")
                        .and(not(resideInAPackage(TEXT))))
                .check(classes);
    }

    @Test
    void the_demos_know_nothing_of_the_screen_state_but_the_text_they_draw_with() {
        // The demo engine runs and draws a demo from its own state; the core opens it, feeds it keys and hears
        // its reports through DemoRunner.Listener. So the core depends on the demos, never the other way round.
        noClasses().that().resideInAPackage(DEMO).should().dependOnClassesThat(resideInAPackage("dev.tutor.app..")
                        .and(not(resideInAnyPackage(DEMO, TEXT))))
                .check(classes);
    }
}
