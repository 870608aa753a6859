package dev.tutor.app.workspace;

import dev.tutor.app.course.Course;
import dev.tutor.app.course.CourseException;
import dev.tutor.app.course.CourseSource;
import dev.tutor.app.course.Exercise;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a workspace: every exercise's stub and visible tests, the IDE's project file and the bundled
 * libraries ({@code init}); and puts one stub back, keeping the learner's version ({@code reset}).
 *
 * <p>It never overwrites a file the learner may have edited: {@code init} run again only adds what is
 * missing (new exercises after an update), and {@code reset} copies the learner's file to
 * {@code .tutor/backups/} before it writes the stub.
 */
public final class WorkspaceWriter {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Course course;
    private final CourseSource source;

    public WorkspaceWriter(Course course, CourseSource source) {
        this.course = course;
        this.source = source;
    }

    /** What {@code init} did: the files it wrote, and those it left alone because they existed. */
    public record InitReport(Path root, List<Path> written, List<Path> kept) {
    }

    /** What {@code reset} did: the stub it wrote back and where the learner's version went. */
    public record ResetReport(List<Path> restored, List<Path> backups) {
    }

    public InitReport init(Workspace workspace) {
        List<Path> written = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        try {
            Files.createDirectories(workspace.sourceRoot());
            Files.createDirectories(workspace.testRoot());
            Files.createDirectories(workspace.tutorDir());
            BundledLibraries.writeRepository(workspace.tutorDir().resolve("repo"));
            writeProjectFile(workspace, pom(), written);
            // Maven offline (an IDE's offline import, `mvn -o`) refuses every remote repository, a file: one
            // included, unless the protocol is let through; the bundled repository is only a folder.
            writeIfAbsent(workspace.root().resolve(".mvn/maven.config"), "-Daether.offline.protocols=file\n", written, kept);
            writeIfAbsent(workspace.root().resolve(".gitignore"), "target/\n.tutor/repo/\n", written, kept);
            writeIfAbsent(workspace.root().resolve("README.md"), readme(), written, kept);
            // Support classes (Seeded, CompiledNest) serve several exercises: each file is one file, counted once.
            java.util.Set<String> tests = new java.util.LinkedHashSet<>();
            for (Exercise e : course.exercises()) {
                for (String file : e.files()) {
                    writeIfAbsent(workspace.learnerFile(file), required(source.stub(file), file), written, kept);
                }
                tests.addAll(e.tests());
            }
            for (String test : tests) {
                writeIfAbsent(workspace.testRoot().resolve(test), required(source.test(test), test), written, kept);
            }
        } catch (IOException e) {
            throw new CourseException("Could not write the workspace at " + workspace.root() + ": " + e.getMessage()
                    + ". Check that the folder is writable, or pick another with --workspace.", e);
        }
        return new InitReport(workspace.root(), written, kept);
    }

    /** Puts the stubs of one exercise back, after copying the learner's files to the backups folder. */
    public ResetReport reset(Workspace workspace, Exercise exercise, Instant now) {
        List<Path> restored = new ArrayList<>();
        List<Path> backups = new ArrayList<>();
        Path backupRoot = workspace.backupsDir().resolve(exercise.id() + "-" + STAMP.format(now));
        try {
            for (String file : exercise.files()) {
                Path target = workspace.learnerFile(file);
                if (Files.exists(target)) {
                    Path backup = backupRoot.resolve(file);
                    Files.createDirectories(backup.getParent());
                    Files.copy(target, backup, StandardCopyOption.REPLACE_EXISTING);
                    backups.add(backup);
                }
                Files.createDirectories(target.getParent());
                writeAtomically(target, required(source.stub(file), file));
                restored.add(target);
            }
            for (String test : exercise.tests()) {
                writeAtomically(workspace.testRoot().resolve(test), required(source.test(test), test));
            }
        } catch (IOException e) {
            throw new CourseException("Could not reset '" + exercise.id() + "' in " + workspace.root() + ": "
                    + e.getMessage(), e);
        }
        return new ResetReport(restored, backups);
    }

    /**
     * Keeps pom.xml in step with this tutor's libraries (a new runtime version after an update), keeping a
     * version the learner edited in the backups folder first.
     */
    private static void writeProjectFile(Workspace workspace, String pom, List<Path> written) throws IOException {
        Path file = workspace.root().resolve("pom.xml");
        if (Files.exists(file)) {
            if (Files.readString(file, StandardCharsets.UTF_8).equals(pom)) {
                return;
            }
            Path backup = workspace.backupsDir().resolve("pom-" + STAMP.format(Instant.now()) + ".xml");
            Files.createDirectories(backup.getParent());
            Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING);
        }
        writeAtomically(file, pom);
        written.add(file);
    }

    private static void writeIfAbsent(Path file, String text, List<Path> written, List<Path> kept) throws IOException {
        if (Files.exists(file)) {
            kept.add(file);
            return;
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        written.add(file);
    }

    /** Writes through a temporary file and a rename, so an editor never sees half a file. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tutor-tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String required(java.util.Optional<String> text, String path) {
        return text.orElseThrow(() -> new CourseException(path + " is missing from tutor.jar: rebuild it with ./tutor."));
    }

    private static String pom() {
        String dependencies = BundledLibraries.list().stream().map(lib -> """
                    <dependency>
                      <groupId>%s</groupId>
                      <artifactId>%s</artifactId>
                      <version>%s</version>%s
                    </dependency>""".formatted(lib.groupId(), lib.artifactId(), lib.version(),
                lib.scope().equals("test") ? "\n      <scope>test</scope>" : ""))
                .map(block -> block.indent(4).stripTrailing()) // inside <dependencies>, itself two deep
                .collect(Collectors.joining("\n"));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Your Concurrency Tutor workspace. Open this folder in your IDE as a Maven project.
                     The tutor grades your saves itself; `mvn test` works here too, only slower.
                     It needs a JDK 21 or newer: choose one as the project's JDK in your IDE.
                     Every library the exercises use comes from .tutor/repo inside this folder. Maven's own
                     plugins (compiler, surefire and the like) do not: the first `mvn test` or IDE import
                     fetches them from Maven Central unless your ~/.m2 has them already.
                     This file is the tutor's: `tutor init` brings it up to date after an update, and keeps
                     a copy of one you edited in .tutor/backups. -->
                <project xmlns="http://maven.apache.org/POM/4.0.0"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>dev.tutor.learner</groupId>
                  <artifactId>concurrency-tutor-workspace</artifactId>
                  <version>1</version>

                  <properties>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <maven.compiler.release>21</maven.compiler.release>
                  </properties>

                  <repositories>
                    <repository>
                      <id>tutor-bundled</id>
                      <url>${project.baseUri}.tutor/repo</url>
                    </repository>
                  </repositories>

                  <dependencies>
                %s
                  </dependencies>

                  <profiles>
                    <!-- On an older JDK, one line that says what to do instead of "release version 21 not
                         supported". -->
                    <profile>
                      <id>jdk-too-old</id>
                      <activation>
                        <jdk>(,21)</jdk>
                      </activation>
                      <build>
                        <plugins>
                          <plugin>
                            <artifactId>maven-enforcer-plugin</artifactId>
                            <version>3.5.0</version>
                            <executions>
                              <execution>
                                <id>jdk-21-or-newer</id>
                                <goals><goal>enforce</goal></goals>
                                <configuration>
                                  <rules>
                                    <requireJavaVersion>
                                      <version>[21,)</version>
                                      <message>This workspace needs a JDK 21 or newer, and Maven runs on ${java.version}: choose a JDK 21+ as the project JDK in your IDE, or point JAVA_HOME at one for mvn.</message>
                                    </requireJavaVersion>
                                  </rules>
                                </configuration>
                              </execution>
                            </executions>
                          </plugin>
                        </plugins>
                      </build>
                    </profile>
                  </profiles>

                  <build>
                    <plugins>
                      <plugin>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.14.1</version>
                      </plugin>
                      <plugin>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>3.5.0</version>
                      </plugin>
                      <plugin>
                        <artifactId>maven-surefire-plugin</artifactId>
                        <version>3.6.1</version>
                        <configuration>
                          <!-- Tests of races attach Lincheck's agent to the test JVM; this keeps it quiet. -->
                          <argLine>-XX:+EnableDynamicAgentLoading -Dlincheck.logLevel=error</argLine>
                        </configuration>
                      </plugin>
                      <plugin>
                        <artifactId>maven-jar-plugin</artifactId>
                        <version>3.5.1</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(dependencies);
    }

    private static String readme() {
        return """
                # Your Concurrency Tutor workspace

                Open this folder in your IDE (IntelliJ IDEA, VS Code with the Java extensions, or Eclipse) as a
                Maven project, with a JDK 21 or newer as its JDK (the one the tutor runs on will do; an older
                one fails to compile the exercises). The files you complete are under `src/main/java/dev/tutor/exercises/`, one
                package per lesson; their tests are under `src/test/java/` for you to read.

                Keep the tutor running beside your editor: every time you save, it compiles your file, runs the
                tests and shows the verdict. From a terminal:

                    tutor watch          grade each save
                    tutor list           every exercise and where you stand
                    tutor hint ID        the next hint for an exercise
                    tutor reset ID       put an exercise back as it was (your version is kept in .tutor/backups)

                Editing the tests here changes nothing: the tutor grades with its own copy.
                """;
    }
}
