package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.surge.agent.rest.Api.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** A conversation that has continued as new: its messages still read as one list, in order, page by page. */
@QuarkusTest
@TestProfile(LongConversationTest.OneExchangePerRun.class)
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class LongConversationTest {

    WireMockServer gateway;

    /** Continue-as-new after every exchange (a user message and its reply). */
    public static class OneExchangePerRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("surge.conversation.max-messages-per-run", "2");
        }
    }

    @Test
    void pagesThroughMessagesOfEarlierRuns() {
        gateway.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                        {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}""")));
        String task = given().contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");
        for (String content : List.of("one", "two", "three")) {
            given().contentType(ContentType.JSON).body("{\"content\":\"" + content + "\"}")
                    .when().post("/tasks/{id}/messages", task)
                    .then().statusCode(200);
        }

        List<String> ids = given().when().get("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .body("messages.content", contains("one", "ok", "two", "ok", "three", "ok"))
                .body("has_more", equalTo(false))
                .extract().path("messages.id");
        given().queryParam("limit", 2).when().get("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .body("messages.id", contains(ids.get(0), ids.get(1)))
                .body("has_more", equalTo(true));
        given().queryParam("after", ids.get(1)).queryParam("limit", 3).when().get("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .body("messages.id", contains(ids.get(2), ids.get(3), ids.get(4)))
                .body("has_more", equalTo(true));
        given().queryParam("after", ids.get(3)).when().get("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .body("messages.id", contains(ids.get(4), ids.get(5)))
                .body("has_more", equalTo(false));
        given().queryParam("after", "no-such-message").when().get("/tasks/{id}/messages", task)
                .then().statusCode(400);
        given().when().get("/tasks/{id}/messages/{messageId}", task, ids.get(0))
                .then().statusCode(200).body("content", equalTo("one"));
        given().when().get("/tasks/{id}", task).then().body("message_count", equalTo(6));
    }
}
