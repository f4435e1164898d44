package dev.surge.loadtest;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of a latency histogram recorded in microseconds, in milliseconds.
 *
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param max the largest
 * @param mean the mean
 */
record BenchLatency(double p50, double p90, double p99, double max, double mean) {

    static BenchLatency of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new BenchLatency(0, 0, 0, 0, 0);
        }
        return new BenchLatency(ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), ms(micros.getMaxValue()), micros.getMean() / 1_000);
    }

    private static double ms(long micros) {
        return micros / 1_000.0;
    }
}
