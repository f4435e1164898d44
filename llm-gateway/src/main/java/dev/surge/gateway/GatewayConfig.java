package dev.surge.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the gateway, under {@code surge.gateway}. Every key can also be set from the environment
 * ({@code surge.gateway.upstream.url} as {@code SURGE_GATEWAY_UPSTREAM_URL}, and so on).
 */
@ConfigMapping(prefix = "surge.gateway")
public interface GatewayConfig {

    /** The OpenAI-compatible provider that calls are forwarded to. */
    Upstream upstream();

    /**
     * Keys that callers present as {@code Authorization: Bearer <key>}, comma-separated. With none configured
     * every call is refused with 401 (and a warning is logged at startup); dev and test use {@code sk-surge-dev}.
     */
    Optional<Set<String>> apiKeys();

    /** Retries after the first attempt; a request may override it with a top-level {@code num_retries} (0..10). */
    @WithDefault("3")
    int numRetries();

    /** Exponential backoff between retries when the upstream does not say how long to wait. */
    Backoff backoff();

    /**
     * Longest server-directed delay ({@code retry-after-ms}, {@code Retry-After}, {@code x-ratelimit-reset-*})
     * waited before a retry; a longer one is waited only this long.
     */
    @WithDefault("60s")
    Duration maxRetryAfter();

    /** Calls in flight towards the upstream (their retries and waits included) above which new calls queue. */
    @WithDefault("200")
    int maxInFlight();

    /** How long a call may queue for an in-flight slot before it is shed with 429 {@code gateway_overloaded}. */
    @WithDefault("200ms")
    Duration queueTimeout();

    /** The {@code Retry-After} sent with 429 {@code gateway_overloaded}. */
    @WithDefault("1s")
    Duration overloadRetryAfter();

    /** Largest accepted request body; a larger one gets 413 and is not forwarded. */
    @WithDefault("1M")
    MemorySize maxBodySize();

    /** Model ids listed by {@code GET /v1/models} (a static list: it answers even while the upstream is down). */
    @WithDefault("gpt-4o-mini")
    List<String> models();

    /** Where calls go. */
    interface Upstream {

        /** Base URL as OpenAI's SDKs take it, {@code /v1} included; the default is the llm-simulator. */
        @WithDefault("http://localhost:8089/v1")
        String url();

        /** Sent upstream as {@code Authorization: Bearer <key>} when set; never logged or echoed. */
        Optional<String> apiKey();

        /** Connections kept to the upstream at most (HTTP/1.1 pool size). */
        @WithDefault("200")
        int poolSize();

        /**
         * Whether attempts are paced to the request rate the upstream announces ({@code x-ratelimit-limit-requests},
         * {@code -remaining-requests}) and, once it has announced them, all held back for a 429's delay, so that
         * callers queue here instead of deepening the provider's rate-limit debt with early retries.
         */
        @WithDefault("true")
        boolean pacing();

        /** Longest wait for a connection to the upstream to open. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Longest silence from the upstream, waiting for its answer or for the next chunk of a stream. */
        @WithDefault("120s")
        Duration readTimeout();
    }

    /** Backoff as OpenAI's SDKs do it: initial, doubling, capped, with jitter. */
    interface Backoff {

        /** Delay before the first retry. */
        @WithDefault("500ms")
        Duration initial();

        /** Cap on the doubling delay. */
        @WithDefault("8s")
        Duration max();

        /** Fraction of each delay taken off at random: 0.25 waits between 75 % and 100 % of it. */
        @WithDefault("0.25")
        double jitter();
    }
}
