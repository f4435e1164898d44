package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The stack of the runs that stop processes (the chaos run, the tests): a standalone Temporal test server,
 * llm-simulator and llm-gateways in their own processes, which outlive the agent-services started, killed and
 * terminated. Closing it stops every process it started, by PID.
 */
final class LoopbackStack implements AutoCloseable {

    /** A loopback stack has no load balancer to wait for: a terminated instance stops taking work after a second. */
    static final Map<String, String> SHORT_SHUTDOWN_DELAY = Map.of("quarkus.shutdown.delay", "1s");

    /**
     * No sticky workflow execution, for the agent-services of these runs, which kill them: the
     * Temporal test server never moves a workflow task off the sticky queue of a worker that died, so queries,
     * updates and the conversation's next step would wait for that worker forever. Without it every workflow task
     * goes to the shared queue, which any live worker polls. A real cluster's matching service moves them after the
     * sticky schedule-to-start timeout (5 s by default), which agent-service keeps. The price is a replay of the
     * workflow's whole history on every workflow task: the demo and the benchmark, which kill nothing, keep sticky
     * execution (in the 500 x 40 demo without it, replays took the worker's CPU and replies waited past the
     * frontends' patience).
     */
    static final Map<String, String> NO_STICKY_EXECUTION =
            Map.of("quarkus.temporal.worker.sticky-queue-schedule-to-start-timeout", "0s");

    private final SurgeProcesses processes;
    private final Path logs;
    private final String temporal;
    private final SurgeProcesses.Service simulator;
    private final Path signingKey;

    private LoopbackStack(SurgeProcesses processes, Path logs, String temporal, SurgeProcesses.Service simulator,
            Path signingKey) {
        this.processes = processes;
        this.logs = logs;
        this.temporal = temporal;
        this.simulator = simulator;
        this.signingKey = signingKey;
    }

    /** Temporal and a simulator without limits that answers after {@code providerLatency}; logs go to {@code logs}. */
    static LoopbackStack start(Path root, Path logs, Duration providerLatency) throws IOException, InterruptedException {
        return start(root, logs, providerLatency, List.of());
    }

    /** As {@link #start(Path, Path, Duration)}, the Temporal test server with {@code temporalJavaOptions}. */
    static LoopbackStack start(Path root, Path logs, Duration providerLatency, List<String> temporalJavaOptions)
            throws IOException, InterruptedException {
        SurgeProcesses processes = new SurgeProcesses(root, logs, "sk-surge-chaos");
        try {
            String temporal = processes.startTemporal(temporalJavaOptions);
            SurgeProcesses.Service simulator = processes.startSimulator("llm-simulator", Map.of("surge.simulator.rpm", "0",
                    "surge.simulator.tpm", "0",
                    "surge.simulator.latency.first-token", providerLatency.toMillis() + "ms",
                    "surge.simulator.latency.per-token", "0",
                    "surge.simulator.latency.jitter", "0"), List.of());
            return new LoopbackStack(processes, logs, temporal, simulator, DemoTokens.generate(logs));
        } catch (IOException | InterruptedException | RuntimeException e) {
            processes.close();
            throw e;
        }
    }

    SurgeProcesses.Service gateway(String name) throws IOException, InterruptedException {
        return processes.startGateway(name, simulator, Map.of(), List.of());
    }

    /** An agent-service on this stack's Temporal calling {@code gateways}, with {@code config} on top. */
    SurgeProcesses.Service agentService(String name, List<SurgeProcesses.Service> gateways, Map<String, String> config)
            throws IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>(SHORT_SHUTDOWN_DELAY);
        all.putAll(NO_STICKY_EXECUTION);
        all.putAll(config);
        List<URI> urls = gateways.stream().map(SurgeProcesses.Service::url).toList();
        return processes.startAgentService(name, temporal, urls, signingKey, all, List.of());
    }

    /** A frontend of {@code subject}, whose single requests may take {@code requestTimeout}. */
    Frontend user(String subject, Duration requestTimeout) {
        return new Frontend(DemoTokens.read(DemoTokens.privateKeyFile(logs)).mint(subject), requestTimeout);
    }

    SimulatorControl provider() {
        return new SimulatorControl(simulator.url());
    }

    /** Waits until the provider is answering {@code count} requests at once. */
    void awaitInFlightAtProvider(int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (provider().stats().path("concurrent").asInt() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the provider never had " + count + " requests in flight: " + provider().stats());
            }
            Thread.sleep(20);
        }
    }

    /** The messages of {@code task}, read through {@code agent}. */
    static JsonNode messages(Frontend user, SurgeProcesses.Service agent, String task) throws InterruptedException {
        Frontend.Answer answer = user.get(agent.url(), "/tasks/" + task + "/messages?limit=100");
        if (answer.status() != 200) {
            throw new AssertionError("GET messages of " + task + " answered " + answer.status() + " " + answer.body());
        }
        return answer.body().path("messages");
    }

    @Override
    public void close() {
        processes.close();
    }
}
