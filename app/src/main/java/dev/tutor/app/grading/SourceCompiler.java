package dev.tutor.app.grading;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles an attempt (the learner's sources and the tutor's pristine tests) inside the tutor's own JVM,
 * which is some twenty times faster than starting {@code javac} once warm.
 *
 * <p>Annotation processing is off ({@code -proc:none}), so no learner code runs in the tutor. One compiler
 * and one file manager are kept; calls are serialised because the file manager is not thread-safe.
 */
public final class SourceCompiler {
    static final String NO_COMPILER = "This Java (%s) has no compiler: it is a runtime (JRE), not a JDK."
            + " Install a JDK 21 or newer and start the tutor with it (./tutor finds one).";
    private final JavaCompiler compiler;
    private final StandardJavaFileManager fileManager;
    private final List<String> classPath;

    /**
     * @throws GradingException when this Java is a runtime without a compiler
     */
    public SourceCompiler(List<String> classPath) {
        this.compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new GradingException(NO_COMPILER.formatted(System.getProperty("java.home")));
        }
        this.fileManager = compiler.getStandardFileManager(null, Locale.ENGLISH, java.nio.charset.StandardCharsets.UTF_8);
        this.classPath = List.copyOf(classPath);
    }

    /**
     * Compiles the given sources into {@code outputDir}.
     *
     * @param learnerSources learner files by source path ({@code dev/tutor/.../Foo.java}) and text
     * @param testSources    test files by source path and text
     * @return the errors, learner files first; empty when it compiled
     */
    public List<CompileError> compile(Map<String, String> learnerSources, Map<String, String> testSources,
                                      Path outputDir) {
        return compile(learnerSources, testSources, outputDir, null);
    }

    /**
     * Compiles the given sources into {@code outputDir}, then moves the classes made from the test sources
     * into {@code testOutputDir} (when not null), so they can be kept and reused while only the learner's
     * files change.
     */
    public synchronized List<CompileError> compile(Map<String, String> learnerSources, Map<String, String> testSources,
                                                   Path outputDir, Path testOutputDir) {
        List<JavaFileObject> units = new ArrayList<>();
        learnerSources.forEach((path, text) -> units.add(new Source(path, text, false)));
        testSources.forEach((path, text) -> units.add(new Source(path, text, true)));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try {
            fileManager.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(outputDir));
            fileManager.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath.stream().map(Path::of).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not set up the compiler's folders: " + e.getMessage(), e);
        }
        List<String> options = List.of("-proc:none", "-g", "-nowarn", "-encoding", "UTF-8", "-implicit:none",
                "-Xlint:none", "--release", "21");
        StringWriter compilerOutput = new StringWriter();
        TestOutputs outputs = new TestOutputs(fileManager);
        boolean ok = compiler.getTask(compilerOutput, outputs, diagnostics, options, null, units).call();
        if (ok && testOutputDir != null) {
            outputs.moveTestClasses(outputDir, testOutputDir);
        }
        List<CompileError> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(toError(d));
            }
        }
        if (!ok && errors.isEmpty()) {
            errors.add(new CompileError("javac", 0, 0, compilerOutput.toString().strip(), "", false));
        }
        errors.sort((a, b) -> Boolean.compare(a.inTest(), b.inTest()));
        return errors;
    }

    private static CompileError toError(Diagnostic<? extends JavaFileObject> d) {
        String file = "javac";
        String sourceLine = "";
        boolean inTest = false;
        if (d.getSource() instanceof Source source) {
            file = source.fileName();
            inTest = source.test;
            sourceLine = source.line(d.getLineNumber());
        }
        long line = Math.max(0, d.getLineNumber());
        long column = Math.max(0, d.getColumnNumber());
        return new CompileError(file, line, column, d.getMessage(Locale.ENGLISH), sourceLine, inTest);
    }

    /** Notes which class files the test sources produced, so they can be set apart after compiling. */
    private static final class TestOutputs extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final List<String> testClasses = new ArrayList<>();

        TestOutputs(StandardJavaFileManager delegate) {
            super(delegate);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) throws IOException {
            if (sibling instanceof Source source && source.test) {
                testClasses.add(className);
            }
            return super.getJavaFileForOutput(location, className, kind, sibling);
        }

        void moveTestClasses(Path from, Path to) {
            try {
                for (String className : testClasses) {
                    String file = className.replace('.', '/') + ".class";
                    Path target = to.resolve(file);
                    Files.createDirectories(target.getParent());
                    Files.move(from.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not keep the compiled tests: " + e.getMessage(), e);
            }
        }
    }

    /** A source held in memory: the tutor never writes its pristine tests where the learner could edit them. */
    private static final class Source extends SimpleJavaFileObject {
        private final String path;
        private final String text;
        private final boolean test;

        Source(String path, String text, boolean test) {
            super(URI.create("string:///" + path), Kind.SOURCE);
            this.path = path;
            this.text = text;
            this.test = test;
        }

        String fileName() {
            return path.substring(path.lastIndexOf('/') + 1);
        }

        String line(long number) {
            if (number < 1) {
                return "";
            }
            String[] lines = text.split("\r?\n", -1);
            return number <= lines.length ? lines[(int) number - 1] : "";
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }
}
