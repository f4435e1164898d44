package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.surge.agent.rest.Api.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * The frontend API end to end inside one process: real workflows on a port-bound Temporal test server,
 * llm-gateway stubbed with WireMock. Each test marks its messages with a unique word and counts only
 * the gateway requests that carry it.
 */
@QuarkusTest
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class TaskResourceTest {

    private static final String COMPLETIONS = "/v1/chat/completions";

    WireMockServer gateway;

    @TestHTTPResource(value = "/openapi", management = true)
    URL openApi;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void createsATaskWithTheDefaultAgentAndReadsIt() {
        String location = given().contentType(ContentType.JSON).body("{}")
                .when().post("/tasks")
                .then().statusCode(201)
                .header("Location", containsString("/tasks/"))
                .body("agent", equalTo("default"))
                .body("status", equalTo("RUNNING"))
                .body("created_at", notNullValue())
                .extract().header("Location");

        given().when().get(location)
                .then().statusCode(200)
                .body("status", equalTo("RUNNING"))
                .body("message_count", equalTo(0));
    }

    @Test
    void answersWithTheReplyAndKeepsTheConversationInOrder() {
        replyTo("marker-order", "Hello from the model");
        String task = createTask();

        given().contentType(ContentType.JSON).body("{\"content\":\"hi marker-order\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .body("user_message.content", equalTo("hi marker-order"))
                .body("user_message.role", equalTo("user"))
                .body("reply.content", equalTo("Hello from the model"))
                .body("reply.status", equalTo("COMPLETED"));
        gateway.verify(1, postRequestedFor(urlEqualTo(COMPLETIONS))
                .withHeader("Authorization", WireMock.equalTo("Bearer sk-surge-dev"))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo("gpt-4o-mini")))
                .withRequestBody(matchingJsonPath("$.messages[0].role", WireMock.equalTo("system")))
                // The gateway's deadline, inside this client's 60 s per-attempt timeout.
                .withRequestBody(matchingJsonPath("$.timeout", WireMock.equalTo("55")))
                .withRequestBody(containing("marker-order")));

        List<String> ids = given().when().get("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .body("messages.role", contains("user", "assistant"))
                .body("has_more", equalTo(false))
                .extract().path("messages.id");
        given().queryParam("after", ids.get(0)).queryParam("limit", 1)
                .when().get("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .body("messages.id", contains(ids.get(1)));
        given().when().get("/tasks/{id}/messages/{messageId}", task, ids.get(1))
                .then().statusCode(200)
                .body("content", equalTo("Hello from the model"))
                .body("in_reply_to", equalTo(ids.get(0)));
        given().when().get("/tasks/{id}", task).then().body("message_count", equalTo(2));
    }

    @Test
    void restClientRetriesShedAnswersWithExponentialBackoff() {
        String marker = "marker-shed";
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing(marker)).inScenario(marker)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("shed-once")
                .willReturn(overloaded()));
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing(marker)).inScenario(marker)
                .whenScenarioStateIs("shed-once").willSetStateTo("shed-twice")
                .willReturn(overloaded()));
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing(marker)).inScenario(marker)
                .whenScenarioStateIs("shed-twice")
                .willReturn(completion("finally")));
        String task = createTask();

        given().contentType(ContentType.JSON).body("{\"content\":\"" + marker + "\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .body("reply.content", equalTo("finally"));

        List<LoggedRequest> hits = hits(marker);
        assertEquals(3, hits.size(), "two shed answers retried by the REST client, then the answer");
        assertTrue(gapMillis(hits, 0) >= 1_000, "first retry after at least 1 s, was " + gapMillis(hits, 0));
        assertTrue(gapMillis(hits, 1) >= 2_000, "second retry after at least 2 s, was " + gapMillis(hits, 1));
    }

    @Test
    void answers503WithRetryAfterWhenTheUpstreamStaysOverloaded() {
        String marker = "marker-exhausted";
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing(marker)).willReturn(aResponse()
                .withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-should-retry", "false")
                .withHeader("x-surge-upstream-attempts", "1")
                .withHeader("Retry-After", "1")
                .withBody(error("upstream is overloaded", "server_error", "upstream_unavailable"))));
        String task = createTask();

        String replyId = given().contentType(ContentType.JSON).body("{\"content\":\"" + marker + "\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(503)
                .contentType(Problem.MEDIA_TYPE)
                .header("Retry-After", "1")
                .body("status", equalTo(503))
                .body("type", endsWith("upstream-capacity"))
                .body("instance", equalTo("/tasks/" + task + "/messages"))
                .extract().path("message_id");

        assertEquals(3, hits(marker).size(), "x-should-retry: false: one gateway call per activity attempt");
        given().when().get("/tasks/{id}/messages/{messageId}", task, replyId)
                .then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("failure.type", equalTo("upstream_capacity"))
                .body("failure.upstream_status", equalTo(503))
                .body("failure.detail", containsString("upstream is overloaded"));
    }

    @Test
    void doesNotRetryARequestTheGatewayRejected() {
        String marker = "marker-rejected";
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing(marker)).willReturn(aResponse()
                .withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-should-retry", "false")
                .withBody(error("context too long", "invalid_request_error", "context_length_exceeded"))));
        String task = createTask();

        given().contentType(ContentType.JSON).body("{\"content\":\"" + marker + "\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", endsWith("request-rejected"));

        assertEquals(1, hits(marker).size());
    }

    @Test
    void aRetriedPostWithTheSameIdempotencyKeyGetsTheSameReplyFromOneLlmCall() {
        replyTo("marker-idempotent", "only once");
        String task = createTask();

        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", "key-1")
                .body("{\"content\":\"marker-idempotent\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(200).extract().asString();
        String second = given().contentType(ContentType.JSON).header("Idempotency-Key", "key-1")
                .body("{\"content\":\"marker-idempotent\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(200).extract().asString();

        assertEquals(first, second);
        assertEquals(1, hits("marker-idempotent").size());
        given().when().get("/tasks/{id}", task).then().body("message_count", equalTo(2));
    }

    @Test
    void answers202WithALocationToPollWhenTheReplyTakesLongerThanTheWait() {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-slow"))
                .willReturn(completion("slow answer").withFixedDelay(1_500)));
        String task = createTask();

        String location = given().contentType(ContentType.JSON).queryParam("wait", 0)
                .body("{\"content\":\"marker-slow\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(202)
                .body("reply_message_id", notNullValue())
                .extract().header("Location");

        given().when().get(location).then().statusCode(200).body("status", equalTo("PENDING"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get(location)
                .then().body("status", equalTo("COMPLETED")).body("content", equalTo("slow answer")));
    }

    @Test
    void streamsTheReplyAsServerSentEvents() {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-sse"))
                .withRequestBody(matchingJsonPath("$.stream", WireMock.equalTo("true")))
                .willReturn(Completions.streamed("stre", "amed")));
        String task = createTask();

        String events = given().contentType(ContentType.JSON).accept("text/event-stream")
                .body("{\"content\":\"marker-sse\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(200)
                .extract().asString();

        assertTrue(events.indexOf("event:message.created") >= 0, events);
        assertTrue(events.indexOf("event:delta") > events.indexOf("event:message.created"), events);
        assertTrue(events.indexOf("event:message.completed") > events.lastIndexOf("event:delta"), events);
        assertTrue(events.contains("\"content\":\"streamed\""), events);
        // Each event is event: and data: lines only, its data one JSON document.
        assertTrue(events.lines().allMatch(line -> line.isEmpty() || line.startsWith("event:")
                || line.startsWith("data:{")), events);
    }

    @Test
    void streamsTheEventsOfATaskUntilItEnds() {
        replyTo("marker-follow", "followed");
        String task = createTask();
        CompletableFuture<String> stream = CompletableFuture.supplyAsync(() -> given().accept("text/event-stream")
                .when().get("/tasks/{id}/stream", task)
                .then().statusCode(200).extract().asString());
        sleep(1_000);

        given().contentType(ContentType.JSON).body("{\"content\":\"marker-follow\"}")
                .when().post("/tasks/{id}/messages", task).then().statusCode(200);
        given().when().post("/tasks/{id}/end", task).then().statusCode(202);

        String events = stream.orTimeout(20, TimeUnit.SECONDS).join();
        assertTrue(events.contains("event:task"), events);
        assertTrue(events.contains("event:message.completed"), events);
        assertTrue(events.contains("followed"), events);
        assertTrue(events.contains("event:task.ended"), events);
        given().when().get("/tasks/{id}", task).then().body("status", equalTo("COMPLETED"));
    }

    @Test
    void cancelledTaskRefusesMessagesWith409() {
        String task = createTask();

        given().when().post("/tasks/{id}/cancel", task).then().statusCode(202);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().when().get("/tasks/{id}", task)
                .then().body("status", equalTo("CANCELED")));
        given().contentType(ContentType.JSON).body("{\"content\":\"too late\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(409)
                .contentType(Problem.MEDIA_TYPE)
                .body("title", equalTo("Task has ended"));
    }

    @Test
    void answersProblemsForUnknownTasksAndInvalidContent() {
        given().when().get("/tasks/{id}", "no-such-task")
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(404)).body("instance", equalTo("/tasks/no-such-task"));
        given().contentType(ContentType.JSON).body("{\"content\":\"hello\"}")
                .when().post("/tasks/{id}/messages", "no-such-task")
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        String task = createTask();
        given().contentType(ContentType.JSON).body("{\"content\":\"  \"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("title", equalTo("Invalid request"));
        given().contentType(ContentType.JSON).body("{\"content\":\"" + "x".repeat(16_001) + "\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(413).contentType(Problem.MEDIA_TYPE);
        given().when().get("/tasks/{id}/messages/{messageId}", task, "no-such-message")
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        given().contentType(ContentType.JSON).body("{\"agent\":\"nobody\"}")
                .when().post("/tasks")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        given().contentType(ContentType.JSON).body("{\"content\":")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("title", equalTo("Invalid request"))
                .body("detail", containsString("not valid JSON"));
    }

    @Test
    void publishesOpenApiHealthAndMetrics() {
        // The management port's documents name schema and meter types: read without the callers' internals check.
        RestAssured.given().when().get(openApi).then().statusCode(200).body(containsString("/tasks/{id}/messages"))
                .body(containsString("/tasks/{id}/interrupt"))
                .body(containsString("Last-Event-ID"))
                .body(containsString("last_event_id"))
                .body(containsString("next_cursor"))
                // Every event type of both streams is described.
                .body(containsString("message.restarted"))
                .body(containsString("message.interrupted"))
                .body(containsString("task.ended"))
                // Schemas name properties as the JSON does (snake_case), not as the Java records do.
                .body(containsString("message_count:"), containsString("created_at:"),
                        not(containsString("messageCount")), not(containsString("createdAt")));
        RestAssured.given().when().get(ready).then().statusCode(200);
        RestAssured.given().when().get(metrics).then().statusCode(200);
    }

    private String createTask() {
        return given().contentType(ContentType.JSON).body("{}")
                .when().post("/tasks")
                .then().statusCode(201).extract().path("id");
    }

    private void replyTo(String marker, String content) {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing(marker)).willReturn(completion(content)));
    }

    private List<LoggedRequest> hits(String marker) {
        return gateway.findAll(postRequestedFor(urlEqualTo(COMPLETIONS)).withRequestBody(containing(marker)));
    }

    private static long gapMillis(List<LoggedRequest> hits, int index) {
        return hits.get(index + 1).getLoggedDate().getTime() - hits.get(index).getLoggedDate().getTime();
    }

    private static ResponseDefinitionBuilder overloaded() {
        return aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-should-retry", "true")
                .withHeader("Retry-After", "1")
                .withBody(error("gateway is at capacity", "rate_limit_error", "gateway_overloaded"));
    }

    private static ResponseDefinitionBuilder completion(String content) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""".formatted(content));
    }

    private static String error(String message, String type, String code) {
        return """
                {"error":{"message":"%s","type":"%s","param":null,"code":"%s"}}""".formatted(message, type, code);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
