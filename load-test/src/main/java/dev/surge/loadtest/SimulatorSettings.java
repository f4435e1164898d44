package dev.surge.loadtest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The provider the scenario runs against: one or more llm-simulators (deployments of the model, each with
 * its own limits), enforced over one-second windows as OpenAI does, and their latency. The request limit
 * is sized by {@link Load#sizedRpm} unless {@code --rpm} names one.
 *
 * @param rpm requests per minute per API key, of each deployment
 * @param tpm tokens per minute per API key, of each deployment
 * @param deployments how many simulators the gateway spreads the load over
 */
record SimulatorSettings(int rpm, int tpm, int deployments) {

    SimulatorSettings {
        if (deployments < 1) {
            throw new IllegalArgumentException("at least one deployment, was " + deployments);
        }
    }

    /** One deployment. */
    SimulatorSettings(int rpm, int tpm) {
        this(rpm, tpm, 1);
    }

    /**
     * High enough that the request limit binds: at 600 requests a minute a request may charge 3,000 tokens
     * (prompt plus maximum; a 40-message conversation's stay under that) before this limit would.
     */
    static final int DEFAULT_TPM = 2_000_000;
    /** The window over which the per-minute limits are also enforced. */
    static final Duration BURST = Duration.ofSeconds(1);
    static final Duration FIRST_TOKEN = Duration.ofMillis(300);
    static final Duration PER_TOKEN = Duration.ofMillis(5);
    /** llm-simulator's replies are 16 to 63 tokens long (its ReplyGenerator): about 40 on average. */
    static final int MEAN_REPLY_TOKENS = 40;
    /** How long the provider takes for an average reply once it admits the request. */
    static final Duration EXPECTED_LATENCY = FIRST_TOKEN.plus(PER_TOKEN.multipliedBy(MEAN_REPLY_TOKENS));

    /** Requests a second the provider serves at most: every deployment's limit together. */
    double limitPerSecond() {
        return deployments * rpm / 60.0;
    }

    Map<String, String> asConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("surge.simulator.rpm", Integer.toString(rpm));
        config.put("surge.simulator.tpm", Integer.toString(tpm));
        config.put("surge.simulator.burst", BURST.toMillis() + "ms");
        config.put("surge.simulator.latency.first-token", FIRST_TOKEN.toMillis() + "ms");
        config.put("surge.simulator.latency.per-token", PER_TOKEN.toMillis() + "ms");
        return config;
    }
}
