package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.surge.agent.rest.Api.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.surge.agent.workflow.LlmCallQueue;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * {@code POST /tasks/{id}/interrupt} stops the reply being written (its gateway call is abandoned), marks it
 * INTERRUPTED, and leaves the task open for the next message.
 */
@QuarkusTest
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class InterruptTest {

    private static final String COMPLETIONS = "/v1/chat/completions";

    WireMockServer gateway;

    @Inject
    LlmCallQueue calls;

    @Test
    void interruptStopsTheReplyInFlightAndTheTaskTakesTheNextMessage() {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-slow"))
                .willReturn(Completions.whole("too late").withFixedDelay(90_000)));
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-after"))
                .willReturn(Completions.whole("next answer")));
        String task = as("interrupter").contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");
        String reply = as("interrupter").contentType(ContentType.JSON).body("{\"content\":\"marker-slow\"}")
                .queryParam("wait", 0).when().post("/tasks/{id}/messages", task)
                .then().statusCode(202).extract().path("reply_message_id");
        await().atMost(Duration.ofSeconds(30)).until(() -> hits("marker-slow") == 1);

        as("stranger").when().post("/tasks/{id}/interrupt", task).then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE);
        as("interrupter").when().post("/tasks/{id}/interrupt", task).then().statusCode(202)
                .body("reply_message_id", equalTo(reply))
                .header("Location", equalTo("/tasks/" + task + "/messages/" + reply));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as("interrupter")
                .when().get("/tasks/{id}/messages/{m}", task, reply)
                .then().statusCode(200)
                .body("status", equalTo("INTERRUPTED"))
                .body("content", nullValue()));
        // The activity learns of its cancellation from a heartbeat (Temporal throttles them to 0.8 x the heartbeat
        // timeout of 15 s) and abandons the gateway call, long before the stub would answer.
        await().atMost(Duration.ofSeconds(40)).until(() -> calls.running() == 0);
        as("interrupter").when().post("/tasks/{id}/interrupt", task).then().statusCode(204);

        as("interrupter").contentType(ContentType.JSON).body("{\"content\":\"marker-after\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .body("reply.status", equalTo("COMPLETED"))
                .body("reply.content", equalTo("next answer"));
        as("interrupter").when().get("/tasks/{id}", task).then().body("status", equalTo("RUNNING"));
        assertEquals(1, hits("marker-slow"), "the interrupted reply is not asked for again");
    }

    private int hits(String marker) {
        return gateway.findAll(postRequestedFor(urlEqualTo(COMPLETIONS)).withRequestBody(containing(marker))).size();
    }
}
