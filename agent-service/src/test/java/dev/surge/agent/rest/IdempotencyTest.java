package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.surge.agent.rest.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * An Idempotency-Key names one message of one task of one owner: the same request again gets the same reply from
 * one LLM call, even when the copies arrive at once; the key with other content is refused (422), as Stripe does.
 */
@QuarkusTest
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class IdempotencyTest {

    private static final String COMPLETIONS = "/v1/chat/completions";

    WireMockServer gateway;

    @Test
    void refusesTheSameKeyWithOtherContent() {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("Transfer 10 EUR")).willReturn(completion("done")));
        String task = createTask("payer");
        send("payer", task, "k-transfer", "Transfer 10 EUR to Alice").then().statusCode(200);

        send("payer", task, "k-transfer", "Delete my account").then().statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("https://surge.dev/problems/idempotency-key-reused"));

        as("payer").when().get("/tasks/{id}", task).then().body("message_count", equalTo(2));
    }

    @Test
    void refusesTheSameKeyWithOtherContentWhileTheFirstReplyIsInFlight() {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-slow-key"))
                .willReturn(completion("slow").withFixedDelay(2_000)));
        String task = createTask("hasty");
        as("hasty").contentType(ContentType.JSON).header("Idempotency-Key", "k-slow").queryParam("wait", 0)
                .body("{\"content\":\"marker-slow-key\"}").post("/tasks/{id}/messages", task)
                .then().statusCode(202);

        send("hasty", task, "k-slow", "something else").then().statusCode(422);
    }

    @Test
    void refusesKeysThatAreTooLongOrHoldControlCharacters() {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-key")).willReturn(completion("ok")));
        String task = createTask("keys");
        send("keys", task, "k".repeat(256), "marker-key").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("Idempotency-Key must be at most 255 characters"));
        send("keys", task, "tab\there", "marker-key").then().statusCode(400)
                .body("detail", equalTo("Idempotency-Key must not contain control characters"));
        send("keys", task, "k".repeat(255), "marker-key").then().statusCode(200);
    }

    @Test
    void twentyConcurrentCopiesCallTheModelOnceAndGetOneReply() throws Exception {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-twenty"))
                .willReturn(completion("the one reply").withFixedDelay(1_000)));
        String task = createTask("impatient");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Response>> copies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                copies.add(pool.submit(() -> send("impatient", task, "k-twenty", "marker-twenty")));
            }
            List<String> bodies = new ArrayList<>();
            for (Future<Response> copy : copies) {
                Response answer = copy.get(60, TimeUnit.SECONDS);
                answer.then().statusCode(200);
                bodies.add(answer.asString());
            }

            assertEquals(1, gateway.findAll(postRequestedFor(urlEqualTo(COMPLETIONS))
                    .withRequestBody(containing("marker-twenty"))).size(), "one upstream call");
            assertEquals(1, bodies.stream().distinct().count(), "twenty identical replies: " + bodies.get(0));
        } finally {
            pool.shutdownNow();
        }
        as("impatient").when().get("/tasks/{id}", task).then().body("message_count", equalTo(2));
    }

    private static Response send(String owner, String task, String key, String content) {
        return as(owner).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"content\":\"" + content + "\"}").post("/tasks/{id}/messages", task);
    }

    private static String createTask(String owner) {
        return as(owner).contentType(ContentType.JSON).body("{}").post("/tasks").then().statusCode(201)
                .extract().path("id");
    }

    private static ResponseDefinitionBuilder completion(String content) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}]}"""
                .formatted(content));
    }
}
