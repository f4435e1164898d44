package dev.surge.loadtest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh Surge stack on loopback for the demo, each part a separate process on a free port started by the
 * shared {@link SurgeProcesses} launcher: a Temporal test server, one llm-simulator per provider deployment,
 * llm-gateway and agent-service, started in dependency order and stopped in reverse, by PID.
 */
final class Stack implements AutoCloseable {

    /** The key agent-service presents to the gateway in the demo; a throwaway, not a secret. */
    static final String DEMO_GATEWAY_KEY = "sk-surge-demo";

    private static final List<String> JAVA_OPTIONS = List.of("-Xmx1g", "-XX:+UseParallelGC");

    private final SurgeProcesses processes;
    private final List<SurgeProcesses.Service> simulators = new ArrayList<>();
    private SurgeProcesses.Service agentService;

    Stack(Path root, Path logs) {
        this.processes = new SurgeProcesses(root, logs, DEMO_GATEWAY_KEY);
    }

    /**
     * Starts every part for {@code profile}, in order; on any failure stops what already started. A
     * stack that is only half started is still stopped completely by {@link #close()}, so an
     * interrupt during start-up leaves nothing behind.
     */
    void start(Profile profile, SimulatorSettings simulatorSettings, Path logs) throws IOException, InterruptedException {
        try {
            String temporal = processes.startTemporal();
            int deployments = simulatorSettings.deployments();
            for (int i = 1; i <= deployments; i++) {
                simulators.add(processes.startSimulator(deployments == 1 ? "llm-simulator" : "llm-simulator-" + i,
                        simulatorSettings.asConfig(), JAVA_OPTIONS));
            }
            SurgeProcesses.Service gateway = processes.startGateway("llm-gateway",
                    simulators.stream().map(SurgeProcesses.Service::url).toList(), profile.gatewayOverrides(),
                    JAVA_OPTIONS);
            // The users' tokens are signed with this run's key (DemoTokens); agent-service verifies them.
            agentService = processes.startAgentService("agent-service", temporal, List.of(gateway.url()),
                    DemoTokens.generate(logs), profile.agentServiceOverrides(), JAVA_OPTIONS);
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
        return simulators.stream().map(simulator -> simulator.url().toString()).toList();
    }

    /** Stops every process started so far, newest first; safe to call from a shutdown hook, and twice. */
    @Override
    public void close() {
        processes.close();
    }
}
