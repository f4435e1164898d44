package dev.surge.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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

    /** The name of the one deployment built from {@code surge.gateway.upstream.*} when none is configured. */
    String DEFAULT_DEPLOYMENT = "default";

    /** What {@code GET /v1/models} lists while no model is configured (every model name is then forwarded). */
    String DEFAULT_MODEL = "gpt-4o-mini";

    /**
     * The single upstream of a gateway without {@code surge.gateway.deployments}: it becomes the deployment
     * {@value #DEFAULT_DEPLOYMENT}. Not used once any deployment is configured.
     */
    Deployment upstream();

    /** OpenAI-compatible deployments by name; the name appears in {@code x-surge-deployment} and metrics. */
    Map<String, Deployment> deployments();

    /**
     * The models callers may name, each served by its deployments. With none configured every model name is
     * forwarded to every deployment as named, and {@code GET /v1/models} lists {@value #DEFAULT_MODEL}.
     */
    Map<String, Model> models();

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

    /**
     * Completion tokens a request is assumed to use when it names no {@code max_completion_tokens} or
     * {@code max_tokens}, for pacing on tokens and for telling whether it can ever fit a deployment's limit.
     */
    @WithDefault("256")
    int defaultMaxTokens();

    /** When a deployment counts as failing, and how long it then cools down. */
    Breaker breaker();

    /**
     * Whether the request and attempt timers also publish percentile histograms ({@code _bucket} series, for
     * {@code histogram_quantile}). Off by default: every call then fills a histogram of a few hundred buckets,
     * and the series count grows with them; count, sum and max are always published.
     */
    @WithDefault("false")
    boolean metricsPercentileHistograms();

    /** How many retries each deployment takes, as a share of its requests. */
    RetryBudget retryBudget();

    /** One OpenAI-compatible endpoint with its own key, connection pool, pacer and cooldown. */
    interface Deployment {

        /** Base URL as OpenAI's SDKs take it, {@code /v1} included. */
        String url();

        /** Sent upstream as {@code Authorization: Bearer <key>} when set; never logged or echoed. */
        Optional<String> apiKey();

        /** The model name sent upstream in place of the one the caller named; the caller's when not set. */
        Optional<String> model();

        /** Share of the traffic among deployments that could serve a call equally soon. */
        @WithDefault("1")
        int weight();

        /** Connections kept to the deployment at most (HTTP/1.1 pool size), shared out evenly among event loops. */
        @WithDefault("200")
        int poolSize();

        /**
         * Whether attempts are paced to the request and token rates the deployment announces
         * ({@code x-ratelimit-limit-*}, {@code -remaining-*}) or that {@code rpm} / {@code tpm} set and, once a
         * rate is known, all held back for a 429's delay, so that callers queue here instead of deepening the
         * provider's rate-limit debt with early retries.
         */
        @WithDefault("true")
        boolean pacing();

        /** How much of the per-minute rate may go at once: one second's worth by default, then it is paced. */
        @WithDefault("1s")
        Duration burst();

        /**
         * The share of a known rate left unused when pacing, so that timer and network jitter do not land attempts
         * just before the deployment's own limit has refilled (each such attempt is a 429 that also counts against
         * the limit). From 0 to below 1. Any headroom above 0 lets the provider's own bucket gain a little slack on
         * every paced attempt until it is full, so a small one is enough: 2 % (the provider's bucket gains one
         * request of slack every 50 requests) kept the demo at one or two 429s per run while using 98 % of the rate.
         */
        @WithDefault("0.02")
        double headroom();

        /** Requests per minute to pace to before (or below) what the deployment announces. */
        OptionalLong rpm();

        /**
         * Tokens per minute to pace to before (or below) what the deployment announces; a request needing more
         * is never sent to this deployment.
         */
        OptionalLong tpm();

        /** Longest wait for a connection to the deployment to open. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Longest silence from the deployment, waiting for its answer or for the next chunk of a stream. */
        @WithDefault("120s")
        Duration readTimeout();
    }

    /** A model callers name. */
    interface Model {

        /** Names of the deployments that serve it, comma-separated; {@code *} for every deployment. */
        List<String> deployments();

        /** Models whose deployments take its calls, in this order, once its own deployments cannot. */
        Optional<List<String>> fallbacks();
    }

    /**
     * A deployment's circuit breaker: it opens when {@code failure-ratio} of its last {@code window} attempts
     * failed for capacity (5 of 5 by default: five failures in a row), stays open for {@code delay}, then lets one
     * probe through.
     */
    interface Breaker {

        /** Attempts the failure ratio is taken over. */
        @WithDefault("5")
        int window();

        /** Share of failed attempts in the window that opens the breaker; 1.0 means every one of them. */
        @WithDefault("1.0")
        double failureRatio();

        /** How long an open breaker keeps its deployment out before the probe. */
        @WithDefault("10s")
        Duration delay();
    }

    /**
     * Retries each deployment accepts, over a sliding window, as Finagle and Envoy bound them: at most
     * {@code ratio} of its first attempts plus {@code min-per-second}; past that, failures are answered as they
     * are.
     */
    interface RetryBudget {

        /** Retries allowed per first attempt. */
        @WithDefault("0.2")
        double ratio();

        /** Retries allowed per second whatever the traffic, so that a quiet deployment can still retry. */
        @WithDefault("3")
        int minPerSecond();

        /** The sliding window both are counted over. */
        @WithDefault("10s")
        Duration window();
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
