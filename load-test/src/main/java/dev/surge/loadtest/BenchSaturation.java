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
        return flat >= FLAT_LEVELS;
    }

    /** The index of the level with the highest throughput: the saturation point. */
    static int peak(List<Double> throughputs) {
        int peak = 0;
        for (int i = 1; i < throughputs.size(); i++) {
            if (throughputs.get(i) > throughputs.get(peak)) {
                peak = i;
            }
        }
        return peak;
    }
}
