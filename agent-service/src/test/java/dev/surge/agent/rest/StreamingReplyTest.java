package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.surge.agent.rest.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.surge.agent.Exchange;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.Owner;
import dev.surge.agent.rest.SseReader.Event;
import dev.surge.agent.workflow.SendMessage;
import dev.surge.agent.workflow.WorkflowIds;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateStage;

/**
 * {@code POST /tasks/{id}/messages} with {@code Accept: text/event-stream}: the reply arrives as it is written, on this
 * replica's own task queue; a stream that breaks off is written again and the caller told; a reply whose replica is
 * gone is written on the shared queue, unstreamed, and stored once.
 */
@QuarkusTest
@TestProfile(StreamingReplyTest.QuickPickup.class)
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class StreamingReplyTest {

    private static final String COMPLETIONS = "/v1/chat/completions";

    WireMockServer gateway;

    @Inject
    WorkflowClient client;

    @TestHTTPResource("/")
    URL base;

    /** A streamed reply whose replica does not pick it up within 3 s is written on the shared queue. */
    public static class QuickPickup implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A generous Temporal call deadline: these tests share a loaded machine.
            return Map.of("surge.stream.replica-pickup-timeout", "3s", "surge.temporal.call-timeout", "30s");
        }
    }

    @Test
    void aStreamedReplyArrivesAsSeveralDeltasWhoseConcatenationIsTheStoredReply() throws Exception {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-deltas"))
                .withRequestBody(matchingJsonPath("$.stream", WireMock.equalTo("true")))
                .willReturn(Completions.streamed("Once ", "upon ", "a ", "time.")
                        .withChunkedDribbleDelay(5, 1_000)));
        String task = create("streamer");

        List<Event> events = send("streamer", task, "marker-deltas").get(60, TimeUnit.SECONDS);

        assertEquals("message.created", events.get(0).name());
        assertEquals("message.completed", events.get(events.size() - 1).name());
        List<String> deltas = texts(events);
        assertEquals(List.of("Once ", "upon ", "a ", "time."), deltas);
        String reply = field(events.get(events.size() - 1).data(), "id");
        as("streamer").when().get("/tasks/{id}/messages/{m}", task, reply).then().statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("content", equalTo(String.join("", deltas)));
        assertEquals(1, hits("marker-deltas"));
    }

    @Test
    void aStreamThatBreaksOffIsWrittenAgainAndTheCallerToldSoWhatItShowsIsTheStoredReply() throws Exception {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-broken")).inScenario("broken")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(Completions.brokenOff("Half ", "a ")));
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-broken")).inScenario("broken")
                .whenScenarioStateIs("second")
                .willReturn(Completions.streamed("A whole ", "reply.")));
        String task = create("streamer");

        List<Event> events = send("streamer", task, "marker-broken").get(60, TimeUnit.SECONDS);

        List<String> names = events.stream().map(Event::name).toList();
        assertEquals(List.of("message.created", "delta", "delta", "message.restarted", "delta", "delta",
                "message.completed"), names);
        int restart = names.indexOf("message.restarted");
        String shown = String.join("", texts(events.subList(restart, events.size())));
        assertEquals("A whole reply.", shown);
        String reply = field(events.get(events.size() - 1).data(), "id");
        as("streamer").when().get("/tasks/{id}/messages/{m}", task, reply).then()
                .body("content", equalTo(shown));
        assertEquals(2, hits("marker-broken"));
    }

    @Test
    void aReplyWhoseReplicaIsGoneIsWrittenOnTheSharedQueueAndStoredOnce() {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-orphan"))
                .willReturn(Completions.whole("still here")));
        String task = create("orphan");

        // As a replica that died right after sending the message would have left it: nobody polls its queue.
        Exchange exchange = client.newUntypedWorkflowStub(WorkflowIds.TASK_PREFIX + task).startUpdate(
                UpdateOptions.newBuilder(Exchange.class).setUpdateName("sendMessage").setUpdateId("orphan-1")
                        .setWaitForStage(WorkflowUpdateStage.COMPLETED).build(),
                new SendMessage("orphan-user", "orphan-reply", "marker-orphan", new Owner(Api.TENANT, "orphan"),
                        "surge-conversations-replica-that-died")).getResult();

        assertEquals(MessageStatus.COMPLETED, exchange.reply().status());
        assertEquals("still here", exchange.reply().content());
        as("orphan").when().get("/tasks/{id}/messages", task).then().statusCode(200)
                .body("messages.id", contains("orphan-user", "orphan-reply"))
                .body("messages[1].content", equalTo("still here"));
        assertEquals(1, hits("marker-orphan"));
    }

    @Test
    void anInterruptedStreamedReplyKeepsTheTextItShowed() throws Exception {
        gateway.stubFor(post(COMPLETIONS).withRequestBody(containing("marker-long"))
                .willReturn(Completions.streamed("one ", "two ", "three ", "four ", "five ", "six ")
                        .withChunkedDribbleDelay(60, 90_000)));
        String task = create("stopper");
        CountDownLatch firstDelta = new CountDownLatch(1);
        CompletableFuture<List<Event>> streamed = send("stopper", task, "marker-long", event -> {
            if ("delta".equals(event.name())) {
                firstDelta.countDown();
            }
        });
        assertTrue(firstDelta.await(60, TimeUnit.SECONDS), "some text was shown");

        as("stopper").when().post("/tasks/{id}/interrupt", task).then().statusCode(202);
        List<Event> events = streamed.get(60, TimeUnit.SECONDS);

        Event last = events.get(events.size() - 1);
        assertEquals("message.interrupted", last.name(), events.toString());
        String shown = String.join("", texts(events));
        assertTrue(!shown.isEmpty() && shown.length() < "one two three four five six ".length(), shown);
        as("stopper").when().get("/tasks/{id}/messages/{m}", task, field(last.data(), "id")).then()
                .body("status", equalTo("INTERRUPTED"))
                .body("content", equalTo(shown));
    }

    private CompletableFuture<List<Event>> send(String owner, String task, String content) {
        return send(owner, task, content, event -> {
        });
    }

    /** Sends a message asking for a streamed reply; {@code onEvent} sees each event as it arrives. */
    private CompletableFuture<List<Event>> send(String owner, String task, String content, Consumer<Event> onEvent) {
        return SseReader.read(HttpRequest.newBuilder(URI.create(base + "tasks/" + task + "/messages"))
                .header("Authorization", "Bearer " + Api.token(owner, Api.TENANT))
                .header("Accept", "text/event-stream")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"" + content + "\"}")).build(), onEvent);
    }

    private int hits(String marker) {
        return gateway.findAll(postRequestedFor(urlEqualTo(COMPLETIONS)).withRequestBody(containing(marker))).size();
    }

    private static String create(String owner) {
        return as(owner).contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");
    }

    private static List<String> texts(List<Event> events) {
        return events.stream().filter(e -> "delta".equals(e.name())).map(e -> field(e.data(), "text")).toList();
    }

    private static String field(String json, String name) {
        return io.restassured.path.json.JsonPath.from(json).getString(name);
    }
}
