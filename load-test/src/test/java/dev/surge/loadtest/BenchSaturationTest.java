package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class BenchSaturationTest {

    @Test
    void keepsGoingWhileThroughputGrows() {
        assertFalse(BenchSaturation.saturated(List.of(10.0)));
        assertFalse(BenchSaturation.saturated(List.of(10.0, 19.0, 35.0, 40.0)));
    }

    @Test
    void stopsAfterTwoLevelsInARowThatDoNotBeatTheBestByTenPercent() {
        assertFalse(BenchSaturation.saturated(List.of(10.0, 20.0, 21.0)));
        assertTrue(BenchSaturation.saturated(List.of(10.0, 20.0, 21.0, 21.5)));
        assertTrue(BenchSaturation.saturated(List.of(10.0, 20.0, 18.0, 15.0)));
    }

    @Test
    void levelsThatRanOutWithoutGrowthAtTheLastOneSaturatedAlready() {
        assertTrue(BenchSaturation.flatAtTheEnd(List.of(87.0, 88.0, 99.8, 52.7)));
        assertFalse(BenchSaturation.flatAtTheEnd(List.of(10.0, 20.0, 40.0)));
    }

    @Test
    void aDipThatRecoversDoesNotEndTheSearch() {
        assertFalse(BenchSaturation.saturated(List.of(10.0, 20.0, 12.0, 30.0, 31.0)));
    }

    @Test
    void theSaturationPointIsTheFirstLevelWithinTenPercentOfThePeak() {
        List<Double> throughputs = List.of(19.6, 42.6, 77.0, 80.8, 102.3, 102.6, 102.9);

        assertEquals(102.9, BenchSaturation.peak(throughputs), 1e-9);
        assertEquals(4, BenchSaturation.knee(throughputs));
        assertEquals(0, BenchSaturation.knee(List.of(5.0)));
    }
}
