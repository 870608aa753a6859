package dev.tutor.app.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutor.app.course.ClasspathCourseSource;
import dev.tutor.app.course.Course;
import dev.tutor.app.course.Exercise;
import dev.tutor.app.course.ManifestLoader;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** init writes a workspace an IDE opens and never overwrites the learner; reset keeps a backup. */
class WorkspaceWriterTest {
    private final ClasspathCourseSource source = new ClasspathCourseSource();
    private final Course course = ManifestLoader.load(source);
    private final WorkspaceWriter writer = new WorkspaceWriter(course, source);

    @Test
    void initWritesEveryStubAndTestAtTheSamePackagePath(@TempDir Path dir) {
        Workspace workspace = new Workspace(dir);
        writer.init(workspace);
        assertThat(workspace.exists()).isTrue();
        for (Exercise e : course.exercises()) {
            for (String file : e.files()) {
                assertThat(workspace.read(file)).as(file).isEqualTo(source.stub(file));
            }
            for (String test : e.tests()) {
                assertThat(workspace.testRoot().resolve(test)).exists();
            }
        }
        assertThat(dir.resolve("pom.xml")).content().contains("<url>${project.baseUri}.tutor/repo</url>");
        assertThat(dir.resolve(".tutor/repo/org/junit/jupiter/junit-jupiter-api")).isDirectory();
        assertThat(dir.resolve(".tutor/repo/dev/tutor/tutor-runtime")).isDirectory();
    }

    @Test
    void aSecondInitOfTheSameTutorWritesNothingAndCountsRight(@TempDir Path dir) throws Exception {
        Workspace workspace = new Workspace(dir);
        WorkspaceWriter.InitReport first = writer.init(workspace);
        assertThat(first.kept()).as("a new folder has nothing of the learner's to keep").isEmpty();
        assertThat(first.written()).doesNotHaveDuplicates();
        String pom = Files.readString(dir.resolve("pom.xml"));
        WorkspaceWriter.InitReport second = writer.init(workspace);
        assertThat(second.written()).as("the same tutor.jar rewrites nothing").isEmpty();
        assertThat(second.kept()).hasSize(first.written().size() - 1); // all but pom.xml, which is kept in step
        assertThat(Files.readString(dir.resolve("pom.xml"))).isEqualTo(pom);
        assertThat(dir.resolve(".tutor/backups")).doesNotExist();
    }

    @Test
    void theBundledRuntimeJarIsUndatedSoItsHashDependsOnItsClassesAlone(@TempDir Path dir) throws Exception {
        writer.init(new Workspace(dir));
        Path jar;
        try (var files = Files.walk(dir.resolve(".tutor/repo/dev/tutor/tutor-runtime"))) {
            jar = files.filter(f -> f.toString().endsWith(".jar") && !f.toString().endsWith("-sources.jar"))
                    .findFirst().orElseThrow();
        }
        long undated = new java.util.zip.ZipEntry("x") {{ setTime(0); }}.getTime();
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            assertThat(file.stream().filter(e -> e.getTime() != undated).map(java.util.zip.ZipEntry::getName))
                    .as("entries dated by the clock (the manifest once was, and the hash changed on each init)")
                    .isEmpty();
        }
    }

    @Test
    void initNeverOverwritesTheLearnersFile(@TempDir Path dir) throws Exception {
        Workspace workspace = new Workspace(dir);
        writer.init(workspace);
        String file = course.exercises().get(0).files().get(0);
        Files.writeString(workspace.learnerFile(file), "// my work");
        WorkspaceWriter.InitReport again = writer.init(workspace);
        assertThat(workspace.read(file)).contains("// my work");
        assertThat(again.written()).isEmpty();
        assertThat(again.kept()).contains(workspace.learnerFile(file));
    }

    @Test
    void initBringsAnEditedProjectFileUpToDateAndKeepsTheEditedOne(@TempDir Path dir) throws Exception {
        Workspace workspace = new Workspace(dir);
        writer.init(workspace);
        String pom = Files.readString(dir.resolve("pom.xml"));
        Files.writeString(dir.resolve("pom.xml"), pom.replace("<version>1</version>", "<version>2</version>"));

        writer.init(workspace);

        assertThat(dir.resolve("pom.xml")).hasContent(pom);
        try (var backups = Files.list(workspace.backupsDir())) {
            assertThat(backups.toList()).singleElement()
                    .satisfies(backup -> assertThat(backup).content().contains("<version>2</version>"));
        }
    }

    @Test
    void runtimeVersionNamesItsContentSoAnUpdatedTutorNeverMeetsAStaleCopy(@TempDir Path dir) throws Exception {
        writer.init(new Workspace(dir));
        try (var versions = Files.list(dir.resolve(".tutor/repo/dev/tutor/tutor-runtime"))) {
            String version = versions.toList().get(0).getFileName().toString();
            assertThat(version).matches("\\d+\\.\\d+\\.\\d+-[0-9a-f]{8}");
            assertThat(dir.resolve("pom.xml")).content().contains("<version>" + version + "</version>");
        }
    }

    @Test
    void resetRestoresTheStubAndKeepsTheLearnersVersion(@TempDir Path dir) throws Exception {
        Workspace workspace = new Workspace(dir);
        writer.init(workspace);
        Exercise exercise = course.exercises().get(0);
        String file = exercise.files().get(0);
        Files.writeString(workspace.learnerFile(file), "// my work");
        WorkspaceWriter.ResetReport report = writer.reset(workspace, exercise, Instant.parse("2026-11-25T10:00:00Z"));
        assertThat(workspace.read(file)).isEqualTo(source.stub(file));
        assertThat(report.backups()).singleElement().satisfies(backup -> {
            assertThat(backup).startsWith(workspace.backupsDir());
            assertThat(backup.toString()).contains(exercise.id() + "-20261125T100000");
            assertThat(Files.readString(backup)).isEqualTo("// my work");
        });
    }

    /** What an IDE's Maven import does: resolve every dependency offline and compile stubs and tests. */
    @Test
    @Timeout(180)
    void workspaceCompilesWithItsOwnOfflineMavenBuild(@TempDir Path dir) throws Exception {
        Path mvn = findOnPath("mvn");
        assumeTrue(mvn != null, "mvn is not on the PATH");
        Workspace workspace = new Workspace(dir);
        writer.init(workspace);
        Process build = new ProcessBuilder(List.of(mvn.toString(), "-o", "-q", "-B", "test-compile"))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(build.getInputStream().readAllBytes());
        assertThat(build.waitFor(170, TimeUnit.SECONDS)).isTrue();
        assertThat(build.exitValue()).as(output).isZero();
        for (Exercise e : course.exercises()) {
            String testClass = e.tests().get(0).replace(".java", ".class");
            assertThat(dir.resolve("target/test-classes").resolve(testClass)).exists();
        }
    }

    private static Path findOnPath(String command) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
