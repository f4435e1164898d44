package dev.surge.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.surge.simulator.config.SimulatorConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The runtime knobs of the simulator, as {@code GET /sim/config} shows them and {@code PUT /sim/config}
 * changes them. Immutable: a change swaps the whole snapshot, so one request sees one consistent set.
 *
 * @param rpm requests per minute per key, 0 = off
 * @param tpm tokens per minute per key, 0 = off
 * @param burstMs the shorter window over which the per-minute limits are also enforced, 0 = the minute only
 * @param maxConcurrentPerKey requests in flight per key, 0 = off
 * @param defaultMaxTokens completion tokens charged and allowed when a request names no maximum
 * @param latency how long answers take
 * @param faults injected failures
 */
@RegisterForReflection
public record SimulatorSettings(
        long rpm,
        long tpm,
        @JsonProperty("burst_ms") long burstMs,
        @JsonProperty("max_concurrent_per_key") int maxConcurrentPerKey,
        @JsonProperty("default_max_tokens") int defaultMaxTokens,
        Latency latency,
        Faults faults) {

    /**
     * @param firstTokenMs time to first token in milliseconds
     * @param perTokenMs time per output token in milliseconds
     * @param jitter relative jitter of each wait, 0..1
     */
    @RegisterForReflection
    public record Latency(
            @JsonProperty("first_token_ms") long firstTokenMs,
            @JsonProperty("per_token_ms") long perTokenMs,
            double jitter) {
    }

    /**
     * @param errorRate share of admitted requests answered 500/502/503
     * @param resetRate share of admitted requests whose connection is reset
     * @param hangRate share of admitted requests that never answer
     * @param hangForMs how long a hanging request holds its connection
     * @param streamFailAfter chunks after which a stream is cut, 0 = off
     * @param insufficientQuota answer every chat request 429 insufficient_quota
     */
    @RegisterForReflection
    public record Faults(
            @JsonProperty("error_rate") double errorRate,
            @JsonProperty("reset_rate") double resetRate,
            @JsonProperty("hang_rate") double hangRate,
            @JsonProperty("hang_for_ms") long hangForMs,
            @JsonProperty("stream_fail_after") int streamFailAfter,
            @JsonProperty("insufficient_quota") boolean insufficientQuota) {
    }

    /** The longest burst window: beyond a minute the per-minute window is the shorter one. */
    private static final long MINUTE_MS = 60_000;

    /** The settings the application starts with. */
    public static SimulatorSettings from(SimulatorConfig config) {
        SimulatorConfig.Latency latency = config.latency();
        SimulatorConfig.Faults faults = config.faults();
        return new SimulatorSettings(config.rpm(), config.tpm(), config.burst().toMillis(), config.maxConcurrentPerKey(),
                config.defaultMaxTokens(),
                new Latency(latency.firstToken().toMillis(), latency.perToken().toMillis(), latency.jitter()),
                new Faults(faults.errorRate(), faults.resetRate(), faults.hangRate(), faults.hangFor().toMillis(),
                        faults.streamFailAfter(), faults.insufficientQuota()))
                .validated();
    }

    /** Returns this snapshot, or throws {@link IllegalArgumentException} naming the first bad value. */
    public SimulatorSettings validated() {
        require(rpm >= 0, "rpm must be >= 0");
        require(tpm >= 0, "tpm must be >= 0");
        require(burstMs >= 0 && burstMs <= MINUTE_MS, "burst_ms must be within 0.." + MINUTE_MS);
        require(maxConcurrentPerKey >= 0, "max_concurrent_per_key must be >= 0");
        require(defaultMaxTokens >= 1, "default_max_tokens must be >= 1");
        require(latency.firstTokenMs >= 0 && latency.perTokenMs >= 0, "latencies must be >= 0");
        require(latency.jitter >= 0 && latency.jitter <= 1, "jitter must be within 0..1");
        require(isShare(faults.errorRate) && isShare(faults.resetRate) && isShare(faults.hangRate),
                "fault rates must be within 0..1");
        require(faults.errorRate + faults.resetRate + faults.hangRate <= 1.0 + 1e-9,
                "error_rate + reset_rate + hang_rate must not exceed 1");
        require(faults.hangForMs >= 0, "hang_for_ms must be >= 0");
        require(faults.streamFailAfter >= 0, "stream_fail_after must be >= 0");
        return this;
    }

    private static boolean isShare(double value) {
        return value >= 0 && value <= 1;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
