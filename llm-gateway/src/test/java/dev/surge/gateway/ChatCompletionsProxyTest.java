package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The plain proxy: answers pass through unchanged; models, health and metrics are served. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class ChatCompletionsProxyTest extends UpstreamStubbedTest {

    @Test
    void passesAnswerStatusBodyAndRateLimitHeadersThrough() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-ratelimit-limit-requests", "500")
                .withHeader("x-ratelimit-remaining-tokens", "199990")
                .withHeader("x-request-id", "req_123")
                .withHeader("set-cookie", "__cf_bm=upstream-only")
                .withBody(Fixtures.COMPLETION)));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH)
                .then().statusCode(200)
                .header("x-ratelimit-limit-requests", "500")
                .header("x-ratelimit-remaining-tokens", "199990")
                .header("x-request-id", "req_123")
                .header("set-cookie", nullValue())
                .body(equalTo(Fixtures.COMPLETION));

        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(Fixtures.CHAT_REQUEST)));
    }

    @Test
    void stripsTheGatewaysOwnFieldsBeforeForwarding() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION)));

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"num_retries\":0,\"timeout\":12.5,\"temperature\":0.2,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .post(PATH)
                .then().statusCode(200);

        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                "{\"model\":\"gpt-4o-mini\",\"temperature\":0.2,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")));
    }

    @Test
    void listsItsModels() {
        given().auth().oauth2(Fixtures.GATEWAY_KEY).get("/v1/models")
                .then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItem("gpt-4o-mini"))
                .body("data[0].owned_by", equalTo("surge"));
    }

    @Test
    void reportsHealthAndMetrics() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION)));
        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST)
                .post(PATH).then().statusCode(200);

        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("surge_gateway_requests_seconds_count{model=\"gpt-4o-mini\",outcome=\"success\"}"))
                .body(containsString("surge_gateway_upstream_attempts_seconds_count{status=\"200\"}"))
                .body(containsString("surge_gateway_in_flight"))
                .body(containsString("surge_gateway_requests_shed_total"))
                // Percentile histograms only when configured; Quarkus's own HTTP meters would count the same calls.
                .body(not(containsString("surge_gateway_requests_seconds_bucket")))
                .body(not(containsString("http_server_requests_seconds_count")));
    }
}
