package dev.surge.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;

/** The retry rules and delay parsing, without a server. */
class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(8), 0.25,
            Duration.ofSeconds(60));

    @Test
    void retriesTransientStatusesOnly() {
        for (int status : new int[] {408, 409, 429, 500, 502, 503, 504}) {
            assertTrue(policy.isRetryable(status, headers(), null), "status " + status);
        }
        for (int status : new int[] {400, 401, 403, 404, 422, 501}) {
            assertFalse(policy.isRetryable(status, headers(), null), "status " + status);
        }
    }

    @Test
    void neverRetriesExhaustedQuota() {
        assertFalse(policy.isRetryable(429, headers(), "insufficient_quota"));
    }

    @Test
    void letsTheUpstreamDecideWithShouldRetry() {
        assertFalse(policy.isRetryable(503, headers("x-should-retry", "false"), null));
        assertTrue(policy.isRetryable(400, headers("x-should-retry", "true"), null));
    }

    @Test
    void prefersRetryAfterMsThenRetryAfter() {
        Instant now = Instant.now();
        assertEquals(Optional.of(Duration.ofMillis(1500)),
                policy.serverDelay(429, headers("retry-after-ms", "1500", "retry-after", "9"), now));
        assertEquals(Optional.of(Duration.ofSeconds(9)), policy.serverDelay(503, headers("retry-after", "9"), now));
    }

    @Test
    void readsRetryAfterAsHttpDate() {
        Instant now = Instant.parse("2025-01-01T10:00:00Z");
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atOffset(ZoneOffset.UTC));
        assertEquals(Optional.of(Duration.ofSeconds(30)), policy.serverDelay(503, headers("retry-after", in30s), now));
    }

    @Test
    void readsRateLimitResetOfTheExhaustedLimitOnA429() {
        MultiMap headers = headers("x-ratelimit-reset-requests", "1s", "x-ratelimit-reset-tokens", "6m0s",
                "x-ratelimit-remaining-tokens", "0");
        assertEquals(Optional.of(Duration.ofMinutes(6)), policy.serverDelay(429, headers, Instant.now()));
        assertEquals(Optional.empty(), policy.serverDelay(503, headers, Instant.now()));
    }

    @Test
    void parsesOpenAiDurations() {
        assertEquals(Optional.of(Duration.ofMillis(20)), RetryPolicy.parseOpenAiDuration("20ms"));
        assertEquals(Optional.of(Duration.ofSeconds(1)), RetryPolicy.parseOpenAiDuration("1s"));
        assertEquals(Optional.of(Duration.ofMillis(90_500)), RetryPolicy.parseOpenAiDuration("1m30.5s"));
        assertEquals(Optional.of(Duration.ofMinutes(6)), RetryPolicy.parseOpenAiDuration("6m0s"));
        assertEquals(Optional.of(Duration.ofMillis(7_384_000)), RetryPolicy.parseOpenAiDuration("2h3m4s"));
        assertEquals(Optional.empty(), RetryPolicy.parseOpenAiDuration("soon"));
        assertEquals(Optional.empty(), RetryPolicy.parseOpenAiDuration("1s later"));
    }

    @Test
    void capsServerDelays() {
        assertEquals(Duration.ofSeconds(60), policy.cap(Duration.ofMinutes(6)));
        assertEquals(Duration.ofSeconds(2), policy.cap(Duration.ofSeconds(2)));
    }

    @Test
    void backsOffExponentiallyWithJitterUpToTheCap() {
        assertEquals(Duration.ofMillis(500), policy.backoff(1, 0));
        assertEquals(Duration.ofMillis(1000), policy.backoff(2, 0));
        assertEquals(Duration.ofMillis(750), policy.backoff(2, 1));
        assertEquals(Duration.ofSeconds(8), policy.backoff(5, 0));
        assertEquals(Duration.ofSeconds(8), policy.backoff(12, 0));
    }

    @Test
    void readsOpenAisRequestTooLarge() {
        String message = "Request too large for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, "
                + "Requested 50012. The input or output tokens must be reduced in order to run successfully.";
        assertEquals(Optional.of(new RetryPolicy.TooLarge(30000, 50012)), policy.tooLarge(429, message));
        assertEquals(Optional.empty(), policy.tooLarge(429, "Rate limit reached for gpt-4o on tokens per min (TPM): "
                + "Limit 30000, Used 29000, Requested 2000."));
        assertEquals(Optional.empty(), policy.tooLarge(400, message));
    }

    @Test
    void countsCapacityFailuresButNotPausesOrTheCallersOwnErrors() {
        assertTrue(policy.isCapacityFailure(500, null, null));
        assertTrue(policy.isCapacityFailure(503, Duration.ofSeconds(1), null));
        assertTrue(policy.isCapacityFailure(429, null, "rate_limit_exceeded"));
        assertFalse(policy.isCapacityFailure(429, Duration.ofSeconds(1), "rate_limit_exceeded"));
        assertFalse(policy.isCapacityFailure(429, null, "insufficient_quota"));
        assertFalse(policy.isCapacityFailure(400, null, null));
        assertFalse(policy.isCapacityFailure(501, null, null));
    }

    @Test
    void writesRetryAfterInWholeSecondsRoundedUp() {
        assertEquals("1", RetryPolicy.retryAfterSeconds(Duration.ZERO));
        assertEquals("1", RetryPolicy.retryAfterSeconds(Duration.ofMillis(300)));
        assertEquals("2", RetryPolicy.retryAfterSeconds(Duration.ofMillis(1001)));
        assertEquals("20", RetryPolicy.retryAfterSeconds(Duration.ofSeconds(20)));
    }

    private static MultiMap headers(String... namesAndValues) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }
}
