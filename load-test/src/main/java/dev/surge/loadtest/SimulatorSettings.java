package dev.surge.loadtest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The provider the scenario runs against: llm-simulator's limits and latency. The defaults make
 * demand clearly exceed capacity: 500 users with a one-second think time ask for far more than
 * {@code rpm} requests a minute.
 *
 * @param rpm requests per minute per API key
 * @param tpm tokens per minute per API key
 * @param firstToken time to first token
 * @param perToken time per output token
 */
record SimulatorSettings(int rpm, int tpm, Duration firstToken, Duration perToken) {

    static final SimulatorSettings DEFAULT = new SimulatorSettings(1200, 2_000_000,
            Duration.ofMillis(300), Duration.ofMillis(5));

    SimulatorSettings withRpm(int requestsPerMinute) {
        return new SimulatorSettings(requestsPerMinute, tpm, firstToken, perToken);
    }

    SimulatorSettings withTpm(int tokensPerMinute) {
        return new SimulatorSettings(rpm, tokensPerMinute, firstToken, perToken);
    }

    Map<String, String> asConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("surge.simulator.rpm", Integer.toString(rpm));
        config.put("surge.simulator.tpm", Integer.toString(tpm));
        config.put("surge.simulator.latency.first-token", firstToken.toMillis() + "ms");
        config.put("surge.simulator.latency.per-token", perToken.toMillis() + "ms");
        return config;
    }
}
