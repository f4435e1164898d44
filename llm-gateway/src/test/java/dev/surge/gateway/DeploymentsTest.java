package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import dev.surge.gateway.WireMockUpstream.InjectWireMock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

/**
 * Several deployments per model: where each attempt goes, how failing and rate-limited deployments cool down, when
 * a call moves to a fallback model, and that {@code x-surge-upstream-attempts} is what the deployments saw.
 */
@QuarkusTest
@TestProfile(DeploymentsProfile.class)
class DeploymentsTest {

    private static final String PATH = "/v1/chat/completions";
    private static final String ATTEMPTS = "x-surge-upstream-attempts";
    private static final String DEPLOYMENT = "x-surge-deployment";

    @InjectWireMock
    WireMockServer upstream;

    @TestHTTPResource(PATH)
    URI chatCompletions;

    @BeforeEach
    void resetUpstream() {
        upstream.resetAll();
    }

    @Test
    void routesToTheDeploymentWithCapacity() {
        // cap-a (weight 2) goes first, and announces it has nothing left of 60 requests a minute.
        stub("cap-a", completion().withHeader("x-ratelimit-limit-requests", "60")
                .withHeader("x-ratelimit-remaining-requests", "0"));
        stub("cap-b", completion());

        call(chat("capacity")).then().statusCode(200).header(DEPLOYMENT, "cap-a").header(ATTEMPTS, "1");
        call(chat("capacity")).then().statusCode(200).header(DEPLOYMENT, "cap-b").header(ATTEMPTS, "1");

        assertThat(hits("cap-a"), equalTo(1));
        assertThat(hits("cap-b"), equalTo(1));
    }

    @Test
    void movesTheNextAttemptAwayFromA429AndCoolsTheDeploymentForExactlyItsDelay() throws Exception {
        stub("pause-a", rateLimited().withHeader("retry-after-ms", "1500")
                .withHeader("x-ratelimit-limit-requests", "600"), completion());
        stub("pause-b", completion());

        long sent = System.nanoTime();
        call(chat("pause")).then().statusCode(200).header(DEPLOYMENT, "pause-b").header(ATTEMPTS, "2");
        long answered = System.nanoTime();
        // The retry went to pause-b at once, without waiting out pause-a's delay.
        List<Date> toB = arrivals("pause-b");
        assertThat(Duration.ofMillis(toB.get(0).getTime() - arrivals("pause-a").get(0).getTime()),
                lessThan(Duration.ofMillis(1500)));

        // Well inside the delay, whenever pause-a's 429 came: the next call goes to pause-b.
        sleepUntil(sent, Duration.ofMillis(1000));
        call(chat("pause")).then().statusCode(200).header(DEPLOYMENT, "pause-b").header(ATTEMPTS, "1");
        // Just past the delay, whenever pause-a's 429 came: pause-a takes calls again.
        sleepUntil(answered, Duration.ofMillis(1600));
        call(chat("pause")).then().statusCode(200).header(DEPLOYMENT, "pause-a").header(ATTEMPTS, "1");

        List<Date> toA = arrivals("pause-a");
        assertThat(toA, hasSize(2));
        assertThat(Duration.ofMillis(toA.get(1).getTime() - toA.get(0).getTime()),
                greaterThanOrEqualTo(Duration.ofMillis(1500)));
        assertThat(hits("pause-b"), equalTo(2));
    }

    @Test
    void skipsADeploymentThatFailedFiveTimesThenProbesItOnce() throws Exception {
        stub("probe-a", serverError());
        stub("probe-b", completion());

        for (int i = 0; i < 5; i++) {
            call(chat("probe")).then().statusCode(200).header(DEPLOYMENT, "probe-b").header(ATTEMPTS, "2");
        }
        assertThat(hits("probe-a"), equalTo(5));
        // Open: probe-a is skipped, and the call costs one attempt.
        call(chat("probe")).then().statusCode(200).header(DEPLOYMENT, "probe-b").header(ATTEMPTS, "1");
        assertThat(hits("probe-a"), equalTo(5));

        Thread.sleep(2100);
        // Half-open: one call probes probe-a, fails there, and is served by probe-b; the breaker opens again.
        call(chat("probe")).then().statusCode(200).header(DEPLOYMENT, "probe-b").header(ATTEMPTS, "2");
        call(chat("probe")).then().statusCode(200).header(DEPLOYMENT, "probe-b").header(ATTEMPTS, "1");

        assertThat(hits("probe-a"), equalTo(6));
        assertThat(hits("probe-b"), equalTo(8));
        given().get("/q/metrics").then()
                .body(containsString("surge_gateway_deployment_attempts_total{deployment=\"probe-a\",status=\"500\"} 6.0"))
                .body(containsString("surge_gateway_deployment_breaker{deployment=\"probe-a\"} 2.0"))
                .body(containsString("surge_gateway_deployment_breaker{deployment=\"probe-b\"} 0.0"));
    }

    @Test
    void answersAtOnceWhenEveryDeploymentIsCoolingWithTheEarliestReturn() throws Exception {
        stub("cool-a", serverError());
        stub("cool-b", serverError());
        String body = chat("cooling", ",\"num_retries\":1");
        for (int i = 0; i < 4; i++) {
            call(body).then().statusCode(500).header("x-should-retry", "false").header(ATTEMPTS, "2");
        }
        long fifthSent = System.nanoTime();
        call(body).then().statusCode(500).header(ATTEMPTS, "2");
        long fifthAnswered = System.nanoTime();

        long sixthSent = System.nanoTime();
        Response cooling = call(body);
        long sixthAnswered = System.nanoTime();

        cooling.then().statusCode(503)
                .header("x-should-retry", "true")
                .header(ATTEMPTS, "0")
                .body("error.code", equalTo("deployments_cooling"));
        assertThat(hits("cool-a") + hits("cool-b"), equalTo(10));
        // Both breakers opened during the fifth call, for 2 s: the first returns 2 s after that.
        long retryAfter = Long.parseLong(cooling.header("Retry-After"));
        assertThat(retryAfter, allOf(greaterThanOrEqualTo(ceilSeconds(fifthSent + 2_000_000_000L - sixthAnswered)),
                lessThanOrEqualTo(ceilSeconds(fifthAnswered + 2_000_000_000L - sixthSent))));

        Thread.sleep(retryAfter * 1000);
        // Back: this call probes a deployment again (and fails there, as everything does).
        call(chat("cooling", ",\"num_retries\":0")).then().statusCode(500).header(ATTEMPTS, "1");
        assertThat(hits("cool-a") + hits("cool-b"), equalTo(11));
    }

    @Test
    void coolsADeploymentThatKeepsCallersWaitingPastTheirTimeout() {
        stub("slow", completion().withFixedDelay(3000));
        String body = chat("slow", ",\"timeout\":0.3");
        for (int i = 0; i < 5; i++) {
            call(body).then().statusCode(504).header(ATTEMPTS, "1").body("error.code", equalTo("deadline_exceeded"));
        }

        call(body).then().statusCode(503).header(ATTEMPTS, "0").body("error.code", equalTo("deployments_cooling"));
        assertThat(hits("slow"), equalTo(5));
    }

    @Test
    void fallsBackToTheFallbackModelUnderItsName() {
        stub("fb-main", serverError());
        stub("fb-backup", completion());

        call(chat("main")).then().statusCode(200).header(DEPLOYMENT, "fb-backup").header(ATTEMPTS, "2");

        assertThat(hits("fb-main"), equalTo(1));
        upstream.verify(1, postRequestedFor(urlEqualTo(StubbedDeployments.path("fb-backup")))
                .withRequestBody(equalToJson("{\"model\":\"backup\"}", true, true)));
    }

    @Test
    void sendsNewCallsToTheFallbackModelWhileTheModelsDeploymentsArePaused() {
        stub("pm-a", rateLimited().withHeader("retry-after-ms", "5000").withHeader("x-ratelimit-limit-requests", "600"),
                completion());
        stub("fb-backup", completion());

        call(chat("paused")).then().statusCode(200).header(DEPLOYMENT, "fb-backup").header(ATTEMPTS, "2");
        // A new call does not queue behind pm-a's 5 s pause while the fallback model can serve it now.
        call(chat("paused")).then().statusCode(200).header(DEPLOYMENT, "fb-backup").header(ATTEMPTS, "1");

        assertThat(hits("pm-a"), equalTo(1));
        assertThat(hits("fb-backup"), equalTo(2));
    }

    @Test
    void neverFallsBackOnTheCallersOwnError() {
        stub("ce-a", aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("Invalid value for 'temperature'.", "invalid_request_error", "invalid_value")));
        stub("ce-b", completion());

        call(chat("strict")).then().statusCode(400)
                .header(DEPLOYMENT, "ce-a")
                .header(ATTEMPTS, "1")
                .header("x-should-retry", "false")
                .body("error.code", equalTo("invalid_value"));

        assertThat(hits("ce-a"), equalTo(1));
        assertThat(hits("ce-b"), equalTo(0));
    }

    @Test
    void fallsBackWithAStreamThatFailedBeforeItsFirstByte() throws Exception {
        stub("st-a", serverError());
        stub("st-b", aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.STREAM_BODY));

        HttpResponse<String> response = http().send(request(chat("stream", ",\"stream\":true")),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode(), equalTo(200));
        assertThat(response.body(), equalTo(Fixtures.STREAM_BODY));
        assertThat(response.headers().firstValue(DEPLOYMENT).orElseThrow(), equalTo("st-b"));
        assertThat(response.headers().firstValue(ATTEMPTS).orElseThrow(), equalTo("2"));
        assertThat(hits("st-a"), equalTo(1));
        assertThat(hits("st-b"), equalTo(1));
    }

    @Test
    void neverFallsBackWithAStreamThatBrokeAfterItsFirstByte() throws Exception {
        stub("st-c", aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(Fixtures.STREAM_BODY));
        int before = BreakingUpstream.CALLS.get();

        HttpResponse<InputStream> response = http().send(request(chat("broken", ",\"stream\":true")),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.headers().firstValue(DEPLOYMENT).orElseThrow(), equalTo("st-broken"));
        assertThat(response.headers().firstValue(ATTEMPTS).orElseThrow(), equalTo("1"));
        List<String> events = StreamingTest.dataLines(response.body());
        assertThat(events, hasSize(2));
        assertThat(new JsonObject(events.get(1)).getJsonObject("error").getString("code"),
                equalTo("upstream_stream_interrupted"));
        assertThat(BreakingUpstream.CALLS.get() - before, equalTo(1));
        assertThat(hits("st-c"), equalTo(0));
    }

    @Test
    void refusesARequestThatCanNeverFitWithoutCallingOnceTheLimitIsKnown() {
        upstream.stubFor(post(urlEqualTo(StubbedDeployments.path("tiny"))).willReturn(completion()));
        upstream.stubFor(post(urlEqualTo(StubbedDeployments.path("tiny"))).withRequestBody(containing("5000"))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withHeader("x-ratelimit-limit-tokens", "1000")
                        .withBody(Fixtures.error("Request too large for gpt-4o-mini in organization org-1 on tokens "
                                + "per min (TPM): Limit 1000, Requested 5003. The input or output tokens must be "
                                + "reduced in order to run successfully.", "tokens", "rate_limit_exceeded"))));
        String tooLarge = chat("tiny", ",\"max_tokens\":5000");

        call(tooLarge).then().statusCode(400)
                .header("x-should-retry", "false")
                .header(ATTEMPTS, "1")
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("context_length_exceeded"));
        call(tooLarge).then().statusCode(400)
                .header("x-should-retry", "false")
                .header(ATTEMPTS, "0")
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.message", containsString("1000 tokens a minute"));
        assertThat(hits("tiny"), equalTo(1));

        call(chat("tiny", ",\"max_tokens\":50")).then().statusCode(200).header(ATTEMPTS, "1");
        assertThat(hits("tiny"), equalTo(2));
    }

    @Test
    void sendsALargeRequestOnlyWhereItCanFit() {
        stub("small", completion());
        stub("large", completion());

        call(chat("sized", ",\"max_tokens\":2000")).then().statusCode(200)
                .header(DEPLOYMENT, "large").header(ATTEMPTS, "1");
        call(chat("sized", ",\"max_tokens\":200")).then().statusCode(200)
                .header(DEPLOYMENT, "small").header(ATTEMPTS, "1");

        assertThat(hits("small"), equalTo(1));
        assertThat(hits("large"), equalTo(1));
    }

    @Test
    void refusesARequestLargerThanEveryConfiguredLimitAtOnce() {
        call(chat("never", ",\"max_tokens\":2000")).then().statusCode(400)
                .header("x-should-retry", "false")
                .header(ATTEMPTS, "0")
                .body("error.param", equalTo("messages"))
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.message", containsString("at most 1500 tokens a minute"));

        assertThat(hits("nf-a") + hits("nf-b"), equalTo(0));
    }

    @Test
    void refusesAModelItDoesNotServe() {
        call(chat("gpt-unknown")).then().statusCode(404)
                .header("x-should-retry", "false")
                .header(ATTEMPTS, "0")
                .body("error.code", equalTo("model_not_found"));
        assertThat(upstream.getAllServeEvents(), hasSize(0));
    }

    @Test
    void listsTheConfiguredModels() {
        given().auth().oauth2(Fixtures.GATEWAY_KEY).get("/v1/models").then().statusCode(200)
                .body("data.id", contains("backup", "broken", "capacity", "cooling", "main", "never", "pause",
                        "paused", "probe", "sized", "slow", "stream", "strict", "tiny"));
    }

    private static String chat(String model) {
        return chat(model, "");
    }

    private static String chat(String model, String fields) {
        return "{\"model\":\"" + model + "\"" + fields + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    private static Response call(String body) {
        return given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(body).post(PATH);
    }

    private HttpRequest request(String body) {
        return Fixtures.gatewayRequest(chatCompletions, body);
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Makes a deployment give these answers to successive calls, the last one to every call after. */
    private void stub(String deployment, ResponseDefinitionBuilder... answers) {
        UpstreamStubbedTest.stubAnswersInTurn(upstream, StubbedDeployments.path(deployment), answers);
    }

    private int hits(String deployment) {
        return upstream.countRequestsMatching(
                postRequestedFor(urlEqualTo(StubbedDeployments.path(deployment))).build()).getCount();
    }

    /** When a deployment's calls arrived, in order. */
    private List<Date> arrivals(String deployment) {
        return upstream.getAllServeEvents().stream()
                .filter(event -> event.getRequest().getUrl().equals(StubbedDeployments.path(deployment)))
                .map(event -> event.getRequest().getLoggedDate())
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    private static ResponseDefinitionBuilder completion() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION);
    }

    private static ResponseDefinitionBuilder serverError() {
        return aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("The server had an error while processing your request.", "server_error",
                        null));
    }

    private static ResponseDefinitionBuilder rateLimited() {
        return aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("Rate limit reached for gpt-4o-mini on requests per min (RPM).", "requests",
                        "rate_limit_exceeded"));
    }

    private static void sleepUntil(long startNanos, Duration after) throws InterruptedException {
        long left = startNanos + after.toNanos() - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left).toMillis() + 1);
        }
    }

    private static long ceilSeconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
