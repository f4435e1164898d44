package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Every answer says how many attempts the call sent upstream, the number the upstream saw: callers that cap the
 * upstream calls of one message across their own retries count on it.
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
@WithTestResource(WireMockUpstream.class)
class UpstreamAttemptsHeaderTest extends UpstreamStubbedTest {

    private static final String ATTEMPTS = "x-surge-upstream-attempts";

    @Test
    void countsASuccessAndItsRetries() {
        stubAnswersInTurn(rateLimited(), rateLimited(), completion());

        send("{\"model\":\"gpt-4o-mini\",\"num_retries\":3,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .statusCode(200).header(ATTEMPTS, "3").header("x-surge-deployment", "default");
        upstream.verify(3, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void countsAttemptsOfAFailureGivenUpOn() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(503)
                .withBody(Fixtures.error("The server is overloaded.", "server_error", null))));

        send("{\"model\":\"gpt-4o-mini\",\"num_retries\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .statusCode(503).header(ATTEMPTS, "2").header("x-should-retry", "false");
        upstream.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void numRetriesZeroMeansOneAttempt() {
        upstream.stubFor(post(PATH).willReturn(rateLimited()));

        send("{\"model\":\"gpt-4o-mini\",\"num_retries\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .statusCode(429).header(ATTEMPTS, "1");
        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void countsTheAttemptOfACallEndedByItsDeadline() {
        upstream.stubFor(post(PATH).willReturn(completion().withFixedDelay(2000)));

        send("{\"model\":\"gpt-4o-mini\",\"timeout\":0.3,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .statusCode(504).header(ATTEMPTS, "1");
        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void countsNothingForCallsRefusedBeforeSending() throws Exception {
        given().contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST).post(PATH)
                .then().statusCode(401).header(ATTEMPTS, "0");
        send("{\"model\":\"gpt-4o-mini\"}").statusCode(400).header(ATTEMPTS, "0");

        upstream.stubFor(post(PATH).willReturn(completion().withFixedDelay(2000)));
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(gatewayRequest(Fixtures.CHAT_REQUEST),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> second = http.sendAsync(gatewayRequest(Fixtures.CHAT_REQUEST),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.getAllServeEvents().size() >= 2);
        HttpResponse<String> shed = http.send(gatewayRequest(Fixtures.CHAT_REQUEST),
                HttpResponse.BodyHandlers.ofString());

        assertThat(shed.statusCode(), equalTo(429));
        assertThat(shed.headers().firstValue(ATTEMPTS).orElseThrow(), equalTo("0"));
        assertThat(first.get().headers().firstValue(ATTEMPTS).orElseThrow(), equalTo("1"));
        assertThat(second.get().headers().firstValue(ATTEMPTS).orElseThrow(), equalTo("1"));
        upstream.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    private static ValidatableResponse send(String body) {
        return given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(body).post(PATH).then();
    }

    /** A 429 with a delay: retried, and not a failure that counts towards opening the breaker. */
    private static ResponseDefinitionBuilder rateLimited() {
        return aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withHeader("retry-after-ms", "20")
                .withBody(Fixtures.error("Rate limit reached for gpt-4o-mini on requests per min (RPM).", "requests",
                        "rate_limit_exceeded"));
    }

    private static ResponseDefinitionBuilder completion() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION);
    }
}
