package dev.surge.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One process the launcher started: its PID, its log, and a stop that ends it and its children
 * by PID, politely first (SIGTERM, so Quarkus shuts down cleanly), then forcibly.
 */
final class ManagedProcess implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(15);
    private static final Duration PORT_PROBE_INTERVAL = Duration.ofMillis(250);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code directory} (null: this process's) with its output going to {@code log}. */
    static ManagedProcess start(String name, List<String> command, Path directory, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory == null ? null : directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return started(name, builder.start(), log);
    }

    /**
     * Starts {@code command} with its output copied to {@code log} line by line, each line also
     * handed to {@code lines} (for progress shown while it runs).
     */
    static ManagedProcess startPiped(String name, List<String> command, Path log, Consumer<String> lines)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        Thread copier = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
                    BufferedWriter writer = Files.newBufferedWriter(log, UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    writer.write(line);
                    writer.newLine();
                    lines.accept(line);
                }
            } catch (IOException e) {
                // The process ended or its log became unwritable; its exit code still tells.
            }
        }, name + "-output");
        copier.setDaemon(true);
        copier.start();
        return started(name, process, log);
    }

    private static ManagedProcess started(String name, Process process, Path log) {
        ManagedProcess started = new ManagedProcess(name, process, log);
        Console.info("started %s (pid %d), log %s", name, started.pid(), log);
        return started;
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    /** Waits until {@code url} answers 200, probing every {@code interval}, failing early when the process dies. */
    void awaitHttpReady(URI url, Duration timeout, Duration interval) throws IOException, InterruptedException {
        HttpRequest probe = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
        awaitReady(timeout, interval, () -> {
            try {
                return HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Waits until the port accepts TCP connections, failing early when the process dies. */
    void awaitPortOpen(int port, Duration timeout) throws IOException, InterruptedException {
        awaitReady(timeout, PORT_PROBE_INTERVAL, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private interface Probe {
        boolean ready() throws InterruptedException;
    }

    private void awaitReady(Duration timeout, Duration interval, Probe probe) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before it was ready; "
                        + tail());
            }
            if (probe.ready()) {
                return;
            }
            Thread.sleep(interval.toMillis());
        }
        throw new IOException(name + " was not ready within " + timeout.toSeconds() + " s; " + tail());
    }

    /** Waits for the process to end by itself and returns its exit code. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            return -1;
        }
        return process.exitValue();
    }

    /** The last lines of its log, with the log's path. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "log " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Whether the process is still running. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the process at once, as a vanished node would (SIGKILL), and waits until it is gone. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
    }

    /**
     * Asks the process to stop, as Kubernetes does on a rolling restart (SIGTERM), and waits up to {@code timeout}
     * for it to exit by itself; after that it is killed. Answers its exit code, or -1 when it had to be killed.
     */
    int terminate(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        kill();
        return -1;
    }

    @Override
    public void close() {
        ProcessHandle handle = process.toHandle();
        List<ProcessHandle> children = handle.descendants().toList();
        if (handle.isAlive()) {
            handle.destroy();
            try {
                handle.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
