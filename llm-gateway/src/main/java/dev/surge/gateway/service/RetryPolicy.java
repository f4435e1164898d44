package dev.surge.gateway.service;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.surge.gateway.GatewayConfig;
import io.vertx.core.MultiMap;

/**
 * Which upstream failures are worth another attempt, which count against a deployment, and how long to wait before
 * the next one. This layer owns the retries of upstream 408/409/429/5xx, connection failures and read timeouts
 * (see the README, "Who retries what"); it tells its callers {@code x-should-retry: false} once it has spent them.
 * The one place where {@code Retry-After} is read and written.
 */
@Singleton
public class RetryPolicy {

    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(408, 409, 429, 500, 502, 503, 504);
    /** OpenAI's durations: {@code 1s}, {@code 6m0s}, {@code 20ms}, {@code 1m30.5s}, {@code 2h0m0s}. */
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
    /** OpenAI's 429 for a request above the whole per-minute token limit: it can never be admitted. */
    private static final Pattern TOO_LARGE = Pattern.compile(
            "^Request too large\\b.*?\\bLimit (\\d+), Requested (\\d+)", Pattern.DOTALL);

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration maxRetryAfter;

    @Inject
    RetryPolicy(GatewayConfig config) {
        this(config.backoff().initial(), config.backoff().max(), config.backoff().jitter(), config.maxRetryAfter());
    }

    RetryPolicy(Duration initialBackoff, Duration maxBackoff, double jitter, Duration maxRetryAfter) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.jitter = jitter;
        this.maxRetryAfter = maxRetryAfter;
    }

    /**
     * Whether an upstream error answer may be retried. The upstream's {@code x-should-retry} wins; otherwise
     * 408, 409, 429 and 5xx gateway-ish statuses are retried, except a 429 for an exhausted quota.
     *
     * @param errorCode the {@code error.code} (or {@code error.type}) of the answer's body, or null
     */
    public boolean isRetryable(int status, MultiMap headers, String errorCode) {
        String shouldRetry = headers.get("x-should-retry");
        if ("true".equalsIgnoreCase(shouldRetry)) {
            return true;
        }
        if ("false".equalsIgnoreCase(shouldRetry)) {
            return false;
        }
        if (status == 429 && "insufficient_quota".equals(errorCode)) {
            return false;
        }
        return RETRYABLE_STATUSES.contains(status);
    }

    /**
     * The wait the upstream asked for: {@code retry-after-ms}, else {@code Retry-After} (seconds or an HTTP date),
     * else on a 429 the reset time of the exhausted rate limit ({@code x-ratelimit-reset-requests/-tokens}).
     * Not capped: see {@link #cap(Duration)}.
     */
    public Optional<Duration> serverDelay(int status, MultiMap headers, Instant now) {
        Optional<Duration> millis = parseMillis(headers.get("retry-after-ms"));
        if (millis.isPresent()) {
            return millis;
        }
        Optional<Duration> retryAfter = parseRetryAfter(headers.get("retry-after"), now);
        if (retryAfter.isPresent() || status != 429) {
            return retryAfter;
        }
        Optional<Duration> requests = parseOpenAiDuration(headers.get("x-ratelimit-reset-requests"));
        Optional<Duration> tokens = parseOpenAiDuration(headers.get("x-ratelimit-reset-tokens"));
        boolean requestsExhausted = "0".equals(headers.get("x-ratelimit-remaining-requests"));
        boolean tokensExhausted = "0".equals(headers.get("x-ratelimit-remaining-tokens"));
        if (requestsExhausted && tokensExhausted) {
            return max(requests, tokens);
        }
        if (requestsExhausted && requests.isPresent()) {
            return requests;
        }
        if (tokensExhausted && tokens.isPresent()) {
            return tokens;
        }
        // Which limit ran out is unknown: the sooner reset is the first moment a retry can succeed.
        return requests.isPresent() && tokens.isPresent()
                ? Optional.of(requests.get().compareTo(tokens.get()) <= 0 ? requests.get() : tokens.get())
                : requests.or(() -> tokens);
    }

    /**
     * Whether an upstream error answer counts as the deployment failing for capacity (for its breaker and for
     * moving the call to another deployment): 408, 5xx other than 501, and a 429 that names no delay and is not
     * about the caller's quota or size. A 429 with a delay is a pause, not a failure.
     *
     * @param errorCode the {@code error.code} (or {@code error.type}) of the answer's body, or null
     */
    public boolean isCapacityFailure(int status, Duration serverDelay, String errorCode) {
        if (status == 429) {
            return serverDelay == null && !"insufficient_quota".equals(errorCode);
        }
        return status == 408 || status >= 500 && status != 501;
    }

    /**
     * Reads OpenAI's "Request too large ... Limit 30000, Requested 50000" 429: a request above a deployment's
     * whole per-minute token limit, which no wait will ever admit there.
     *
     * @param message the {@code error.message} of the answer's body, or null
     */
    public Optional<TooLarge> tooLarge(int status, String message) {
        if (status != 429 || message == null) {
            return Optional.empty();
        }
        Matcher matcher = TOO_LARGE.matcher(message);
        return matcher.find()
                ? Optional.of(new TooLarge(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))))
                : Optional.empty();
    }

    /**
     * What a "Request too large" answer said.
     *
     * @param limit the deployment's tokens per minute
     * @param requested the tokens it counted for the request
     */
    public record TooLarge(long limit, long requested) {
    }

    /** A {@code Retry-After} value for a wait: whole seconds, rounded up, at least one. */
    public static String retryAfterSeconds(Duration wait) {
        return Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
    }

    /** A server-directed delay as waited here: at most {@code surge.gateway.max-retry-after}. */
    public Duration cap(Duration serverDelay) {
        return serverDelay.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : serverDelay;
    }

    /**
     * The backoff before a retry: initial delay doubled per retry, capped, less a random share of up to
     * {@code jitter}, as OpenAI's SDKs do.
     *
     * @param retry 1 for the first retry
     * @param random a number in [0, 1)
     */
    public Duration backoff(int retry, double random) {
        double millis = initialBackoff.toMillis() * Math.pow(2, Math.min(retry - 1, 30));
        millis = Math.min(millis, maxBackoff.toMillis());
        return Duration.ofMillis(Math.round(millis * (1 - jitter * random)));
    }

    static Optional<Duration> parseMillis(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            double millis = Double.parseDouble(value.trim());
            return millis >= 0 && Double.isFinite(millis) ? Optional.of(Duration.ofMillis(Math.round(millis)))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            BigDecimal seconds = new BigDecimal(value.trim());
            return seconds.signum() >= 0
                    ? Optional.of(Duration.ofMillis(seconds.movePointRight(3).longValue()))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            // Not a number: an HTTP date, then.
        }
        try {
            Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration delay = Duration.between(now, at);
            return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static Optional<Duration> parseOpenAiDuration(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Matcher part = DURATION_PART.matcher(value.trim());
        double millis = 0;
        int end = 0;
        while (part.find() && part.start() == end) {
            double amount = Double.parseDouble(part.group(1));
            millis += switch (part.group(2)) {
                case "h" -> amount * 3_600_000;
                case "m" -> amount * 60_000;
                case "s" -> amount * 1_000;
                default -> amount;
            };
            end = part.end();
        }
        return end > 0 && end == value.trim().length() ? Optional.of(Duration.ofMillis(Math.round(millis)))
                : Optional.empty();
    }

    private static Optional<Duration> max(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().compareTo(b.get()) >= 0 ? a.get() : b.get());
    }
}
