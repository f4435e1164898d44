package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.surge.agent.rest.Api.given;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * The demo's baseline: no REST-client retries and one Temporal attempt, set only through
 * configuration. A shed answer then reaches the user at once as 503.
 */
@QuarkusTest
@TestProfile(BaselineModeTest.Baseline.class)
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class BaselineModeTest {

    WireMockServer gateway;

    /** The overrides the demo's baseline profile sets. */
    public static class Baseline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.fault-tolerance.\"dev.surge.agent.client.LlmGatewayClient/complete\".retry.max-retries", "0",
                    "surge.llm.retry.maximum-attempts", "1");
        }
    }

    @Test
    void callsTheGatewayOnceAndAnswers503() {
        gateway.stubFor(post("/v1/chat/completions").withRequestBody(containing("marker-baseline"))
                .willReturn(aResponse().withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("x-should-retry", "true")
                        .withHeader("Retry-After", "2")
                        .withBody("{\"error\":{\"message\":\"busy\",\"type\":\"rate_limit_error\",\"code\":\"gateway_overloaded\"}}")));
        String task = given().contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");

        given().contentType(ContentType.JSON).body("{\"content\":\"marker-baseline\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(503)
                .header("Retry-After", "2");

        gateway.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("marker-baseline")));
    }
}
