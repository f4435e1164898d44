package dev.surge.simulator.service;

import java.util.concurrent.TimeUnit;

/**
 * A bucket that holds up to {@code capacity} units and refills continuously at a per-minute rate: the one
 * definition of the simulator's bucket arithmetic, used for the minute window and for the burst window alike.
 *
 * <p>Rejected requests may take from it too (OpenAI counts them against the limit), so the level can go
 * negative; the debt is capped at one bucket's capacity, so a client that keeps hammering waits at most two
 * buckets' refill. A request larger than the bucket fits once the bucket is full and leaves it in debt, so that
 * a short window never refuses a request for good. Not thread-safe: {@link RateLimiter} guards each key's buckets.
 */
final class TokenBucket {

    private static final double NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private double capacity;
    private double ratePerNano;
    private double level;
    private long refilledAt;

    /** A full bucket of {@code capacity} units refilling at {@code perMinute} units a minute. */
    TokenBucket(double capacity, long perMinute, long now) {
        this.capacity = capacity;
        this.ratePerNano = perMinute / NANOS_PER_MINUTE;
        this.level = capacity;
        this.refilledAt = now;
    }

    /** Adds what has dripped in since the last call at the given rate; a changed size or rate applies from now. */
    void refill(double capacity, long perMinute, long now) {
        long elapsed = Math.max(0, now - refilledAt);
        this.level = Math.min(capacity, level + elapsed * ratePerNano);
        this.capacity = capacity;
        this.ratePerNano = perMinute / NANOS_PER_MINUTE;
        this.refilledAt = now;
    }

    /** Whether a request of {@code amount} fits now: the bucket holds it, or is full when it is larger. */
    boolean fits(double amount) {
        return level >= needed(amount);
    }

    /** Nanoseconds until a request of {@code amount} fits; 0 when it already does. */
    long nanosUntilFits(double amount) {
        return nanosUntil(needed(amount));
    }

    /** Takes {@code amount}, allowing a debt of up to one bucket's capacity. */
    void take(double amount) {
        level = Math.max(-capacity, level - amount);
    }

    /** Whole units available now, never negative. */
    long remaining() {
        return (long) Math.floor(Math.max(0, level));
    }

    /** Nanoseconds until the bucket is full again. */
    long nanosUntilFull() {
        return nanosUntil(capacity);
    }

    private double needed(double amount) {
        return Math.min(amount, capacity);
    }

    private long nanosUntil(double target) {
        if (level >= target) {
            return 0;
        }
        return (long) Math.ceil((target - level) / ratePerNano);
    }
}
