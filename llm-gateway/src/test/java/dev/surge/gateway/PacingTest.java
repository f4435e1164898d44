package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Callers queue at the gateway under the rate the upstream announces, instead of storming it. */
@QuarkusTest
@TestProfile(PacingProfile.class)
@WithTestResource(WireMockUpstream.class)
class PacingTest extends UpstreamStubbedTest {

    @Test
    void pacesAttemptsToTheAnnouncedRequestRate() throws Exception {
        // 120 requests a minute: one every 500 ms once the allowance is spent.
        upstream.stubFor(post(PATH).willReturn(completion()
                .withHeader("x-ratelimit-limit-requests", "120")
                .withHeader("x-ratelimit-remaining-requests", "0")));
        assertThat(send().get().statusCode(), equalTo(200));

        List<CompletableFuture<HttpResponse<String>>> burst = IntStream.range(0, 3).mapToObj(i -> send()).toList();
        for (CompletableFuture<HttpResponse<String>> call : burst) {
            assertThat(call.get().statusCode(), equalTo(200));
        }

        List<Duration> gaps = gapsBetweenAttempts(4);
        assertThat(gaps.subList(1, 3), everyItem(greaterThanOrEqualTo(Duration.ofMillis(450))));
    }

    @Test
    void holdsEveryCallForTheDelayOfA429() throws Exception {
        stubAnswersInTurn(aResponse().withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("retry-after-ms", "800")
                        .withHeader("x-ratelimit-limit-requests", "6000")
                        .withHeader("x-ratelimit-remaining-requests", "0")
                        .withBody(Fixtures.error("Rate limit reached for requests", "requests", "rate_limit_exceeded")),
                completion().withHeader("x-ratelimit-limit-requests", "6000"));

        CompletableFuture<HttpResponse<String>> first = send();
        // Once the gateway has scheduled the first caller's retry, it has read the 429.
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/q/metrics").asString()
                .contains("surge_gateway_retries_total{reason=\"429\"}"));
        CompletableFuture<HttpResponse<String>> second = send();

        assertThat(first.get().statusCode(), equalTo(200));
        assertThat(second.get().statusCode(), equalTo(200));
        // The second caller never got its own 429: it waited out the first one's delay at the gateway.
        List<Duration> gaps = gapsBetweenAttempts(3);
        assertThat(gaps.get(0), greaterThanOrEqualTo(Duration.ofMillis(800)));
    }

    private CompletableFuture<HttpResponse<String>> send() {
        return http.sendAsync(gatewayRequest(Fixtures.CHAT_REQUEST), HttpResponse.BodyHandlers.ofString());
    }

    private static ResponseDefinitionBuilder completion() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION);
    }
}
