package dev.surge.gateway.deployment;

import java.util.concurrent.TimeUnit;

/**
 * The token-bucket arithmetic of the gateway, for requests and tokens alike: a per-minute limit, refilled
 * continuously at limit/60 s (times a share just under 1, for headroom) up to a burst of a fraction of a minute's allowance. A charge larger than the burst
 * may go once the bucket is full, and leaves it in debt: over time the rate holds whatever the sizes.
 *
 * <p>Not thread-safe: its owner holds a lock around every use.
 */
final class RateBucket {

    private static final double NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final double burstMinutes;
    /** The share of the limit the bucket refills at: a little under 1 leaves headroom below the provider's rate. */
    private final double rateShare;
    /** The per-minute limit; 0 while unknown, and then nothing is held back. */
    private long limit;
    private double level;
    private long refilledAt;

    /**
     * @param burstNanos how much of the rate may go at once, as the time it takes to refill
     * @param limit a per-minute limit known up front, or 0
     * @param rateShare the share of the limit to refill at, above 0 and at most 1
     * @param now the current {@link System#nanoTime()}
     */
    RateBucket(long burstNanos, long limit, double rateShare, long now) {
        this.burstMinutes = burstNanos / NANOS_PER_MINUTE;
        this.rateShare = rateShare;
        this.refilledAt = now;
        setLimit(limit);
        this.level = capacity();
    }

    /** Whether a limit is known. */
    boolean known() {
        return limit > 0;
    }

    /** The per-minute limit, 0 while unknown. */
    long limit() {
        return limit;
    }

    /**
     * Takes a limit announced by the upstream: the lower of it and {@code ceiling} (a configured limit, or 0 for
     * none). A bucket that learns its first limit starts full.
     */
    void announce(long announced, long ceiling, long now) {
        long next = ceiling > 0 ? Math.min(announced, ceiling) : announced;
        if (next <= 0 || next == limit) {
            return;
        }
        refill(now);
        boolean first = limit == 0;
        setLimit(next);
        level = first ? capacity() : Math.min(level, capacity());
    }

    /** Lowers the level to what the upstream reports remaining, when that is less. */
    void lowerTo(long remaining) {
        if (known() && remaining >= 0 && remaining < level) {
            level = remaining;
        }
    }

    /** Empties the bucket, keeping any debt. */
    void drain() {
        level = Math.min(level, 0);
    }

    /** Whether {@code cost} may be taken now; call {@link #refill(long)} first. */
    boolean hasRoomFor(long cost) {
        return !known() || level >= needed(cost);
    }

    /** Takes {@code cost}; the level may go below zero. */
    void take(long cost) {
        if (known()) {
            level -= cost;
        }
    }

    /**
     * Nanoseconds until {@code queued} charges already waiting plus {@code cost} could all have gone, at the
     * refill rate; 0 while the limit is unknown. Call {@link #refill(long)} first.
     */
    long nanosUntil(long queued, long cost) {
        if (!known()) {
            return 0;
        }
        double missing = queued + needed(cost) - level;
        return missing <= 0 ? 0 : (long) Math.ceil(missing * NANOS_PER_MINUTE / (limit * rateShare));
    }

    /** Refills for the time passed since the last refill. */
    void refill(long now) {
        if (known()) {
            level = Math.min(capacity(), level + (now - refilledAt) * (limit * rateShare / NANOS_PER_MINUTE));
        }
        refilledAt = now;
    }

    private void setLimit(long limit) {
        this.limit = Math.max(0, limit);
    }

    /** What must be in the bucket before {@code cost} may go: all of it, or a full bucket for a larger one. */
    private double needed(long cost) {
        return Math.min(cost, capacity());
    }

    private double capacity() {
        return Math.max(1, limit * burstMinutes);
    }
}
