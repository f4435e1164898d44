package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A total provider outage through the real processes: the simulator answers 500 to every request, and each
 * agent-service message, retried by the gateway, the REST client and Temporal, costs at most 4 upstream calls
 * (one budget for all three layers) and ends failed with its reason, never stuck and never a 500.
 */
class UpstreamOutageTest {

    private static final Path ROOT = Path.of(System.getProperty("surge.root", "..")).toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int MESSAGES = 3;

    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void everyMessageCostsAtMostFourUpstreamCallsAndFailsWithItsReason() throws Exception {
        Path logs = ROOT.resolve("load-test/target/upstream-outage");
        try (Stack stack = new Stack()) {
            stack.start(ROOT, Profile.RESILIENT, new SimulatorSettings(6_000, SimulatorSettings.DEFAULT_TPM), logs);
            SimulatorControl simulator = new SimulatorControl(URI.create(stack.simulatorUrl()));
            URI agent = URI.create(stack.agentServiceUrl());
            String token = DemoTokens.read(DemoTokens.privateKeyFile(logs)).mint("outage-user");
            simulator.configure("{\"faults\":{\"error_rate\":1.0}}");

            List<Long> callsPerMessage = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                long before = upstreamRequests(simulator);
                HttpResponse<String> created = send(authorized(agent.resolve("/tasks"), token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"agent\":\"default\"}")));
                assertEquals(201, created.statusCode(), created.body());
                String task = JSON.readTree(created.body()).path("id").asText();

                HttpResponse<String> answer = send(authorized(agent.resolve("/tasks/" + task + "/messages?wait=60"),
                        token).header("Content-Type", "application/json")
                        .header("Idempotency-Key", "outage-" + i)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"Are you there?\"}")));

                // The provider's outage is a capacity failure: 503 with the reason and a Retry-After, as problem+json.
                assertEquals(503, answer.statusCode(), answer.body());
                assertEquals("application/problem+json",
                        answer.headers().firstValue("Content-Type").orElse("").split(";")[0]);
                assertTrue(answer.headers().firstValue("Retry-After").isPresent(), answer.headers().toString());
                JsonNode problem = JSON.readTree(answer.body());
                assertTrue(problem.path("type").asText().endsWith("upstream-capacity"), answer.body());
                assertFalse(answer.body().contains("Exception"), answer.body());

                JsonNode reply = JSON.readTree(send(authorized(agent.resolve("/tasks/" + task + "/messages"), token)
                        .GET()).body()).path("messages").path(1);
                assertEquals("FAILED", reply.path("status").asText(), reply.toString());
                callsPerMessage.add(upstreamRequests(simulator) - before);
            }

            // The first message meets a healthy breaker: the gateway spends the whole budget on it.
            assertEquals(4, callsPerMessage.get(0), "upstream calls per message: " + callsPerMessage);
            for (long calls : callsPerMessage) {
                assertTrue(calls >= 1 && calls <= 4, "upstream calls per message: " + callsPerMessage);
            }
        }
    }

    private static HttpRequest.Builder authorized(URI uri, String token) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + token);
    }

    private static long upstreamRequests(SimulatorControl simulator) throws IOException, InterruptedException {
        return simulator.stats().path("requests").asLong();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
