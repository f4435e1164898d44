package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the provider saw, from llm-simulator's {@code /sim/stats}: sampled every second during a run
 * for the timeline, and read once at the end for the totals.
 */
final class UpstreamStats implements AutoCloseable {

    /** One reading: cumulative upstream requests and 429s at a wall-clock instant. */
    record Sample(long epochMillis, long requests, long rateLimited) {
    }

    private final SimulatorControl simulator;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "upstream-stats");
        thread.setDaemon(true);
        return thread;
    });

    UpstreamStats(String simulatorUrl) {
        this.simulator = new SimulatorControl(URI.create(simulatorUrl));
    }

    void startSampling() {
        sampler.scheduleAtFixedRate(() -> {
            try {
                samples.add(read());
            } catch (IOException e) {
                // A missed sample leaves a gap in the timeline; the totals are read again at the end.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    Sample read() throws IOException, InterruptedException {
        JsonNode stats = simulator.stats();
        return new Sample(System.currentTimeMillis(), stats.path("requests").asLong(), stats.path("rate_limited").asLong());
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
