package dev.surge.simulator;

import static dev.surge.simulator.SimulatorTestSupport.chat;
import static dev.surge.simulator.SimulatorTestSupport.configure;
import static dev.surge.simulator.SimulatorTestSupport.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class RateLimitTest {

    @TestHTTPResource("/v1/chat/completions")
    URI chatUri;

    @Test
    void requestsBeyondTheMinutesAllowanceGet429WithRetryAfterAfterWhichTheRequestIsAdmitted() throws Exception {
        configure("{\"rpm\":120}");
        int admitted = 0;
        Response rejected = null;
        for (int i = 0; i < 300 && rejected == null; i++) {
            Response response = post("burst", chat("hello", 16, false));
            if (response.statusCode() == 429) {
                rejected = response;
            } else {
                assertEquals(200, response.statusCode());
                admitted++;
            }
        }
        assertNotNull(rejected, "no 429 within 300 requests at 120 RPM");
        assertTrue(admitted >= 120, "admitted " + admitted + " before the first 429");
        rejected.then()
                .body("error.type", equalTo("requests"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.param", nullValue())
                .body("error.message", containsString("Rate limit reached for gpt-4o-mini"))
                .body("error.message", containsString("Please try again in"))
                .header("x-ratelimit-limit-requests", "120")
                .header("x-ratelimit-remaining-requests", "0");
        long retryAfterMs = Long.parseLong(rejected.header("retry-after-ms"));
        assertTrue(retryAfterMs > 0 && retryAfterMs <= 60_000, "retry-after-ms " + retryAfterMs);
        assertEquals((retryAfterMs + 999) / 1000, Long.parseLong(rejected.header("Retry-After")));

        Thread.sleep(retryAfterMs);
        post("burst", chat("hello", 16, false)).then().statusCode(200);
    }

    @Test
    void aBurstAboveTheWindowIsRefusedWhileTheSameRequestsSpreadOverTimeAreAdmitted() throws Exception {
        // 10 requests a second, enforced over half a second as well: 5 at once.
        configure("{\"rpm\":600,\"burst_ms\":500}");
        int requests = 20;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            burst.add(client.sendAsync(chatRequest("window", "burst " + i), HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;

        List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
        long admitted = answers.stream().filter(r -> r.statusCode() == 200).count();
        assertEquals(requests, admitted + refused.size(), "only 200 and 429 expected");
        assertTrue(admitted >= 5 && admitted <= 5 + Math.ceil(elapsedSeconds * 10),
                "admitted " + admitted + " in " + elapsedSeconds + " s");
        long longestWait = 0;
        for (HttpResponse<String> answer : refused) {
            // Announced per minute, as OpenAI does: the minute was far from spent.
            assertEquals("600", answer.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
            long remaining = Long.parseLong(answer.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            assertTrue(remaining >= 600 - requests, "remaining " + remaining);
            // The window's debt stops at -5: 6 requests at 10 a second at most.
            long retryAfterMs = Long.parseLong(answer.headers().firstValue("retry-after-ms").orElseThrow());
            assertTrue(retryAfterMs > 0 && retryAfterMs <= 600, "retry-after-ms " + retryAfterMs);
            longestWait = Math.max(longestWait, retryAfterMs);
        }
        Thread.sleep(longestWait);
        post("window", chat("after the burst", 16, false)).then().statusCode(200);

        configure("{\"rpm\":600,\"burst_ms\":500}");
        for (int i = 0; i < requests; i++) {
            post("window", chat("spread " + i, 16, false)).then().statusCode(200);
            Thread.sleep(120);
        }
    }

    @Test
    void remainingRequestsCountDownAndResetAfterTheReportedTime() throws Exception {
        // 120 RPM refills one request every 500 ms: the countdown holds unless requests are that far apart.
        configure("{\"rpm\":120,\"tpm\":100000}");
        List<Long> remaining = new ArrayList<>();
        String reset = null;
        for (int i = 0; i < 5; i++) {
            Response response = post("countdown", chat("count", 10, false));
            response.then().statusCode(200)
                    .header("x-ratelimit-limit-requests", "120")
                    .header("x-ratelimit-limit-tokens", "100000");
            remaining.add(Long.parseLong(response.header("x-ratelimit-remaining-requests")));
            reset = response.header("x-ratelimit-reset-requests");
            assertTrue(Long.parseLong(response.header("x-ratelimit-remaining-tokens")) < 100000);
        }
        assertEquals(119, remaining.get(0));
        for (int i = 1; i < remaining.size(); i++) {
            assertTrue(remaining.get(i) < remaining.get(i - 1), "remaining did not count down: " + remaining);
        }
        long resetMillis = millis(reset);
        assertTrue(resetMillis > 0 && resetMillis <= 2500, "5 requests at 2/s refill within 2.5 s, got " + reset);

        Thread.sleep(resetMillis);
        post("countdown", chat("count", 10, false)).then().statusCode(200)
                .header("x-ratelimit-remaining-requests", "119");
    }

    @Test
    void bigMaxTokensHitsTheTpmLimit() {
        configure("{\"tpm\":1000}");
        post("tokens", chat("a question", 800, false)).then().statusCode(200)
                .header("x-ratelimit-limit-tokens", "1000");
        Response rejected = post("tokens", chat("a question", 800, false));
        rejected.then().statusCode(429)
                .body("error.type", equalTo("tokens"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.message", containsString("on tokens per min (TPM): Limit 1000"));
        assertTrue(Long.parseLong(rejected.header("retry-after-ms")) > 0);
        post("tokens", chat("a question", 100, false)).then().statusCode(200);

        post("tokens", chat("a question", 5000, false)).then().statusCode(429)
                .body("error.message", containsString("Request too large"))
                .header("retry-after-ms", nullValue());
    }

    @Test
    void requestsBeyondThePerKeyConcurrencyCapGet429() {
        configure("{\"max_concurrent_per_key\":1,\"latency\":{\"first_token_ms\":1000}}");
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(HttpRequest.newBuilder(chatUri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chat("slow", 5, false)))
                .build(), HttpResponse.BodyHandlers.ofString());
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> given().get("/sim/stats").jsonPath().getInt("concurrent") == 1);

        post(null, chat("second", 5, false)).then().statusCode(429).body("error.type", equalTo("requests"));
        post("another-key", chat("third", 5, false)).then().statusCode(200);
        assertEquals(200, slow.join().statusCode());
    }

    private HttpRequest chatRequest(String apiKey, String text) {
        return HttpRequest.newBuilder(chatUri)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(chat(text, 16, false)))
                .build();
    }

    /** Reads the two forms a sub-minute reset takes: {@code 450ms} and {@code 1.2s}. */
    private static long millis(String duration) {
        if (duration.endsWith("ms")) {
            return Long.parseLong(duration.substring(0, duration.length() - 2));
        }
        return Math.round(Double.parseDouble(duration.substring(0, duration.length() - 1)) * 1000);
    }
}
