package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void busyShareCountsAdmittedRequestsFromTheFirstToTheLastThatReachedTheProvider() {
        // Nothing for 30 s (tasks being opened), then 10 requests a second for 100 s, 20 of them refused.
        List<UpstreamStats.Sample> samples = List.of(
                new UpstreamStats.Sample(0, 0, 0),
                new UpstreamStats.Sample(30_000, 0, 0),
                new UpstreamStats.Sample(31_000, 10, 0),
                new UpstreamStats.Sample(130_000, 1_000, 20),
                new UpstreamStats.Sample(140_000, 1_000, 20));

        // 980 admitted in the 100 s from 30 s to 130 s, against 10 a second.
        assertEquals(0.98, Report.busyShare(samples, samples.get(4), 10), 1e-9);
    }

    @Test
    void busyShareIsZeroWithoutRequests() {
        List<UpstreamStats.Sample> samples = List.of(new UpstreamStats.Sample(0, 0, 0), new UpstreamStats.Sample(1_000, 0, 0));

        assertEquals(0, Report.busyShare(samples, samples.get(1), 10));
    }
}
