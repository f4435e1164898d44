package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the provider saw, from llm-simulator's {@code /sim/stats}, summed over its deployments: sampled
 * every second during a run for the timeline, and read once at the end for the totals.
 */
final class UpstreamStats implements AutoCloseable {

    /** One reading: cumulative upstream requests and 429s at a wall-clock instant. */
    record Sample(long epochMillis, long requests, long rateLimited) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<URI> statsUris;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "upstream-stats");
        thread.setDaemon(true);
        return thread;
    });

    UpstreamStats(List<String> simulatorUrls) {
        this.statsUris = simulatorUrls.stream().map(url -> URI.create(url + "/sim/stats")).toList();
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
        for (URI statsUri : statsUris) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(statsUri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + statsUri + " answered " + response.statusCode());
            }
            JsonNode stats = JSON.readTree(response.body());
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
