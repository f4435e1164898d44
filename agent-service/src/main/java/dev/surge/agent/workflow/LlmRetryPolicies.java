package dev.surge.agent.workflow;

import java.time.Duration;

import io.temporal.common.RetryOptions;

/**
 * The one place that defines how Temporal retries LLM activities.
 * <p>
 * Retry ownership: Temporal owns retries of the activity as a whole (worker crash, the REST client's
 * own retries exhausted, the gateway's retries exhausted). The REST client owns "gateway unreachable"
 * and "gateway shed the request", the gateway owns upstream 408/409/429/5xx. Client errors are thrown
 * as non-retryable application failures by {@link LlmActivitiesImpl}, and a gateway {@code Retry-After}
 * becomes the next retry's delay, so neither needs a {@code doNotRetry} list here.
 */
public final class LlmRetryPolicies {

    /** Defaults of {@link #DEFAULT_RETRY_POLICY}, overridable through {@code surge.llm.retry.*}. */
    public static final LlmRetrySettings DEFAULT_SETTINGS = new LlmRetrySettings(3, 1_000, 2.0, 30_000);

    /** maximumAttempts 3, initialInterval 1 s, backoffCoefficient 2.0, maximumInterval 30 s. */
    public static final RetryOptions DEFAULT_RETRY_POLICY = retryPolicy(DEFAULT_SETTINGS);

    private LlmRetryPolicies() {
    }

    /** The retry policy for the given numbers; null means {@link #DEFAULT_RETRY_POLICY}. */
    public static RetryOptions retryPolicy(LlmRetrySettings settings) {
        if (settings == null) {
            return DEFAULT_RETRY_POLICY;
        }
        return RetryOptions.newBuilder()
                .setMaximumAttempts(settings.maximumAttempts())
                .setInitialInterval(Duration.ofMillis(settings.initialIntervalMillis()))
                .setBackoffCoefficient(settings.backoffCoefficient())
                .setMaximumInterval(Duration.ofMillis(settings.maximumIntervalMillis()))
                .build();
    }
}
