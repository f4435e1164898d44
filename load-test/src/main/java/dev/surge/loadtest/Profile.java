package dev.surge.loadtest;

import java.util.Map;

/**
 * How the stack is configured for one run. Each profile is a set of configuration overrides per
 * process, passed as system properties (they outrank the environment in Quarkus' configuration).
 */
enum Profile {

    /**
     * The system before the fix: no retries anywhere, no pacing, pools of 1000, so every burst goes
     * straight to the provider and every 429 becomes an error for the user.
     */
    BASELINE(
            Map.of("surge.gateway.num-retries", "0",
                    "surge.gateway.upstream.pacing", "false",
                    "surge.gateway.upstream.pool-size", "1000",
                    "surge.gateway.max-in-flight", "1000"),
            Map.of("surge.llm.retry.maximum-attempts", "1",
                    // agent-service passes its upstream call budget to the gateway as num_retries: one call, none
                    "surge.llm.upstream-call-budget", "1",
                    "quarkus.fault-tolerance.\"dev.surge.agent.client.LlmGatewayClient/complete\".retry.max-retries", "0",
                    "quarkus.rest-client.llm-gateway.connection-pool-size", "1000",
                    "quarkus.temporal.worker.max-concurrent-activity-execution-size", "1000")),

    /** Surge's defaults: nothing overridden. */
    RESILIENT(Map.of(), Map.of());

    private final Map<String, String> gateway;
    private final Map<String, String> agentService;

    Profile(Map<String, String> gateway, Map<String, String> agentService) {
        this.gateway = gateway;
        this.agentService = agentService;
    }

    Map<String, String> gatewayOverrides() {
        return gateway;
    }

    Map<String, String> agentServiceOverrides() {
        return agentService;
    }

    String label() {
        return name().toLowerCase();
    }

    static Profile parse(String name) {
        return valueOf(name.trim().toUpperCase());
    }
}
