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
 * What the provider saw, from llm-simulator's {@code /sim/stats}, summed over its deployments: sampled
 * every second during a run for the timeline, and read once at the end for the totals.
 */
final class UpstreamStats implements AutoCloseable {

    /** One reading: cumulative upstream requests and 429s at a wall-clock instant. */
    record Sample(long epochMillis, long requests, long rateLimited) {
    }

    private final List<SimulatorControl> simulators;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "upstream-stats");
        thread.setDaemon(true);
        return thread;
    });

    UpstreamStats(List<String> simulatorUrls) {
        this.simulators = simulatorUrls.stream().map(url -> new SimulatorControl(URI.create(url))).toList();
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
        long requests = 0;
        long rateLimited = 0;
        for (SimulatorControl simulator : simulators) {
            JsonNode stats = simulator.stats();
            requests += stats.path("requests").asLong();
            rateLimited += stats.path("rate_limited").asLong();
        }
        return new Sample(System.currentTimeMillis(), requests, rateLimited);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
