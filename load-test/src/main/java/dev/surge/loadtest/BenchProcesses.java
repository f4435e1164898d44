package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes a benchmark run starts, through the shared {@link SurgeProcesses} launcher (which times each
 * start-up to its first ready answer), with the benchmark's settings: a simulator without limits, latency or
 * faults, and an agent-service whose per-owner quotas are lifted.
 */
final class BenchProcesses implements AutoCloseable {

    /** The key the benchmark and agent-service present to the gateway; a throwaway, not a secret. */
    static final String GATEWAY_KEY = "sk-surge-bench";
    /** The key the gateway presents upstream, so that direct and proxied requests carry the same header. */
    static final String UPSTREAM_KEY = "sk-surge-bench-upstream";

    private final SurgeProcesses processes;
    private SurgeProcesses.Service simulator;

    BenchProcesses(Path root, Path logs) {
        this.processes = new SurgeProcesses(root, logs, GATEWAY_KEY);
    }

    /** llm-simulator answering at once, without limits, latency or faults. */
    URI startSimulator() throws IOException, InterruptedException {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("surge.simulator.rpm", "0");
        config.put("surge.simulator.tpm", "0");
        config.put("surge.simulator.latency.first-token", "0");
        config.put("surge.simulator.latency.per-token", "0");
        config.put("surge.simulator.latency.jitter", "0");
        simulator = processes.startSimulator("llm-simulator", config, List.of());
        return simulator.url();
    }

    /** llm-gateway in front of the simulator, with {@code javaOptions} before the application's own. */
    URI startGateway(List<String> javaOptions) throws IOException, InterruptedException {
        Map<String, String> config = new LinkedHashMap<>();
        // On loopback, whatever host the JVM options (those of its manifest) name.
        config.put("quarkus.http.host", "127.0.0.1");
        config.put("quarkus.management.host", "127.0.0.1");
        config.put("surge.gateway.upstream.api-key", UPSTREAM_KEY);
        return processes.startGateway(BenchReport.GATEWAY, simulator, config, javaOptions).url();
    }

    /**
     * The bare proxy ({@link BenchBareProxy}) in front of the simulator, with the gateway's {@code javaOptions} and
     * the upstream key the gateway presents.
     */
    URI startBareProxy(List<String> javaOptions) throws IOException, InterruptedException {
        return processes.startBareProxy(BenchReport.BARE_PROXY, simulator.url().resolve("/v1"), UPSTREAM_KEY,
                javaOptions);
    }

    /** A Temporal test server; answers its frontend address ({@code host:port}). */
    String startTemporal() throws IOException, InterruptedException {
        return processes.startTemporal();
    }

    /**
     * agent-service on {@code temporal}, calling {@code gateway}, verifying callers' tokens with the public half
     * of {@code signingKey}. Its per-owner quotas are lifted: the benchmark measures capacity, not a frontend
     * user's allowance.
     */
    URI startAgentService(String temporal, URI gateway, Path signingKey, List<String> javaOptions)
            throws IOException, InterruptedException {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("surge.quotas.tasks-per-minute", "1000000");
        config.put("surge.quotas.messages-per-minute", "1000000");
        config.put("surge.quotas.open-tasks-per-owner", "1000000");
        return processes.startAgentService("agent-service", temporal, List.of(gateway), signingKey, config,
                javaOptions).url();
    }

    /** The PID of every process started so far, by name. */
    Map<String, Long> pids() {
        return processes.pids();
    }

    /** Milliseconds from spawn to ready of each Quarkus application started so far, by name. */
    Map<String, Double> readyMillis() {
        return processes.readyMillis();
    }

    @Override
    public void close() {
        processes.close();
    }
}
