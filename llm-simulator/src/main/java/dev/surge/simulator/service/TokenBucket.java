package dev.surge.simulator.service;

import java.util.concurrent.TimeUnit;

/**
 * A bucket that holds up to one minute's allowance and refills continuously at limit/60 s.
 *
 * <p>Rejected requests may take from it too (OpenAI counts them against the limit), so the level
 * can go negative; the debt is capped at one minute's allowance, so a client that keeps hammering
 * waits at most a minute and one request's refill. Not thread-safe: {@link RateLimiter} guards each key's buckets.
 */
final class TokenBucket {

    private static final double NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private long limit;
    private double level;
    private long refilledAt;

    TokenBucket(long limit, long now) {
        this.limit = limit;
        this.level = limit;
        this.refilledAt = now;
    }

    /** Adds what has dripped in since the last call, at the rate of {@code limit} (a changed limit applies to it). */
    void refill(long limit, long now) {
        this.limit = limit;
        long elapsed = Math.max(0, now - refilledAt);
        level = Math.min(limit, level + elapsed * ratePerNano());
        refilledAt = now;
    }

    double level() {
        return level;
    }

    long limit() {
        return limit;
    }

    /** Takes {@code amount}, allowing a debt of up to one minute's allowance. */
    void take(double amount) {
        level = Math.max(-limit, level - amount);
    }

    /** Nanoseconds until the level reaches {@code target}; 0 when it already has. */
    long nanosUntil(double target) {
        if (level >= target) {
            return 0;
        }
        return (long) Math.ceil((target - level) / ratePerNano());
    }

    /** Whole units available now, never negative. */
    long remaining() {
        return (long) Math.floor(Math.max(0, level));
    }

    /** Nanoseconds until the bucket is full again. */
    long nanosUntilFull() {
        return nanosUntil(limit);
    }

    private double ratePerNano() {
        return limit / NANOS_PER_MINUTE;
    }
}
