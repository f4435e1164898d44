package dev.surge.loadtest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fresh Surge stack on loopback for the demo, each part a separate process on a free port started by the
 * shared {@link SurgeProcesses} launcher: a Temporal test server, one llm-simulator per provider deployment,
 * llm-gateway and agent-service, started in dependency order and stopped in reverse, by PID.
 */
final class Stack implements AutoCloseable {

    /** The key agent-service presents to the gateway in the demo; a throwaway, not a secret. */
    static final String DEMO_GATEWAY_KEY = "sk-surge-demo";
    /** The model agent-service's default agent asks for, and the gateway routes to the simulators. */
    static final String MODEL = "gpt-4o-mini";
    private static final String UPSTREAM_PREFIX = "surge.gateway.upstream.";
    private static final List<String> JAVA_OPTIONS = List.of("-Xmx1g", "-XX:+UseParallelGC");

    private final int deployments;
    private final List<SurgeProcesses.Service> simulators = new ArrayList<>();
    private SurgeProcesses processes;
    private SurgeProcesses.Service agentService;
    /** Set once stopping began (an interrupt may stop the stack while it is starting): nothing more starts. */
    private boolean closed;

    /** A stack whose provider has one deployment. */
    Stack() {
        this(1);
    }

    /** A stack whose provider has {@code deployments} deployments, one simulator each. */
    Stack(int deployments) {
        this.deployments = deployments;
    }

    /**
     * Starts every part for {@code profile}, in order; on any failure stops what already started. A
     * stack that is only half started is still stopped completely by {@link #close()}, so an
     * interrupt during start-up leaves nothing behind.
     */
    void start(Path root, Profile profile, SimulatorSettings simulator, Path logs)
            throws IOException, InterruptedException {
        synchronized (this) {
            if (closed) {
                throw new IOException("the stack is stopping; it was not started");
            }
            processes = new SurgeProcesses(root, logs, DEMO_GATEWAY_KEY);
        }
        try {
            String temporal = processes.startTemporal();
            for (int i = 0; i < deployments; i++) {
                String name = deployments == 1 ? "llm-simulator" : "llm-simulator-" + (i + 1);
                simulators.add(processes.startSimulator(name, simulator.asConfig(), JAVA_OPTIONS));
            }
            SurgeProcesses.Service gateway = deployments == 1
                    ? processes.startGateway("llm-gateway", simulators.get(0), profile.gatewayOverrides(), JAVA_OPTIONS)
                    : processes.startGateway("llm-gateway", deployments(profile.gatewayOverrides()), JAVA_OPTIONS);
            Map<String, String> agentConfig = new LinkedHashMap<>(profile.agentServiceOverrides());
            agentConfig.put("surge.agents.default.model", MODEL);
            // The users' tokens are signed with this run's key (DemoTokens); agent-service verifies them.
            agentService = processes.startAgentService("agent-service", temporal, List.of(gateway.url()),
                    DemoTokens.generate(logs), agentConfig, JAVA_OPTIONS);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String agentServiceUrl() {
        return agentService.url().toString();
    }

    /** The first (or only) simulator. */
    String simulatorUrl() {
        return simulators.get(0).url().toString();
    }

    /** Every simulator, one per provider deployment. */
    List<String> simulatorUrls() {
        return simulators.stream().map(s -> s.url().toString()).toList();
    }

    /**
     * The gateway's configuration for several simulators: one deployment each ({@code provider-1}, ...) serving
     * {@link #MODEL}, with the profile's {@code upstream.*} overrides applied to every one of them.
     */
    private Map<String, String> deployments(Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < simulators.size(); i++) {
            String prefix = "surge.gateway.deployments.provider-" + (i + 1) + ".";
            names.add("provider-" + (i + 1));
            config.put(prefix + "url", simulators.get(i).url().resolve("/v1").toString());
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

    /** Stops every process started so far, newest first; safe to call from a shutdown hook, and twice. */
    @Override
    public void close() {
        SurgeProcesses started;
        synchronized (this) {
            closed = true;
            started = processes;
        }
        if (started != null) {
            started.close();
        }
    }
}
