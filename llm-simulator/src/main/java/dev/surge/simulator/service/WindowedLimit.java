package dev.surge.simulator.service;

import java.util.concurrent.TimeUnit;

import dev.surge.simulator.service.RateLimiter.BucketState;

/**
 * One per-minute limit of one key (requests or tokens), enforced the way OpenAI documents it: over the minute and
 * over a shorter window as well ("60,000 requests/minute may be enforced as 1,000 requests/second"). Two
 * {@link TokenBucket}s refill at the limit's rate; the minute bucket holds a minute's allowance and is what the
 * {@code x-ratelimit-*} headers announce, the burst bucket holds the burst window's share and refuses a burst
 * that the minute would still allow. Every charge takes from both.
 *
 * <p>Not thread-safe: {@link RateLimiter} guards each key's limits.
 */
final class WindowedLimit {

    private static final long NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private long perMinute;
    private final TokenBucket minute;
    /** Null while the burst window is off or spans the whole minute. */
    private TokenBucket burst;

    /** Full buckets for {@code perMinute} units a minute, {@code burstNanos} of it at once (0 = the minute only). */
    WindowedLimit(long perMinute, long burstNanos, long now) {
        this.perMinute = perMinute;
        this.minute = new TokenBucket(perMinute, perMinute, now);
        this.burst = burstBucket(perMinute, burstNanos, now);
    }

    /** Refills both buckets up to {@code now}; a changed limit or window applies from now. */
    void refill(long perMinute, long burstNanos, long now) {
        this.perMinute = perMinute;
        minute.refill(perMinute, perMinute, now);
        if (burst == null || !hasBurst(burstNanos)) {
            burst = burstBucket(perMinute, burstNanos, now);
        } else {
            burst.refill(burstCapacity(perMinute, burstNanos), perMinute, now);
        }
    }

    /** Whether a request of {@code amount} fits both windows now. */
    boolean fits(double amount) {
        return minute.fits(amount) && (burst == null || burst.fits(amount));
    }

    /** Nanoseconds until a request of {@code amount} fits both windows; 0 when it does now. */
    long nanosUntilFits(double amount) {
        return Math.max(minute.nanosUntilFits(amount), burst == null ? 0 : burst.nanosUntilFits(amount));
    }

    /** Charges {@code amount} to both windows, admitted or not. */
    void take(double amount) {
        minute.take(amount);
        if (burst != null) {
            burst.take(amount);
        }
    }

    /** The per-minute view that OpenAI's headers give: the limit, what remains of it, when it is full again. */
    BucketState state() {
        return new BucketState(perMinute, minute.remaining(), minute.nanosUntilFull());
    }

    private static boolean hasBurst(long burstNanos) {
        return burstNanos > 0 && burstNanos < NANOS_PER_MINUTE;
    }

    private static TokenBucket burstBucket(long perMinute, long burstNanos, long now) {
        return hasBurst(burstNanos) ? new TokenBucket(burstCapacity(perMinute, burstNanos), perMinute, now) : null;
    }

    private static double burstCapacity(long perMinute, long burstNanos) {
        return (double) perMinute * burstNanos / NANOS_PER_MINUTE;
    }
}
