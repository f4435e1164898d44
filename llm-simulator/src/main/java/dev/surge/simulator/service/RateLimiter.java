package dev.surge.simulator.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.surge.simulator.SimulatorSettings;

/**
 * Per-key requests-per-minute and tokens-per-minute limits, as OpenAI applies them: each enforced over the minute
 * and over the shorter burst window ({@link WindowedLimit}), announced per minute.
 *
 * <p>Every request takes one unit from its key's request limit, admitted or not. An admitted request
 * also takes its prompt tokens plus its requested maximum from the token limit. A rejected request
 * is told how long to wait: the time until both limits, in both windows, hold what it needs, so the same request
 * sent after {@code retry-after-ms} is admitted unless other traffic on the key got there first.
 */
@ApplicationScoped
public class RateLimiter {

    private final Map<String, KeyBuckets> buckets = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    @Inject
    RateLimiter() {
        this(System::nanoTime);
    }

    RateLimiter(LongSupplier clock) {
        this.clock = clock;
    }

    /** Charges one request of {@code tokens} (prompt plus requested maximum) to {@code keyId}. */
    public Decision acquire(String keyId, long tokens, SimulatorSettings settings) {
        return bucketsOf(keyId).acquire(tokens, settings, clock.getAsLong());
    }

    /** The state of {@code keyId}'s buckets without charging anything, for answers that are not rate-limited. */
    public Decision peek(String keyId, SimulatorSettings settings) {
        return bucketsOf(keyId).peek(settings, clock.getAsLong());
    }

    /** Forgets every key: all buckets start full again. */
    public void reset() {
        buckets.clear();
    }

    private KeyBuckets bucketsOf(String keyId) {
        return buckets.computeIfAbsent(keyId, k -> new KeyBuckets());
    }

    /** Why a request was refused, in OpenAI's words for the {@code type} field. */
    public enum Limit {
        /** The request limit was spent, over the minute or over the burst window. */
        REQUESTS,
        /** The token limit held less than the request needs, over the minute or over the burst window. */
        TOKENS,
        /** The request needs more tokens than a whole minute's allowance: it can never be admitted. */
        TOO_LARGE
    }

    /**
     * The outcome of a charge, with what the {@code x-ratelimit-*} headers report.
     *
     * @param rejectedBy null when admitted
     * @param retryAfterNanos how long to wait before the same request is admitted; 0 when admitted or never
     * @param requests the per-minute request limit after the charge, null when RPM is off
     * @param tokens the per-minute token limit after the charge, null when TPM is off
     * @param requested tokens the request asked for
     */
    public record Decision(Limit rejectedBy, long retryAfterNanos, BucketState requests, BucketState tokens,
            long requested) {

        public boolean admitted() {
            return rejectedBy == null;
        }
    }

    /**
     * A per-minute limit as the {@code x-ratelimit-*} headers announce it.
     *
     * @param limit per-minute limit
     * @param remaining whole units of the minute's allowance available now (the burst window may refuse a
     *     request while some remain, as OpenAI's does)
     * @param resetNanos time until the minute's allowance is whole again
     */
    public record BucketState(long limit, long remaining, long resetNanos) {

        /** Units in use, as OpenAI's message reports them ("Used 60"). */
        public long used() {
            return limit - remaining;
        }
    }

    /** The two limits of one key, created lazily when a limit is first switched on. */
    private static final class KeyBuckets {

        private WindowedLimit requests;
        private WindowedLimit tokens;

        synchronized Decision acquire(long cost, SimulatorSettings settings, long now) {
            refill(settings, now);
            if (tokens != null && cost > settings.tpm()) {
                if (requests != null) {
                    requests.take(1);
                }
                return decision(Limit.TOO_LARGE, 0, cost);
            }
            boolean requestsOk = requests == null || requests.fits(1);
            boolean tokensOk = tokens == null || tokens.fits(cost);
            if (requests != null) {
                requests.take(1);
            }
            if (requestsOk && tokensOk) {
                if (tokens != null) {
                    tokens.take(cost);
                }
                return decision(null, 0, cost);
            }
            long waitRequests = requests == null ? 0 : requests.nanosUntilFits(1);
            long waitTokens = tokens == null ? 0 : tokens.nanosUntilFits(cost);
            return decision(requestsOk ? Limit.TOKENS : Limit.REQUESTS, Math.max(waitRequests, waitTokens), cost);
        }

        synchronized Decision peek(SimulatorSettings settings, long now) {
            refill(settings, now);
            return decision(null, 0, 0);
        }

        private void refill(SimulatorSettings settings, long now) {
            long burstNanos = TimeUnit.MILLISECONDS.toNanos(settings.burstMs());
            requests = refilled(requests, settings.rpm(), burstNanos, now);
            tokens = refilled(tokens, settings.tpm(), burstNanos, now);
        }

        private static WindowedLimit refilled(WindowedLimit limit, long perMinute, long burstNanos, long now) {
            if (perMinute <= 0) {
                return null;
            }
            if (limit == null) {
                return new WindowedLimit(perMinute, burstNanos, now);
            }
            limit.refill(perMinute, burstNanos, now);
            return limit;
        }

        private Decision decision(Limit rejectedBy, long retryAfterNanos, long requested) {
            return new Decision(rejectedBy, retryAfterNanos, state(requests), state(tokens), requested);
        }

        private static BucketState state(WindowedLimit limit) {
            return limit == null ? null : limit.state();
        }
    }

    /** Milliseconds, rounded up so that waiting that long is always enough. */
    public static long ceilMillis(long nanos) {
        return (nanos + TimeUnit.MILLISECONDS.toNanos(1) - 1) / TimeUnit.MILLISECONDS.toNanos(1);
    }
}
