package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/** Beyond its in-flight bound the gateway sheds at once with a retryable 429. */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
@WithTestResource(WireMockUpstream.class)
class OverloadTest extends UpstreamStubbedTest {

    @Test
    void shedsCallsBeyondTheInFlightBoundAtOnce() throws Exception {
        // One answer first, so that the pacer's slow start (one attempt until the upstream has answered) is over.
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION)));
        assertThat(send(Fixtures.CHAT_REQUEST).get().statusCode(), equalTo(200));
        upstream.resetRequests();
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withFixedDelay(2000)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION)));

        CompletableFuture<HttpResponse<String>> first = send(Fixtures.CHAT_REQUEST);
        CompletableFuture<HttpResponse<String>> second = send(Fixtures.CHAT_REQUEST);
        waitUntilUpstreamReceived(2);

        HttpResponse<String> third = send(Fixtures.CHAT_REQUEST).get();

        assertThat(third.statusCode(), equalTo(429));
        // It came back while the slow upstream was still working on the other two.
        assertThat(first.isDone() || second.isDone(), is(false));
        assertThat(third.headers().firstValue("x-should-retry").orElseThrow(), equalTo("true"));
        assertThat(third.headers().firstValue("retry-after").orElseThrow(), equalTo("1"));
        JsonObject error = new JsonObject(third.body()).getJsonObject("error");
        assertThat(error.getString("type"), equalTo("rate_limit_error"));
        assertThat(error.getString("code"), equalTo("gateway_overloaded"));
        assertThat(error.containsKey("param"), is(true));

        assertThat(first.get().statusCode(), equalTo(200));
        assertThat(second.get().statusCode(), equalTo(200));
        upstream.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    private CompletableFuture<HttpResponse<String>> send(String body) {
        return http.sendAsync(gatewayRequest(body), HttpResponse.BodyHandlers.ofString());
    }

    private void waitUntilUpstreamReceived(int requests) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> upstream.getAllServeEvents().size() >= requests);
    }
}
