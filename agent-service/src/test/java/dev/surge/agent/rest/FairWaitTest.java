package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.surge.agent.rest.Api.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Messages that wait for the gateway are served in the order they were accepted, across conversations, not in
 * the order Temporal's task queue hands their activities out. Had they waited in Temporal's task queue (a worker
 * with as many activity slots as calls in flight), the test server would serve them 0, 1, 8, 7, ..., 2: its
 * backlog is a heap that returns equal-priority tasks in no defined order. The order among calls that reach
 * {@code LlmCallQueue} out of order is {@code LlmCallQueueTest}'s.
 */
@QuarkusTest
@TestProfile(FairWaitTest.OneCallAtATime.class)
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class FairWaitTest {

    private static final String COMPLETIONS = "/v1/chat/completions";
    private static final int WAITING = 8;

    WireMockServer gateway;

    /** One call in flight towards the gateway: every other message waits its turn. */
    public static class OneCallAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("surge.llm.max-concurrent-calls", "1");
        }
    }

    @Test
    void servesWaitingMessagesOfManyConversationsInTheOrderTheyWereAccepted() {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-fair")).willReturn(reply(200)));
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-fair 0")).willReturn(reply(2_000)));
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i <= WAITING; i++) {
            tasks.add(given().contentType(ContentType.JSON).body("{}").when().post("/tasks")
                    .then().statusCode(201).extract().path("id"));
        }

        List<String> sent = new ArrayList<>();
        for (int i = 0; i <= WAITING; i++) {
            String content = "marker-fair " + i;
            given().contentType(ContentType.JSON).body("{\"content\":\"" + content + "\"}")
                    .when().post("/tasks/{id}/messages?wait=0", tasks.get(i))
                    .then().statusCode(202);
            sent.add(content);
            if (i == 0) {
                // The first message holds the only turn; every later one waits behind it.
                await().atMost(Duration.ofSeconds(10)).until(() -> hits().size() == 1);
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> hits().size() == WAITING + 1);
        List<String> served = hits().stream()
                .map(LoggedRequest::getBodyAsString)
                .map(body -> body.substring(body.indexOf("marker-fair"), body.indexOf("marker-fair") + 13))
                .toList();
        assertEquals(sent, served);
    }

    private static ResponseDefinitionBuilder reply(int delayMillis) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withFixedDelay(delayMillis)
                .withBody("""
                        {"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,
                         "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}""");
    }

    private List<LoggedRequest> hits() {
        return gateway.findAll(postRequestedFor(urlEqualTo(COMPLETIONS)).withRequestBody(containing("marker-fair")));
    }
}
