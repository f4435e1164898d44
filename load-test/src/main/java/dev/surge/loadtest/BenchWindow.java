package dev.surge.loadtest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The tally of one measured window, kept on the generator's event loop: the latency of every answered request
 * and what failed. {@link #reset()} opens the window (everything recorded during warm-up is dropped).
 */
class BenchWindow {

    /** Latencies above this are recorded as this (five minutes: no request of the benchmark waits that long). */
    static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);

    private final Histogram latency = newHistogram();
    private final Map<Integer, Long> failedByStatus = new TreeMap<>();
    private long answered;
    private long errors;
    private long openedNanos = System.nanoTime();

    static Histogram newHistogram() {
        return new Histogram(MAX_MICROS, 3);
    }

    static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.max(0, Math.min(MAX_MICROS, nanos / 1_000)));
    }

    void reset() {
        latency.reset();
        failedByStatus.clear();
        answered = 0;
        errors = 0;
        openedNanos = System.nanoTime();
    }

    /** A request answered with success after {@code latencyNanos}. */
    void answered(long latencyNanos) {
        record(latency, latencyNanos);
        answered++;
    }

    /** A request answered with {@code status} after {@code latencyNanos}: a success when it is 200. */
    void answered(int status, long latencyNanos) {
        if (status == 200) {
            answered(latencyNanos);
        } else {
            failed(status);
        }
    }

    /** A request answered with a status that is not the expected success. */
    void failed(int status) {
        failedByStatus.merge(status, 1L, Long::sum);
    }

    /** A request that got no complete answer (refused, reset, closed). */
    void error() {
        errors++;
    }

    Result result() {
        double seconds = (System.nanoTime() - openedNanos) / 1e9;
        return new Result(answered, Map.copyOf(failedByStatus), errors, seconds, answered / seconds,
                BenchLatency.of(latency));
    }

    /**
     * One window's figures.
     *
     * @param answered requests answered with success
     * @param failedByStatus other answers, by status
     * @param errors requests without a complete answer
     * @param seconds the window's length
     * @param perSecond answered requests per second
     * @param latencyMs latency of the answered requests
     */
    record Result(long answered, Map<Integer, Long> failedByStatus, long errors, double seconds, double perSecond,
            BenchLatency latencyMs) {

        long failed() {
            return failedByStatus.values().stream().mapToLong(Long::longValue).sum() + errors;
        }
    }
}
