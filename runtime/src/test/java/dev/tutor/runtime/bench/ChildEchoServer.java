package dev.tutor.runtime.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An echo server in a child process, for comparing the bundled loop with servers outside the JVM: Python
 * asyncio ({@code asyncio_echo.py}, streams or Protocol API) and the C floor ({@code epoll_echo.c}, built
 * with {@code gcc} on first use). Both sources sit beside this class. The child binds a free port on
 * 127.0.0.1 and prints it; closing its stdin ends it, so it cannot outlive the benchmark.
 */
final class ChildEchoServer implements EchoContender {

    /** How long the child may take to print its port. */
    private static final long START_SECONDS = 10;

    /** The C server built in this JVM, or null before the first {@link #cEpoll()}. */
    private static Path builtC;

    private final String name;
    private final Process process;
    private final InetSocketAddress address;

    private ChildEchoServer(String name, List<String> command) throws IOException {
        this.name = name;
        this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), readPort());
    }

    /** Python asyncio's echo server; {@code mode} is {@code streams} or {@code protocol}. */
    static ChildEchoServer asyncio(String mode) throws IOException {
        Path script = copyResource("asyncio_echo.py", ".py");
        return new ChildEchoServer("python3 asyncio_echo.py " + mode, List.of("python3", script.toString(), mode));
    }

    /** The C epoll server: one read and one write per message, the kernel's floor. */
    static ChildEchoServer cEpoll() throws IOException {
        return new ChildEchoServer("epoll_echo", List.of(buildC().toString()));
    }

    /** Whether {@link #cEpoll()} can work here: is there a {@code gcc} that builds the source? */
    static boolean canBuildC() {
        try {
            buildC();
            return true;
        } catch (IOException e) {
            System.out.println("(no C floor in this run: " + e.getMessage() + ")");
            return false;
        }
    }

    private static synchronized Path buildC() throws IOException {
        if (builtC != null) return builtC;
        Path source = copyResource("epoll_echo.c", ".c");
        Path binary = Files.createTempFile("epoll_echo", "");
        binary.toFile().deleteOnExit();
        try {
            Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true).start();
            String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new IOException("gcc could not build epoll_echo.c: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building epoll_echo.c", e);
        }
        builtC = binary;
        return binary;
    }

    private static Path copyResource(String resource, String suffix) throws IOException {
        Path copy = Files.createTempFile(resource.substring(0, resource.indexOf('.')), suffix);
        copy.toFile().deleteOnExit();
        try (InputStream in = ChildEchoServer.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException(resource + " is missing from the test classpath");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    private int readPort() throws IOException {
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var firstLine = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                return null;
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
        String line;
        try {
            line = firstLine.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            line = "nothing within " + START_SECONDS + " s";
        }
        if (line == null || !line.startsWith("PORT ")) {
            close();
            throw new IOException(name + " did not print its port (got: " + line + ")");
        }
        return Integer.parseInt(line.substring(5).trim());
    }

    /** Returns the CPU time the child has used so far (Linux counts it in 10 ms ticks). */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /** Returns the child's resident set size in kB, from {@code /proc/<pid>/status}. */
    long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IOException("No VmRSS for process " + process.pid());
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }


    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // EOF on stdin: the server returns from main
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
    }
}
