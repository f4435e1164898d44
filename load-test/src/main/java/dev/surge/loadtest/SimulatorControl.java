package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** llm-simulator's controls: {@code GET /sim/stats} (what the provider saw) and {@code PUT /sim/config} (faults). */
final class SimulatorControl {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Generous: on a machine loaded by the run itself the simulator may take seconds to answer a control call. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI simulator;

    SimulatorControl(URI simulator) {
        this.simulator = simulator;
    }

    /** The counters since start-up: {@code requests}, {@code by_status}, {@code concurrent}, ... */
    JsonNode stats() throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(simulator.resolve("/sim/stats")).GET());
    }

    /** Changes the settings named in {@code patch} (such as {@code {"faults":{"error_rate":0.5}}}); answers them all. */
    JsonNode configure(String patch) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(simulator.resolve("/sim/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(patch)));
    }

    private JsonNode call(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(request.build().method() + " " + request.build().uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
