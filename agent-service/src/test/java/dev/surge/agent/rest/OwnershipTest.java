package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.surge.agent.rest.Api.as;
import static dev.surge.agent.rest.Api.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;

/**
 * A task is its owner's alone: anyone else, in another tenant or the same one, gets exactly the answer of an unknown
 * id. Workflows of other applications in the same Temporal namespace are never touched, and asking for them neither
 * waits nor ties up request threads.
 */
@QuarkusTest
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class OwnershipTest {

    WireMockServer gateway;

    @Inject
    WorkflowClient client;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource("/")
    URL base;

    @Test
    void anotherOwnerCannotSeeMessageCancelInterruptEndOrStreamATask() {
        gateway.stubFor(post("/v1/chat/completions").withRequestBody(containing("marker-owned"))
                .willReturn(completion("mine")));
        String task = as("alice").contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");
        String reply = as("alice").contentType(ContentType.JSON).body("{\"content\":\"marker-owned\"}")
                .when().post("/tasks/{id}/messages", task)
                .then().statusCode(200).extract().path("reply.id");

        for (Supplier<RequestSpecification> stranger : List.<Supplier<RequestSpecification>>of(() -> as("bob"),
                () -> withToken(Api.token("alice", "another-tenant")))) {
            assertEveryEndpointIsNotFound(stranger, task, reply);
        }

        as("alice").when().get("/tasks/{id}", task).then().statusCode(200)
                .body("status", equalTo("RUNNING")).body("message_count", equalTo(2));
    }

    @Test
    void workflowsOfOtherApplicationsAreNotFoundAndUntouched() {
        String inOurFormat = UUID.randomUUID().toString();
        WorkflowStub payroll = startForeign("payroll-42");
        WorkflowStub lookalike = startForeign("surge-task-" + inOurFormat);
        long payrollEvents = payroll.describe().getHistoryLength();
        long lookalikeEvents = lookalike.describe().getHistoryLength();

        assertEveryEndpointIsNotFound(() -> as("alice"), "payroll-42", "m-1");
        assertEveryEndpointIsNotFound(() -> as("alice"), inOurFormat, "m-1");

        assertEquals(payrollEvents, payroll.describe().getHistoryLength(), "not signalled, updated or cancelled");
        assertEquals(lookalikeEvents, lookalike.describe().getHistoryLength(), "not signalled, updated or cancelled");
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, payroll.describe().getStatus());
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, lookalike.describe().getStatus());
    }

    @Test
    void aFloodOfForeignIdsLeavesCreationAndReadinessAnswering() throws Exception {
        String inOurFormat = UUID.randomUUID().toString();
        startForeign("surge-task-" + inOurFormat);
        startForeign("payroll-43");
        // The bystander's first task also starts its owner directory; the flood is about the next ones.
        as("bystander").contentType(ContentType.JSON).body("{}").post("/tasks").then().statusCode(201);
        RequestSpecification quiet = as("bystander");
        long before = millis(() -> quiet.contentType(ContentType.JSON).body("{}").post("/tasks").then().statusCode(201));
        // The flood goes out through the JDK's asynchronous client: light on the CPU the server under test shares.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> flooders = List.of(Api.token("flooder-0", Api.TENANT), Api.token("flooder-1", Api.TENANT),
                Api.token("flooder-2", Api.TENANT), Api.token("flooder-3", Api.TENANT));
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String id = i % 2 == 0 ? inOurFormat : "payroll-43";
            flood.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "tasks/" + id + "/messages"))
                    .header("Authorization", "Bearer " + flooders.get(i % flooders.size()))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"pay me\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        RequestSpecification bystander = as("bystander");
        long created = millis(() -> bystander.contentType(ContentType.JSON).body("{}").post("/tasks")
                .then().statusCode(201));
        long readiness = millis(() -> RestAssured.given().get(ready).then().statusCode(200));

        for (CompletableFuture<HttpResponse<String>> answer : flood) {
            assertEquals(404, answer.get(30, TimeUnit.SECONDS).statusCode());
        }
        assertTrue(created < 1_000, "task creation answered in " + created + " ms during the flood, " + before
                + " ms before it");
        assertTrue(readiness < 1_000, "readiness answered in " + readiness + " ms during the flood");
    }

    private void assertEveryEndpointIsNotFound(Supplier<RequestSpecification> caller, String task, String message) {
        List<Response> answers = List.of(
                caller.get().get("/tasks/{id}", task),
                caller.get().get("/tasks/{id}/messages", task),
                caller.get().get("/tasks/{id}/messages/{m}", task, message),
                caller.get().contentType(ContentType.JSON).body("{\"content\":\"hello\"}")
                        .post("/tasks/{id}/messages", task),
                caller.get().contentType(ContentType.JSON).accept("text/event-stream")
                        .body("{\"content\":\"hello\"}").post("/tasks/{id}/messages", task),
                caller.get().post("/tasks/{id}/cancel", task),
                caller.get().post("/tasks/{id}/interrupt", task),
                caller.get().post("/tasks/{id}/end", task),
                caller.get().accept("text/event-stream").get("/tasks/{id}/stream", task));
        for (Response answer : answers) {
            answer.then().statusCode(404)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("type", equalTo("https://surge.dev/problems/task-not-found"))
                    .body("detail", equalTo("no task " + task));
        }
    }

    private WorkflowStub startForeign(String workflowId) {
        WorkflowStub foreign = client.newUntypedWorkflowStub("PayrollWorkflow", WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId).setTaskQueue("payroll").setWorkflowRunTimeout(Duration.ofMinutes(10)).build());
        foreign.start("salary");
        return foreign;
    }

    private static long millis(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder completion(String content) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}]}"""
                .formatted(content));
    }
}
