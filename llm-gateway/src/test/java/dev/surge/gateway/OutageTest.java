package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** Under a total outage a deployment takes retries only up to its budget; past it, failures come back as they are. */
@QuarkusTest
@TestProfile(RetryBudgetProfile.class)
@WithTestResource(WireMockUpstream.class)
class OutageTest extends UpstreamStubbedTest {

    @Test
    void refusesRetriesPastTheBudgetsShareOfRequests() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("The server had an error while processing your request.", "server_error",
                        null))));

        List<String> attempts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            attempts.add(given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                    .body("{\"model\":\"gpt-4o-mini\",\"num_retries\":3,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                    .post(PATH)
                    .then().statusCode(500).header("x-should-retry", "false")
                    .extract().header("x-surge-upstream-attempts"));
        }

        // 20 % of 5 first attempts buys one retry, of 10 a second one; every other failure is answered as it is.
        assertThat(attempts, contains("1", "1", "1", "1", "2", "1", "1", "1", "1", "2"));
        upstream.verify(12, postRequestedFor(urlEqualTo(PATH)));
        given().get("/q/metrics").then()
                .body(containsString("surge_gateway_deployment_retries_refused_total{deployment=\"default\"} 10.0"))
                .body(containsString("surge_gateway_requests_seconds_count{model=\"gpt-4o-mini\","
                        + "outcome=\"retry_budget_exhausted\"} 10"));
    }
}
