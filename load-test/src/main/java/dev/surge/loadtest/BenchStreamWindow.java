package dev.surge.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * The tally of a window of streamed requests: besides each stream's full duration (its latency), the time to
 * its first byte, the gaps between its events, and when each event arrived counted from the request's send,
 * by its position in the stream. Positions matter because the simulator's reply to the same prompt is always
 * the same, chunk for chunk, so position {@code i} of a direct stream and of a stream through the gateway were
 * due at the same moment: the difference of their arrival times is what the gateway added to that chunk.
 */
final class BenchStreamWindow extends BenchWindow {

    /** Positions beyond this are not kept (the simulator's replies have fewer than 70 chunks). */
    static final int MAX_POSITIONS = 256;

    private final Histogram firstByte = newHistogram();
    private final Histogram gaps = newHistogram();
    private final List<LongList> arrivals = new ArrayList<>();
    private long events;

    @Override
    void reset() {
        super.reset();
        firstByte.reset();
        gaps.reset();
        arrivals.clear();
        events = 0;
    }

    /** The first byte of a stream's body arrived {@code nanos} after its request was sent. */
    void firstByte(long nanos) {
        record(firstByte, nanos);
    }

    /**
     * Event {@code position} of a stream arrived {@code offsetNanos} after its request was sent,
     * {@code gapNanos} after the event before it (negative for the first).
     */
    void event(int position, long offsetNanos, long gapNanos) {
        events++;
        if (gapNanos >= 0) {
            record(gaps, gapNanos);
        }
        if (position < MAX_POSITIONS) {
            while (arrivals.size() <= position) {
                arrivals.add(new LongList());
            }
            arrivals.get(position).add(offsetNanos);
        }
    }

    Streams streams() {
        long[][] byPosition = arrivals.stream().map(LongList::toSortedArray).toArray(long[][]::new);
        long streams = result().answered();
        return new Streams(BenchLatency.of(firstByte), BenchLatency.of(gaps),
                streams == 0 ? 0 : (double) events / streams, byPosition);
    }

    /**
     * What the streams of a window showed.
     *
     * @param firstByteMs time to the first byte of the body
     * @param gapMs time between consecutive events of a stream
     * @param eventsPerStream events (chunks, and the final {@code [DONE]}) per answered stream
     * @param arrivalNanos for each position, the sorted arrival times of its events counted from the send
     */
    record Streams(BenchLatency firstByteMs, BenchLatency gapMs, double eventsPerStream, long[][] arrivalNanos) {
    }

    /**
     * What {@code through} added to each chunk compared with {@code direct}: for each position both saw at least
     * {@code minSamples} times, the difference of their median (and 99th percentile) arrival times, averaged over
     * those positions.
     *
     * @param p50Ms mean over positions of the difference of medians
     * @param p99Ms mean over positions of the difference of 99th percentiles
     * @param positions how many positions were compared
     */
    record Added(double p50Ms, double p99Ms, int positions) {

        static Added between(long[][] direct, long[][] through, int minSamples) {
            double p50 = 0;
            double p99 = 0;
            int positions = 0;
            for (int i = 0; i < Math.min(direct.length, through.length); i++) {
                if (direct[i].length >= minSamples && through[i].length >= minSamples) {
                    p50 += percentile(through[i], 50) - percentile(direct[i], 50);
                    p99 += percentile(through[i], 99) - percentile(direct[i], 99);
                    positions++;
                }
            }
            return positions == 0 ? new Added(0, 0, 0)
                    : new Added(p50 / positions / 1e6, p99 / positions / 1e6, positions);
        }
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** A growable list of longs, without boxing each one. */
    private static final class LongList {

        private long[] values = new long[64];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toSortedArray() {
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return sorted;
        }
    }
}
