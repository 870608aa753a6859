package dev.tutor.runtime.bench;

import dev.tutor.runtime.net.LoopbackServer;
import dev.tutor.runtime.net.ServerKind;
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
import java.util.concurrent.TimeUnit;

/**
 * A Python asyncio echo server ({@code asyncio_echo.py} beside this class) in a {@code python3} child
 * process: the streams API or the Protocol API. It binds a free port on 127.0.0.1 and prints it; closing
 * its stdin ends it, so it cannot outlive the benchmark.
 */
final class PythonEchoServer implements LoopbackServer {

    /** How long the child may take to print its port. */
    private static final long START_SECONDS = 10;

    private final Process process;
    private final InetSocketAddress address;

    PythonEchoServer(String mode) throws IOException {
        Path script = Files.createTempFile("asyncio_echo", ".py");
        try (InputStream in = PythonEchoServer.class.getResourceAsStream("asyncio_echo.py")) {
            if (in == null) throw new IOException("asyncio_echo.py is missing from the test classpath");
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        script.toFile().deleteOnExit();
        process = new ProcessBuilder("python3", script.toString(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), readPort());
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
            throw new IOException("python3 asyncio_echo.py did not print its port (got: " + line + ")");
        }
        return Integer.parseInt(line.substring(5).trim());
    }

    /** Returns the CPU time the child has used so far (Linux counts it in 10 ms ticks). */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public ServerKind kind() {
        return ServerKind.ECHO;
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
