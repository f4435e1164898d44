package dev.surge.loadtest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The provider the scenario runs against: llm-simulator's limits and latency. Its request limit is
 * sized by {@link Load#sizedRpm} unless {@code --rpm} names one.
 *
 * @param rpm requests per minute per API key
 * @param tpm tokens per minute per API key; high enough by default that the request limit binds
 * @param burst the window over which the per-minute limits are also enforced, as OpenAI does
 * @param firstToken time to first token
 * @param perToken time per output token
 */
record SimulatorSettings(int rpm, int tpm, Duration burst, Duration firstToken, Duration perToken) {

    /** llm-simulator's replies are 16 to 63 tokens long (its ReplyGenerator): about 40 on average. */
    static final int MEAN_REPLY_TOKENS = 40;

    static final SimulatorSettings DEFAULT = new SimulatorSettings(600, 2_000_000, Duration.ofSeconds(1),
            Duration.ofMillis(300), Duration.ofMillis(5));

    SimulatorSettings withRpm(int requestsPerMinute) {
        return new SimulatorSettings(requestsPerMinute, tpm, burst, firstToken, perToken);
    }

    SimulatorSettings withTpm(int tokensPerMinute) {
        return new SimulatorSettings(rpm, tokensPerMinute, burst, firstToken, perToken);
    }

    /** Requests a second the provider serves at most. */
    double limitPerSecond() {
        return rpm / 60.0;
    }

    /** How long the provider takes for an average reply once it admits the request. */
    Duration expectedLatency() {
        return firstToken.plus(perToken.multipliedBy(MEAN_REPLY_TOKENS));
    }

    Map<String, String> asConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("surge.simulator.rpm", Integer.toString(rpm));
        config.put("surge.simulator.tpm", Integer.toString(tpm));
        config.put("surge.simulator.burst", burst.toMillis() + "ms");
        config.put("surge.simulator.latency.first-token", firstToken.toMillis() + "ms");
        config.put("surge.simulator.latency.per-token", perToken.toMillis() + "ms");
        return config;
    }
}
