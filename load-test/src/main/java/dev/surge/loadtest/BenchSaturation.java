package dev.surge.loadtest;

import java.util.List;

/**
 * Decides when raising concurrency has stopped paying: a level "grows" when its throughput beats the best of
 * the levels before it by at least {@link #GROWTH}; after {@link #FLAT_LEVELS} levels in a row that do not,
 * the system is saturated. Two, not one, so that a single level spoilt by noise on a shared machine does not
 * end the search early.
 */
final class BenchSaturation {

    /** The least gain over the best earlier level that counts as growth. */
    static final double GROWTH = 1.10;
    /** Levels in a row without growth that end the search. */
    static final int FLAT_LEVELS = 2;

    private BenchSaturation() {
    }

    /** True when the throughputs measured so far, level by level, show that more concurrency no longer helps. */
    static boolean saturated(List<Double> throughputs) {
        return flatLevels(throughputs) >= FLAT_LEVELS;
    }

    /**
     * True when the levels ran out without growth at the last one: throughput had stopped growing, though there
     * was no level left to confirm it.
     */
    static boolean flatAtTheEnd(List<Double> throughputs) {
        return flatLevels(throughputs) > 0;
    }

    /** How many levels in a row, up to the last, did not grow. */
    private static int flatLevels(List<Double> throughputs) {
        int flat = 0;
        double best = 0;
        for (int i = 0; i < throughputs.size(); i++) {
            double throughput = throughputs.get(i);
            if (i > 0 && throughput < best * GROWTH) {
                flat++;
            } else {
                flat = 0;
            }
            best = Math.max(best, throughput);
        }
        return flat;
    }

    /** The highest throughput measured. */
    static double peak(List<Double> throughputs) {
        return throughputs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /**
     * The saturation point: the index of the first level within {@link #GROWTH} of the peak, beyond which more
     * concurrency added less than that (noise decides which of the flat levels is highest, not the system).
     */
    static int knee(List<Double> throughputs) {
        double peak = peak(throughputs);
        for (int i = 0; i < throughputs.size(); i++) {
            if (throughputs.get(i) * GROWTH >= peak) {
                return i;
            }
        }
        throw new IllegalArgumentException("no levels");
    }
}
