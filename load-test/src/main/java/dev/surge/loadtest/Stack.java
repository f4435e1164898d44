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
 * server, one llm-simulator per provider deployment, llm-gateway and agent-service, started in
 * dependency order and stopped in reverse, by PID.
 */
final class Stack implements AutoCloseable {

    /** The key agent-service presents to the gateway in the demo; a throwaway, not a secret. */
    static final String DEMO_GATEWAY_KEY = "sk-surge-demo";
    /** The model agent-service's default agent asks for, and the gateway routes to the simulators. */
    static final String MODEL = "gpt-4o-mini";
    private static final String UPSTREAM_PREFIX = "surge.gateway.upstream.";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final Deque<ManagedProcess> processes = new ArrayDeque<>();
    /** Set once stopping began (an interrupt may stop the stack while it is starting): nothing more starts. */
    private boolean closed;
    private final int temporalPort = freePort();
    private final List<Integer> simulatorPorts;
    private final int gatewayPort = freePort();
    private final int gatewayManagementPort = freePort();
    private final int agentPort = freePort();
    private final int agentManagementPort = freePort();

    /** A stack whose provider has one deployment. */
    Stack() {
        this(1);
    }

    /** A stack whose provider has {@code deployments} deployments, one simulator each. */
    Stack(int deployments) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < deployments; i++) {
            ports.add(freePort());
        }
        this.simulatorPorts = List.copyOf(ports);
    }

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

            for (int i = 0; i < simulatorPorts.size(); i++) {
                Map<String, String> simulatorConfig = new LinkedHashMap<>(simulator.asConfig());
                simulatorConfig.put("quarkus.http.port", Integer.toString(simulatorPorts.get(i)));
                String name = simulatorPorts.size() == 1 ? "llm-simulator" : "llm-simulator-" + (i + 1);
                launchQuarkus(name, quarkusApp(root, "llm-simulator"), simulatorConfig, logs)
                        .awaitHttpReady(url(simulatorPorts.get(i), "/q/health/ready"), START_TIMEOUT);
            }

            Map<String, String> gatewayConfig = deployments(profile.gatewayOverrides());
            gatewayConfig.put("quarkus.http.port", Integer.toString(gatewayPort));
            gatewayConfig.put("quarkus.management.port", Integer.toString(gatewayManagementPort));
            gatewayConfig.put("surge.gateway.api-keys", DEMO_GATEWAY_KEY);
            launchQuarkus("llm-gateway", quarkusApp(root, "llm-gateway"), gatewayConfig, logs)
                    .awaitHttpReady(url(gatewayManagementPort, "/q/health/ready"), START_TIMEOUT);

            Map<String, String> agentConfig = new LinkedHashMap<>(profile.agentServiceOverrides());
            agentConfig.put("quarkus.http.port", Integer.toString(agentPort));
            agentConfig.put("surge.agents.default.model", MODEL);
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

    /** The first (or only) simulator. */
    String simulatorUrl() {
        return url(simulatorPorts.get(0), "");
    }

    /** Every simulator, one per provider deployment. */
    List<String> simulatorUrls() {
        return simulatorPorts.stream().map(port -> url(port, "")).toList();
    }

    /**
     * The gateway's upstream configuration with the profile's overrides: the single-upstream keys for one
     * simulator; for several, one deployment each ({@code provider-1}, ...) serving {@link #MODEL}, with the
     * profile's {@code upstream.*} overrides applied to every one of them.
     */
    private Map<String, String> deployments(Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        if (simulatorPorts.size() == 1) {
            config.putAll(overrides);
            config.put(UPSTREAM_PREFIX + "url", url(simulatorPorts.get(0), "/v1"));
            return config;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < simulatorPorts.size(); i++) {
            String prefix = "surge.gateway.deployments.provider-" + (i + 1) + ".";
            names.add("provider-" + (i + 1));
            config.put(prefix + "url", url(simulatorPorts.get(i), "/v1"));
            overrides.forEach((key, value) -> {
                if (key.startsWith(UPSTREAM_PREFIX)) {
                    config.put(prefix + key.substring(UPSTREAM_PREFIX.length()), value);
                }
            });
        }
        overrides.forEach((key, value) -> {
            if (!key.startsWith(UPSTREAM_PREFIX)) {
                config.put(key, value);
            }
        });
        config.put("surge.gateway.models." + MODEL + ".deployments", String.join(",", names));
        return config;
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
