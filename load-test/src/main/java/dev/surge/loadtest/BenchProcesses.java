package dev.surge.loadtest;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes a benchmark run starts, each a separate JVM on a free loopback port, and stops newest first,
 * by PID. Start-up is timed from just before the process is spawned to the first 200 of its
 * {@code /q/health/ready} (on the management port where the application has one), probed every
 * {@link #READY_PROBE_INTERVAL}.
 */
final class BenchProcesses implements AutoCloseable {

    /** The key the benchmark and agent-service present to the gateway; a throwaway, not a secret. */
    static final String GATEWAY_KEY = "sk-surge-bench";
    /** The key the gateway presents upstream, so that direct and proxied requests carry the same header. */
    static final String UPSTREAM_KEY = "sk-surge-bench-upstream";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration READY_PROBE_INTERVAL = Duration.ofMillis(10);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final HttpClient PROBE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private final Path root;
    private final Path logs;
    private final Deque<ManagedProcess> running = new ArrayDeque<>();
    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, Double> readyMillis = new LinkedHashMap<>();
    /** Set once stopping began (Ctrl-C may come while starting): nothing more starts. */
    private boolean closed;

    BenchProcesses(Path root, Path logs) {
        this.root = root;
        this.logs = logs;
    }

    /** llm-simulator answering at once, without limits, latency or faults. */
    URI startSimulator() throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.port", Integer.toString(port));
        config.put("surge.simulator.rpm", "0");
        config.put("surge.simulator.tpm", "0");
        config.put("surge.simulator.latency.first-token", "0");
        config.put("surge.simulator.latency.per-token", "0");
        config.put("surge.simulator.latency.jitter", "0");
        return startQuarkus("llm-simulator", List.of(), config, port, port);
    }

    /** llm-gateway in front of {@code simulator}, with {@code javaOptions} before the application's own. */
    URI startGateway(URI simulator, List<String> javaOptions) throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.port", Integer.toString(port));
        // On loopback, whatever host the JVM options (those of its manifest) name.
        config.put("quarkus.http.host", "127.0.0.1");
        config.put("quarkus.management.host", "127.0.0.1");
        config.put("surge.gateway.upstream.url", simulator.resolve("/v1").toString());
        config.put("surge.gateway.upstream.api-key", UPSTREAM_KEY);
        config.put("surge.gateway.api-keys", GATEWAY_KEY);
        int management = freePort();
        config.put("quarkus.management.port", Integer.toString(management));
        return startQuarkus("llm-gateway", javaOptions, config, port, management);
    }

    /** A Temporal test server; answers its frontend address ({@code host:port}). */
    String startTemporal() throws IOException, InterruptedException {
        int port = freePort();
        // agent-service's libraries plus the in-memory Temporal it keeps beside its package (not in it).
        Path agentApp = quarkusApp("agent-service");
        ManagedProcess temporal = launch("temporal", List.of(JAVA, "-cp",
                agentApp.resolve("lib/main") + "/*" + File.pathSeparator + agentApp.resolveSibling("embedded-temporal")
                        + "/*",
                "io.temporal.testserver.TestServer", Integer.toString(port)));
        temporal.awaitPortOpen(port, START_TIMEOUT);
        return "127.0.0.1:" + port;
    }

    /**
     * agent-service on {@code temporal}, calling {@code gateway}, verifying callers' tokens with the public half
     * of {@code signingKey} (as {@link DemoTokens#generate(Path)} wrote it). Its per-owner quotas are lifted: the
     * benchmark measures capacity, not a frontend user's allowance.
     */
    URI startAgentService(String temporal, URI gateway, Path signingKey, List<String> javaOptions)
            throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.port", Integer.toString(port));
        config.put("quarkus.temporal.connection.target", temporal);
        config.put("quarkus.rest-client.llm-gateway.url", gateway.toString());
        config.put("surge.llm.gateway-api-key", GATEWAY_KEY);
        config.put("mp.jwt.verify.publickey.location", signingKey.toUri().toString());
        config.put("mp.jwt.verify.issuer", DemoTokens.ISSUER);
        config.put("mp.jwt.verify.audiences", DemoTokens.AUDIENCE);
        config.put("surge.quotas.tasks-per-minute", "1000000");
        config.put("surge.quotas.messages-per-minute", "1000000");
        config.put("surge.quotas.open-tasks-per-owner", "1000000");
        int management = freePort();
        config.put("quarkus.management.port", Integer.toString(management));
        return startQuarkus("agent-service", javaOptions, config, port, management);
    }

    /** The PID of every process started so far, by name. */
    Map<String, Long> pids() {
        synchronized (running) {
            return new LinkedHashMap<>(pids);
        }
    }

    /** Milliseconds from spawn to ready of each Quarkus application started so far, by name. */
    Map<String, Double> readyMillis() {
        synchronized (running) {
            return new LinkedHashMap<>(readyMillis);
        }
    }

    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    private URI startQuarkus(String name, List<String> javaOptions, Map<String, String> config, int port,
            int managementPort) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(javaOptions);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", quarkusApp(name).resolve("quarkus-run.jar").toString()));
        long spawned = System.nanoTime();
        ManagedProcess process = launch(name, command);
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitReady(process, URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"));
        synchronized (running) {
            readyMillis.put(name, (System.nanoTime() - spawned) / 1e6);
        }
        return base;
    }

    private void awaitReady(ManagedProcess process, URI health) throws IOException, InterruptedException {
        HttpRequest probe = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IOException(process.name() + " exited before it was ready; log " + log(process.name())
                        + ":\n" + process.tail());
            }
            try {
                if (PROBE.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(READY_PROBE_INTERVAL.toMillis());
        }
        throw new IOException(process.name() + " was not ready within " + START_TIMEOUT.toSeconds() + " s; log "
                + log(process.name()) + ":\n" + process.tail());
    }

    private ManagedProcess launch(String name, List<String> command) throws IOException {
        synchronized (running) {
            if (closed) {
                throw new IOException("the benchmark is stopping; " + name + " was not started");
            }
            ManagedProcess process = ManagedProcess.start(name, command, log(name));
            running.push(process);
            pids.put(name, process.pid());
            return process;
        }
    }

    private Path quarkusApp(String module) {
        Path app = root.resolve(module).resolve("target/quarkus-app");
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(app + "/quarkus-run.jar is missing: build first with "
                    + "./mvnw -B package -DskipTests (./bench does)");
        }
        return app;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every process started so far, newest first, by PID; safe from a shutdown hook, and twice. */
    @Override
    public void close() {
        synchronized (running) {
            closed = true;
        }
        while (true) {
            ManagedProcess process;
            synchronized (running) {
                process = running.poll();
            }
            if (process == null) {
                return;
            }
            process.close();
            Console.info("stopped %s (pid %d)", process.name(), process.pid());
        }
    }
}
