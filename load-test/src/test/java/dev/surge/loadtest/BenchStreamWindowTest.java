package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class BenchStreamWindowTest {

    private static final long MS = 1_000_000;

    @Test
    void addedLatencyIsTheMeanOverPositionsOfTheDifferenceOfPercentiles() {
        // Position 0 arrives 1..100 ms after the send direct and 3 ms later through the gateway; position 1 at
        // 11..110 ms direct and 5 ms later through it: 4 ms added on average at every percentile.
        long[][] direct = {range(1, 100), range(11, 110)};
        long[][] through = {range(4, 103), range(16, 115)};

        BenchStreamWindow.Added added = BenchStreamWindow.Added.between(direct, through, 20);

        assertEquals(2, added.positions());
        assertEquals(4.0, added.p50Ms(), 1e-9);
        assertEquals(4.0, added.p99Ms(), 1e-9);
    }

    @Test
    void positionsSeenTooRarelyOnEitherSideAreNotCompared() {
        long[][] direct = {range(1, 100), range(1, 5)};
        long[][] through = {range(2, 101), range(100, 200), range(1, 100)};

        BenchStreamWindow.Added added = BenchStreamWindow.Added.between(direct, through, 20);

        assertEquals(1, added.positions());
        assertEquals(1.0, added.p50Ms(), 1e-9);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = LongStream.rangeClosed(1, 100).toArray();

        assertEquals(50, BenchStreamWindow.percentile(sorted, 50));
        assertEquals(99, BenchStreamWindow.percentile(sorted, 99));
        assertEquals(100, BenchStreamWindow.percentile(sorted, 100));
        assertEquals(7, BenchStreamWindow.percentile(new long[] {7}, 99));
    }

    @Test
    void recordsEventsByPositionAndTheirGaps() {
        BenchStreamWindow window = new BenchStreamWindow();
        window.reset();
        window.firstByte(2 * MS);
        window.event(0, 2 * MS, -1);
        window.event(1, 12 * MS, 10 * MS);
        window.event(2, 22 * MS, 10 * MS);
        window.answered(22 * MS);

        BenchStreamWindow.Streams streams = window.streams();

        assertEquals(3.0, streams.eventsPerStream(), 1e-9);
        assertEquals(3, streams.arrivalNanos().length);
        assertEquals(12 * MS, streams.arrivalNanos()[1][0]);
        assertEquals(10.0, streams.gapMs().p50(), 0.01);
        assertEquals(2.0, streams.firstByteMs().p50(), 0.01);
    }

    private static long[] range(long fromMs, long toMs) {
        return LongStream.rangeClosed(fromMs, toMs).map(ms -> ms * MS).toArray();
    }
}
