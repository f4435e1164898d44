package dev.surge.simulator;

import static dev.surge.simulator.SimulatorTestSupport.chat;
import static dev.surge.simulator.SimulatorTestSupport.configure;
import static dev.surge.simulator.SimulatorTestSupport.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

@QuarkusTest
class FaultsTest {

    private static final int REQUESTS = 300;

    @Inject
    Vertx vertx;

    @TestHTTPResource("/")
    URL root;

    private HttpClient client;

    @BeforeEach
    void setUp() {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
                new PoolOptions().setHttp1MaxSize(REQUESTS));
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void faultsFireAtTheirConfiguredShares() throws Exception {
        configure("{\"faults\":{\"error_rate\":0.2,\"reset_rate\":0.2,\"hang_rate\":0.2}}");
        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            outcomes.add(send(chat("fault " + i, 5, false), 2000).map(Object::toString).otherwise("failed"));
        }
        Future.join(outcomes).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Map<String, Long> seen = outcomes.stream()
                .collect(Collectors.groupingBy(Future::result, Collectors.counting()));

        // Each fault takes 60 of 300 on average (sd 6.9), success 120 (sd 8.5): bands of four sd and more.
        Map<String, Integer> byStatus = given().get("/sim/stats").jsonPath().getMap("by_status");
        int serverErrors = byStatus.getOrDefault("500", 0) + byStatus.getOrDefault("502", 0)
                + byStatus.getOrDefault("503", 0);
        for (int count : List.of(serverErrors, byStatus.getOrDefault("reset", 0), byStatus.getOrDefault("hang", 0))) {
            assertTrue(count >= 30 && count <= 90, "fault shares off: " + byStatus);
        }
        int successes = byStatus.getOrDefault("200", 0);
        assertTrue(successes >= 85 && successes <= 155, "success share off: " + byStatus);
        assertEquals(REQUESTS, byStatus.values().stream().mapToInt(Integer::intValue).sum(), byStatus.toString());
        assertEquals(serverErrors, seen.getOrDefault("500", 0L) + seen.getOrDefault("502", 0L)
                + seen.getOrDefault("503", 0L), seen.toString());
        assertEquals((long) byStatus.get("200"), seen.get("200"), seen.toString());
        assertEquals(byStatus.get("reset") + byStatus.get("hang"), seen.get("failed").intValue(), seen.toString());

        // Hung requests whose client gave up are no longer in flight.
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> given().get("/sim/stats").jsonPath().getInt("concurrent") == 0);
    }

    @Test
    void streamFailAfterCutsTheStreamAfterThatManyChunks() throws Exception {
        configure("{\"faults\":{\"stream_fail_after\":3}}");

        // Raw bytes until the server closes: an HTTP client may drop the chunks it has not handed over yet when
        // the connection closes under it, which would hide what the simulator actually sent.
        String received;
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000);
            byte[] body = chat("cut me off", 50, true).getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            received = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        assertTrue(received.startsWith("HTTP/1.1 200"), received);
        // The stream did not end cleanly: no last (zero-length) chunk, no [DONE].
        assertFalse(received.endsWith("\r\n0\r\n\r\n"), "the stream ended cleanly: " + received);
        assertEquals(3, received.split("data: ", -1).length - 1, received);
        assertFalse(received.contains("[DONE]"));
        given().get("/sim/stats").then().body("by_status.stream_failed", equalTo(1));
    }

    @Test
    void insufficientQuotaModeAnswers429InsufficientQuota() {
        configure("{\"faults\":{\"insufficient_quota\":true}}");
        post("k", chat("anything", 5, false)).then().statusCode(429)
                .header("retry-after-ms", nullValue())
                .body("error.type", equalTo("insufficient_quota"))
                .body("error.code", equalTo("insufficient_quota"));
        JsonPath stats = given().get("/sim/stats").jsonPath();
        assertEquals(1, stats.getInt("rate_limited"));
        assertEquals(1, stats.getInt("by_status.429"));
    }

    private Future<Integer> send(String body, long idleTimeoutMillis) {
        return client.request(requestOptions().setIdleTimeout(idleTimeoutMillis))
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(ignored -> response.statusCode()));
    }

    private RequestOptions requestOptions() {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost(root.getHost()).setPort(root.getPort())
                .setURI("/v1/chat/completions").putHeader("Content-Type", "application/json");
    }
}
