package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.surge.agent.rest.Api.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * One message costs at most {@code surge.llm.upstream-call-budget} (4) upstream calls, however the gateway's
 * retries and Temporal's attempts combine: each attempt passes what is left as the gateway's
 * {@code num_retries}, and reads what the gateway spent from {@code x-surge-upstream-attempts}.
 */
@QuarkusTest
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class UpstreamCallBudgetTest {

    private static final String COMPLETIONS = "/v1/chat/completions";
    private static final ObjectMapper JSON = new ObjectMapper();

    WireMockServer gateway;
    private String lastTask;

    @Test
    void passesWhatIsLeftOfTheBudgetToEachLaterAttempt() throws Exception {
        String marker = "marker-budget-left";
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing(marker)).willReturn(gaveUp(1)));

        sendAndExpect503(marker);

        List<LoggedRequest> hits = hits(marker);
        assertEquals(3, hits.size(), "three Temporal attempts, each costing one upstream call");
        assertEquals(List.of(3, 2, 1), hits.stream().map(UpstreamCallBudgetTest::numRetries).toList(),
                "the budget of 4 less what earlier attempts spent, less this attempt's first call");
    }

    @Test
    void doesNotRetryOnceTheGatewaySpentTheWholeBudget() {
        String marker = "marker-budget-spent";
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing(marker)).willReturn(gaveUp(4)));

        String replyId = sendAndExpect503(marker);

        assertEquals(1, hits(marker).size(), "four upstream calls already: Temporal does not try again");
        given().when().get("/tasks/{id}/messages/{messageId}", lastTask, replyId)
                .then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("failure.detail", containsString("budget"));
    }

    @Test
    void assumesAGatewayThatDoesNotCountSpentEveryCallItWasAllowed() {
        String marker = "marker-budget-uncounted";
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing(marker)).willReturn(gaveUp(-1)));

        sendAndExpect503(marker);

        assertEquals(1, hits(marker).size());
    }

    private String sendAndExpect503(String marker) {
        lastTask = given().contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");
        return given().contentType(ContentType.JSON).body("{\"content\":\"" + marker + "\"}")
                .when().post("/tasks/{id}/messages", lastTask)
                .then().statusCode(503)
                .header("Retry-After", "1")
                .extract().path("message_id");
    }

    /** The gateway gave up on the upstream after {@code attempts} calls (-1: without saying how many). */
    private static ResponseDefinitionBuilder gaveUp(int attempts) {
        ResponseDefinitionBuilder answer = aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-should-retry", "false")
                .withHeader("Retry-After", "1")
                .withBody("{\"error\":{\"message\":\"upstream is down\",\"type\":\"server_error\",\"code\":null}}");
        return attempts < 0 ? answer : answer.withHeader("x-surge-upstream-attempts", Integer.toString(attempts));
    }

    private List<LoggedRequest> hits(String marker) {
        return gateway.findAll(postRequestedFor(urlEqualTo(COMPLETIONS)).withRequestBody(containing(marker)));
    }

    private static int numRetries(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString()).path("num_retries").asInt(-1);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + request.getBodyAsString(), e);
        }
    }
}
