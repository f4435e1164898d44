package dev.surge.loadtest;

/**
 * When an open loop sends: request {@code k} is due at {@code start + k / rate}, whatever became of the
 * requests before it. Latency is measured from that intended time, not from when a connection was free to
 * send it, so a stall of the system under test counts against every request it delayed (no coordinated
 * omission). Whole nanoseconds and integer arithmetic, so that {@link #intendedNanos} and {@link #dueBy}
 * agree exactly.
 *
 * @param startNanos when request 0 is due, on the {@link System#nanoTime()} clock
 * @param perSecond requests per second
 */
record BenchSchedule(long startNanos, long perSecond) {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    BenchSchedule {
        if (perSecond < 1) {
            throw new IllegalArgumentException("the rate must be at least 1 request a second");
        }
    }

    /** When request {@code k} (from 0) is due. */
    long intendedNanos(long k) {
        return startNanos + k * NANOS_PER_SECOND / perSecond;
    }

    /** How many requests are due at {@code nowNanos}: the number of {@code k} with {@code intendedNanos(k) <= now}. */
    long dueBy(long nowNanos) {
        long elapsed = nowNanos - startNanos;
        if (elapsed < 0) {
            return 0;
        }
        // k * 1e9 / rate <= elapsed (integer division)  <=>  k * 1e9 < (elapsed + 1) * rate
        return ((elapsed + 1) * perSecond + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }
}
