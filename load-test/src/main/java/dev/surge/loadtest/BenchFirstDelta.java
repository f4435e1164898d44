package dev.surge.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.HdrHistogram.Histogram;

/**
 * Time to the first text of a streamed reply through agent-service: {@code POST /tasks/{id}/messages} with
 * {@code Accept: text/event-stream}, from the send to the first {@code delta} event, one message at a time, so the
 * figure is agent-service's own path (Temporal update, the activity on the replica's queue, the gateway's stream)
 * rather than a queue. Next to the gateway's time to first byte, it shows what agent-service adds.
 */
final class BenchFirstDelta {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private BenchFirstDelta() {
    }

    /** Sends {@code messages} streamed messages, {@code perTask} to a task, and returns the times to first delta. */
    static BenchLatency measure(URI agentService, String token, int messages, int perTask)
            throws IOException, InterruptedException {
        Histogram firstDelta = BenchWindow.newHistogram();
        String task = null;
        for (int i = 0; i < messages; i++) {
            if (i % perTask == 0) {
                task = createTask(agentService, token);
            }
            long sent = System.nanoTime();
            HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(
                    agentService.resolve("/tasks/" + task + "/messages"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"How much does a gateway cost? " + i
                            + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    throw new IOException("agent-service answered " + response.statusCode() + " to a streamed message");
                }
                boolean seen = false;
                for (String line = events.readLine(); line != null; line = events.readLine()) {
                    if (!seen && line.replace(" ", "").equals("event:delta")) {
                        BenchWindow.record(firstDelta, System.nanoTime() - sent);
                        seen = true;
                    }
                }
            }
        }
        return BenchLatency.of(firstDelta);
    }

    private static String createTask(URI agentService, String token) throws IOException, InterruptedException {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(agentService.resolve("/tasks"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        String location = created.headers().firstValue("Location").orElseThrow(() -> new IOException(
                "agent-service answered " + created.statusCode() + " without a Location to a new task"));
        return BenchAgentApi.taskId(agentService.resolve(location).toString());
    }
}
