package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** What the gateway retries, how long it waits, and what the caller gets when it gives up. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class RetryTest extends UpstreamStubbedTest {

    @Test
    void retriesRateLimitedRequestsThenSucceeds() {
        stubAnswersInTurn(rateLimited(), rateLimited(),
                completion().withHeader("x-ratelimit-remaining-requests", "499"));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"num_retries\":3,\"timeout\":30,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .post(PATH)
                .then().statusCode(200)
                .header("x-ratelimit-remaining-requests", "499")
                .body("choices[0].message.content", equalTo("Hello! How can I help you today?"));

        // Each attempt forwards the same body, without the gateway's own fields.
        upstream.verify(3, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(Fixtures.CHAT_REQUEST)));
    }

    @Test
    void honoursRetryAfterSeconds() {
        stubAnswersInTurn(rateLimited().withHeader("Retry-After", "2"), completion());

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH)
                .then().statusCode(200);

        List<Duration> gaps = gapsBetweenAttempts(2);
        assertThat(gaps.get(0), greaterThanOrEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void honoursRetryAfterMilliseconds() {
        stubAnswersInTurn(aResponse().withStatus(503).withHeader("retry-after-ms", "600")
                .withBody(Fixtures.error("The server is overloaded.", "server_error", null)),
                completion());

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH)
                .then().statusCode(200);

        // 600 ms, well above the 50 ms test backoff: the server's delay won.
        assertThat(gapsBetweenAttempts(2).get(0), greaterThanOrEqualTo(Duration.ofMillis(600)));
    }

    @Test
    void honoursRateLimitResetOfTheExhaustedLimit() {
        stubAnswersInTurn(rateLimited().withHeader("x-ratelimit-remaining-requests", "0")
                .withHeader("x-ratelimit-reset-requests", "700ms")
                .withHeader("x-ratelimit-reset-tokens", "20ms"),
                completion());

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH)
                .then().statusCode(200);

        assertThat(gapsBetweenAttempts(2).get(0), greaterThanOrEqualTo(Duration.ofMillis(700)));
    }

    @Test
    void endsTheCallAtItsDeadline() {
        upstream.stubFor(post(PATH).willReturn(completion().withFixedDelay(3000)));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"timeout\":0.5,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .post(PATH)
                .then().statusCode(504)
                .header("x-should-retry", "false")
                .body("error.code", equalTo("deadline_exceeded"));

        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void doesNotRetryBadRequest() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("Invalid value for 'temperature'.", "invalid_request_error",
                        "invalid_value"))));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH)
                .then().statusCode(400)
                .header("x-should-retry", "false")
                .body("error.code", equalTo("invalid_value"));

        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void doesNotRetryUnauthorizedUpstream() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"))));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH)
                .then().statusCode(401)
                .body("error.code", equalTo("invalid_api_key"));

        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void doesNotRetryInsufficientQuota() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("You exceeded your current quota, please check your plan and billing details.",
                        "insufficient_quota", "insufficient_quota"))));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH)
                .then().statusCode(429)
                .header("x-should-retry", "false")
                .body("error.code", equalTo("insufficient_quota"));

        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void givesUpAfterNumRetriesTellingCallerNotToRetry() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("The server is overloaded.", "server_error", null))));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"num_retries\":1,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .post(PATH)
                .then().statusCode(503)
                .header("x-should-retry", "false")
                .header("retry-after", nullValue())
                .body("error.message", equalTo("The server is overloaded."));

        upstream.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void obeysUpstreamShouldRetryFalse() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(500).withHeader("x-should-retry", "false")
                .withBody(Fixtures.error("The model failed.", "server_error", null))));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH)
                .then().statusCode(500)
                .header("x-should-retry", "false");

        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void answersAtOnceWhenTheWaitWouldOverrunTheTimeout() {
        upstream.stubFor(post(PATH).willReturn(rateLimited().withHeader("Retry-After", "20")));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"timeout\":5,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .post(PATH)
                .then().statusCode(429)
                .header("x-should-retry", "false")
                .header("retry-after", "20")
                .body("error.code", equalTo("rate_limit_exceeded"));

        // One attempt, the upstream's own answer with the full delay still due: the 20 s wait was not taken, and
        // the 5 s deadline was not waited out either (that would have been a 504 deadline_exceeded).
        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void retriesConnectionFailures() {
        stubAnswersInTurn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), completion());

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH)
                .then().statusCode(200);

        upstream.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    private static ResponseDefinitionBuilder rateLimited() {
        return aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("Rate limit reached for gpt-4o-mini on requests per min (RPM).",
                        "requests", "rate_limit_exceeded"));
    }

    private static ResponseDefinitionBuilder completion() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION);
    }
}
