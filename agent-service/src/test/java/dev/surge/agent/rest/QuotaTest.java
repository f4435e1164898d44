package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.surge.agent.rest.Api.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.surge.agent.Owner;
import dev.surge.agent.workflow.OpenTask;
import dev.surge.agent.workflow.OwnerDirectory;
import dev.surge.agent.workflow.OwnerDirectoryInput;
import dev.surge.agent.workflow.WorkflowIds;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateStage;

/** Each per-owner quota answers 429 problem+json with a Retry-After, and frees up as it should. */
@QuarkusTest
@TestProfile(QuotaTest.TightQuotas.class)
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class QuotaTest {

    WireMockServer gateway;

    @Inject
    WorkflowClient client;

    @TestHTTPResource("/")
    URL base;

    /** Quotas small enough to reach in a test. */
    public static class TightQuotas implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("surge.quotas.tasks-per-minute", "3",
                    "surge.quotas.messages-per-minute", "3",
                    "surge.quotas.open-tasks-per-owner", "3",
                    "surge.quotas.streams-per-owner", "1",
                    "surge.quotas.streams", "2");
        }
    }

    @Test
    void taskCreationsPerMinute() {
        for (int i = 0; i < 3; i++) {
            createTask("eager");
        }
        assertQuota(as("eager").contentType(ContentType.JSON).body("{}").post("/tasks").then(), 1, 20);
        createTask("patient");
    }

    @Test
    void messagesPerMinute() {
        gateway.stubFor(post("/v1/chat/completions").withRequestBody(containing("marker-chatty"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                        {"id":"c","object":"chat.completion","model":"gpt-4o-mini",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}""")));
        String task = createTask("chatty");
        for (int i = 0; i < 3; i++) {
            send("chatty", task).statusCode(200);
        }
        assertQuota(send("chatty", task), 1, 20);
    }

    @Test
    void openTasksCountAcrossReplicas() {
        Owner busy = new Owner(Api.TENANT, "busy");
        // Three tasks opened by other replicas, straight through the owner's directory.
        WorkflowStub directory = directory(busy);
        for (int i = 0; i < 3; i++) {
            directory.startUpdate(UpdateOptions.newBuilder(Void.class).setUpdateName("openTask")
                    .setUpdateId("elsewhere-" + i).setWaitForStage(WorkflowUpdateStage.COMPLETED).build(),
                    new OpenTask("elsewhere-" + i, "default", Instant.now(), 3)).getResult();
        }

        assertQuota(as("busy").contentType(ContentType.JSON).body("{}").post("/tasks").then(), 30, 30);

        directory.signal("taskEnded", "elsewhere-0");
        createTask("busy");
    }

    @Test
    void streamsPerOwnerAndInAll() throws Exception {
        String first = createTask("watcher");
        String second = createTask("watcher");
        String other = createTask("other-watcher");
        try (Stream<String> watching = openStream("watcher", first);
                Stream<String> alsoWatching = openStream("other-watcher", other)) {
            assertQuota(as("watcher").accept("text/event-stream").get("/tasks/{id}/stream", second).then(), 30, 30);
            String third = createTask("third-watcher");
            assertQuota(as("third-watcher").accept("text/event-stream").get("/tasks/{id}/stream", third).then(),
                    30, 30);
        }
        // Both subscribers went away: their slots come back at the next poll.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            openStream("watcher", second).close();
        });
    }

    private void assertQuota(ValidatableResponse answer, int minRetryAfter, int maxRetryAfter) {
        answer.statusCode(429)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("https://surge.dev/problems/quota-exceeded"))
                .header("Retry-After", Integer::parseInt, allOf(greaterThanOrEqualTo(minRetryAfter),
                        lessThanOrEqualTo(maxRetryAfter)));
    }

    /** A subscription whose first event has arrived, so that it is counted. */
    private Stream<String> openStream(String owner, String task) throws Exception {
        HttpResponse<Stream<String>> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(base + "tasks/" + task + "/stream"))
                        .header("Authorization", "Bearer " + Api.token(owner, Api.TENANT))
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        Stream<String> lines = response.body();
        Iterator<String> events = lines.iterator();
        // The task as it is now, numbered with the last event it includes (none yet).
        assertEquals("id:0", events.next());
        assertEquals("event:task", events.next());
        return lines;
    }

    private WorkflowStub directory(Owner owner) {
        OwnerDirectory directory = client.newWorkflowStub(OwnerDirectory.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.ofOwner(owner)).setTaskQueue("surge-conversations").build());
        WorkflowClient.start(directory::run, OwnerDirectoryInput.EMPTY);
        return WorkflowStub.fromTyped(directory);
    }

    private static ValidatableResponse send(String owner, String task) {
        return as(owner).contentType(ContentType.JSON).body("{\"content\":\"marker-chatty\"}")
                .post("/tasks/{id}/messages", task).then();
    }

    private static String createTask(String owner) {
        return as(owner).contentType(ContentType.JSON).body("{}").post("/tasks").then().statusCode(201)
                .extract().path("id");
    }
}
