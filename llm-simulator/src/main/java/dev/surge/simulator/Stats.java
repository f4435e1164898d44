package dev.surge.simulator;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The {@code GET /sim/stats} answer, a contract the load test reads: the totals' fields at the top
 * level, then the same fields per API key under {@code keys}. Counts run from start-up or the last
 * {@code POST /sim/reset}.
 *
 * @param totals counts over every key
 * @param keys counts per API key id ({@code anonymous}, or {@code key-} and 8 hex digits of the key's SHA-256)
 */
@RegisterForReflection
public record Stats(@JsonUnwrapped Counts totals, Map<String, Counts> keys) {

    /**
     * Counts of chat completion requests. {@code by_status} keys are HTTP statuses ({@code "200"},
     * {@code "429"}) or what became of a request that got none: {@code reset}, {@code hang},
     * {@code stream_failed}, {@code client_closed}; they add up to {@code requests} once nothing is in flight.
     *
     * @param requests chat completion requests received
     * @param byStatus requests by outcome
     * @param rateLimited 429 answers of every kind
     * @param promptTokens prompt tokens of answered completions
     * @param completionTokens completion tokens of answered completions
     * @param concurrent requests in flight now
     * @param concurrentPeak most requests in flight at once
     */
    @RegisterForReflection
    public record Counts(
            long requests,
            @JsonProperty("by_status") Map<String, Long> byStatus,
            @JsonProperty("rate_limited") long rateLimited,
            @JsonProperty("prompt_tokens") long promptTokens,
            @JsonProperty("completion_tokens") long completionTokens,
            long concurrent,
            @JsonProperty("concurrent_peak") long concurrentPeak) {
    }
}
