package dev.surge.loadtest;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
 * A fresh Surge stack on loopback, each part a separate process on a free port: a Temporal test
 * server, llm-simulator, llm-gateway and agent-service, started in dependency order and stopped
 * in reverse, by PID.
 */
final class Stack implements AutoCloseable {

    /** The key agent-service presents to the gateway in the demo; a throwaway, not a secret. */
    static final String DEMO_GATEWAY_KEY = "sk-surge-demo";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final Deque<ManagedProcess> processes = new ArrayDeque<>();
    /** Set once stopping began (an interrupt may stop the stack while it is starting): nothing more starts. */
    private boolean closed;
    private final int temporalPort = freePort();
    private final int simulatorPort = freePort();
    private final int gatewayPort = freePort();
    private final int gatewayManagementPort = freePort();
    private final int agentPort = freePort();
    private final int agentManagementPort = freePort();

    /**
     * Starts every part for {@code profile}, in order; on any failure stops what already started. A
     * stack that is only half started is still stopped completely by {@link #close()}, so an
     * interrupt during start-up leaves nothing behind.
     */
    void start(Path root, Profile profile, SimulatorSettings simulator, Path logs)
            throws IOException, InterruptedException {
        try {
            Path agentApp = quarkusApp(root, "agent-service");
            // agent-service's libraries plus the in-memory Temporal it keeps beside its package (not in it).
            ManagedProcess temporal = launch("temporal", List.of(JAVA, "-Xmx1g",
                    "-cp", agentApp.resolve("lib/main") + "/*" + File.pathSeparator
                            + agentApp.resolveSibling("embedded-temporal") + "/*",
                    "io.temporal.testserver.TestServer", Integer.toString(temporalPort)), logs);
            temporal.awaitPortOpen(temporalPort, START_TIMEOUT);

            Map<String, String> simulatorConfig = new LinkedHashMap<>(simulator.asConfig());
            simulatorConfig.put("quarkus.http.port", Integer.toString(simulatorPort));
            launchQuarkus("llm-simulator", quarkusApp(root, "llm-simulator"), simulatorConfig, logs)
                    .awaitHttpReady(url(simulatorPort, "/q/health/ready"), START_TIMEOUT);

            Map<String, String> gatewayConfig = new LinkedHashMap<>(profile.gatewayOverrides());
            gatewayConfig.put("quarkus.http.port", Integer.toString(gatewayPort));
            gatewayConfig.put("surge.gateway.upstream.url", url(simulatorPort, "/v1"));
            gatewayConfig.put("quarkus.management.port", Integer.toString(gatewayManagementPort));
            gatewayConfig.put("surge.gateway.api-keys", DEMO_GATEWAY_KEY);
            launchQuarkus("llm-gateway", quarkusApp(root, "llm-gateway"), gatewayConfig, logs)
                    .awaitHttpReady(url(gatewayManagementPort, "/q/health/ready"), START_TIMEOUT);

            Map<String, String> agentConfig = new LinkedHashMap<>(profile.agentServiceOverrides());
            agentConfig.put("quarkus.http.port", Integer.toString(agentPort));
            agentConfig.put("quarkus.temporal.connection.target", "127.0.0.1:" + temporalPort);
            agentConfig.put("quarkus.rest-client.llm-gateway.url", url(gatewayPort, ""));
            agentConfig.put("quarkus.management.port", Integer.toString(agentManagementPort));
            agentConfig.put("surge.llm.gateway-api-key", DEMO_GATEWAY_KEY);
            // The users' tokens are signed with this run's key (DemoTokens); agent-service verifies them.
            agentConfig.put("mp.jwt.verify.publickey.location", DemoTokens.generate(logs).toUri().toString());
            agentConfig.put("mp.jwt.verify.issuer", DemoTokens.ISSUER);
            agentConfig.put("mp.jwt.verify.audiences", DemoTokens.AUDIENCE);
            launchQuarkus("agent-service", agentApp, agentConfig, logs)
                    .awaitHttpReady(url(agentManagementPort, "/q/health/ready"), START_TIMEOUT);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String agentServiceUrl() {
        return url(agentPort, "");
    }

    String simulatorUrl() {
        return url(simulatorPort, "");
    }

    private ManagedProcess launchQuarkus(String name, Path app, Map<String, String> config, Path logs)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-Xmx1g", "-XX:+UseParallelGC"));
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", app.resolve("quarkus-run.jar").toString()));
        return launch(name, command, logs);
    }

    private ManagedProcess launch(String name, List<String> command, Path logs) throws IOException {
        synchronized (processes) {
            if (closed) {
                throw new IOException("the stack is stopping; " + name + " was not started");
            }
            ManagedProcess process = ManagedProcess.start(name, command, logs.resolve(name + ".log"));
            processes.push(process);
            return process;
        }
    }

    private static Path quarkusApp(Path root, String module) {
        Path app = root.resolve(module).resolve("target/quarkus-app");
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(app + "/quarkus-run.jar is missing: build first with "
                    + "./mvnw -B package -DskipTests (./demo does)");
        }
        return app;
    }

    private static String url(int port, String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every process started so far, newest first; safe to call from a shutdown hook, and twice. */
    @Override
    public void close() {
        synchronized (processes) {
            closed = true;
        }
        while (true) {
            ManagedProcess process;
            synchronized (processes) {
                process = processes.poll();
            }
            if (process == null) {
                return;
            }
            process.close();
            Console.info("stopped %s (pid %d)", process.name(), process.pid());
        }
    }
}
