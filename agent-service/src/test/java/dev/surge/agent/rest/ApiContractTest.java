package dev.surge.agent.rest;

import static dev.surge.agent.rest.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * What a caller sees when it gets something wrong: a problem+json for every error, framework-level ones included,
 * with a human detail and no internals; parameters checked when the task is created; relative Locations; metrics
 * labelled by route template, never by task id.
 */
@QuarkusTest
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class ApiContractTest {

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource("/")
    URL base;

    @Test
    void refusesEachInvalidParameterWith400() {
        for (String params : List.of("{\"temperature\":-0.1}", "{\"temperature\":2.01}", "{\"top_p\":-0.5}",
                "{\"top_p\":1.5}", "{\"max_tokens\":0}", "{\"max_tokens\":4097}", "{\"max_tokens\":-3}")) {
            given().contentType(ContentType.JSON).body("{\"params\":" + params + "}")
                    .when().post("/tasks")
                    .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                    .body("type", equalTo("https://surge.dev/problems/invalid-request"))
                    .body("detail", startsWith("params."));
        }
        given().contentType(ContentType.JSON).body("{\"params\":{\"temperature\":0,\"top_p\":1,\"max_tokens\":4096}}")
                .when().post("/tasks")
                .then().statusCode(201);
    }

    @Test
    void refusesWrongJsonTypesWith400() {
        for (String body : List.of("{\"params\":{\"temperature\":\"hot\"}}", "{\"params\":{\"max_tokens\":1.5}}",
                "{\"params\":{\"temperature\":\"0.5\"}}", "{\"params\":{\"max_tokens\":\"12\"}}", "{\"agent\":42}",
                "{\"params\":\"warm\"}", "{\"agent\":{\"name\":\"default\"}}", "[1,2]")) {
            given().contentType(ContentType.JSON).body(body)
                    .when().post("/tasks")
                    .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("status", equalTo(400));
        }
        String task = createTask();
        given().contentType(ContentType.JSON).body("{\"content\":{\"text\":\"hi\"}}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void refusesNonNumericLimitAndWaitWith400() {
        String task = createTask();
        given().queryParam("limit", "ten").when().get("/tasks/{id}/messages", task)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("detail", equalTo("limit must be a whole number"));
        given().queryParam("limit", "0").when().get("/tasks/{id}/messages", task)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        given().contentType(ContentType.JSON).queryParam("wait", "soon").body("{\"content\":\"hi\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("detail", equalTo("wait must be a whole number"));
    }

    @Test
    void answersFrameworkErrorsAsProblems() throws Exception {
        String task = createTask();
        given().contentType(ContentType.TEXT).body("hi").when().post("/tasks/{id}/messages", task)
                .then().statusCode(415).contentType(Problem.MEDIA_TYPE).body("status", equalTo(415));
        given().when().delete("/tasks/{id}", task)
                .then().statusCode(405).contentType(Problem.MEDIA_TYPE).body("status", equalTo(405));
        String tooLarge = rawExchange("POST /tasks/" + task + "/messages HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + Api.token(Api.TESTER, Api.TENANT) + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + 2 * 1024 * 1024 + "\r\n\r\n");
        assertTrue(tooLarge.startsWith("HTTP/1.1 413"), tooLarge);
        assertTrue(tooLarge.contains("application/problem+json"), tooLarge);
        NoInternalsFilter.assertClean("a body too large", tooLarge);
        given().when().get("/tasks/" + task + "/messages?after=" + "a".repeat(9000))
                .then().statusCode(414).contentType(Problem.MEDIA_TYPE).body("status", equalTo(414));
        given().header("X-Padding", "p".repeat(30_000)).when().get("/tasks/{id}", task)
                .then().statusCode(431).contentType(Problem.MEDIA_TYPE).body("status", equalTo(431));
        given().when().get("/nothing/here")
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void locationsAreRelative() {
        given().contentType(ContentType.JSON).header("Host", "evil.example").body("{}")
                .when().post("/tasks")
                .then().statusCode(201).header("Location", startsWith("/tasks/"));
    }

    @Test
    void metricsNameRoutesNeverTaskIds() {
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String task = createTask();
            tasks.add(task);
            given().when().get("/tasks/{id}", task).then().statusCode(200);
            given().when().delete("/tasks/{id}/messages", task).then().statusCode(405);
            given().contentType(ContentType.TEXT).body("x").when().post("/tasks/{id}/messages", task)
                    .then().statusCode(415);
            given().header("X-Padding", "p".repeat(30_000)).when().get("/tasks/{id}/stream", task)
                    .then().statusCode(431);
        }
        // The scrape itself names Java types (JVM and Netty meters): an operator surface, not a caller's answer.
        String scraped = RestAssured.given().when().get(metrics).then().statusCode(200).extract().asString();

        assertTrue(scraped.contains("uri=\"/tasks/{id}\""), "route templates are used");
        for (String task : tasks) {
            assertFalse(scraped.contains(task), "no task id in metrics: " + task);
        }
    }

    /**
     * Sends {@code head} on a raw connection and reads the answer until the server closes it: a declared body far
     * over the limit is refused before a byte of it is sent.
     */
    private String rawExchange(String head) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String createTask() {
        Response created = given().contentType(ContentType.JSON).body("{}").when().post("/tasks");
        created.then().statusCode(201);
        return created.path("id");
    }
}
