package dev.surge.simulator;

import static dev.surge.simulator.SimulatorTestSupport.chat;
import static dev.surge.simulator.SimulatorTestSupport.configure;
import static dev.surge.simulator.SimulatorTestSupport.post;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A request whose prompt and maximum exceed the whole tokens-per-minute limit can never be admitted: it gets
 * OpenAI's "Request too large" 429 with no delay to wait for, every time, and the limit it exceeds in
 * {@code x-ratelimit-limit-tokens} (the gateway learns from it never to send such a request again).
 */
@QuarkusTest
class RequestTooLargeTest {

    @Test
    void refusesARequestAboveTheWholeTpmLimitWithoutADelay() {
        configure("{\"tpm\":1000}");
        // "hello" is 2 prompt tokens: 2 + 5000 requested.
        String tooLarge = chat("hello", 5000, false);

        for (int i = 0; i < 2; i++) {
            post("large", tooLarge).then().statusCode(429)
                    .body("error.type", equalTo("tokens"))
                    .body("error.code", equalTo("rate_limit_exceeded"))
                    .body("error.message", startsWith("Request too large for gpt-4o-mini in organization "))
                    .body("error.message", containsString(
                            "on tokens per min (TPM): Limit 1000, Requested 5002."))
                    .header("x-ratelimit-limit-tokens", "1000")
                    .header("retry-after-ms", nullValue())
                    .header("Retry-After", nullValue());
        }
    }
}
