package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.surge.agent.rest.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.surge.agent.rest.SseReader.Event;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * {@code GET /tasks/{id}/stream}: every event carries an id ordered within the task; {@code Last-Event-ID} (header or
 * query) replays exactly the durable events after it, then the stream goes on live and closes when the task ends;
 * keepalive comments at the configured interval.
 */
@QuarkusTest
@TestProfile(StreamResumeTest.QuickKeepalive.class)
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class StreamResumeTest {

    WireMockServer gateway;

    @TestHTTPResource("/")
    URL base;

    /** Keepalives every second, so a test sees some without waiting 15 s. */
    public static class QuickKeepalive implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A generous Temporal call deadline: these tests share a loaded machine.
            return Map.of("surge.stream.keepalive", "1s", "surge.temporal.call-timeout", "30s");
        }
    }

    @Test
    void resumingAfterAnEventReplaysExactlyTheEventsAfterItThenFollowsUntilTheEnd() throws Exception {
        gateway.stubFor(post("/v1/chat/completions").withRequestBody(containing("marker-resume"))
                .willReturn(Completions.whole("resumed")));
        String task = as("resumer").contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");
        as("resumer").contentType(ContentType.JSON).body("{\"content\":\"marker-resume\"}")
                .when().post("/tasks/{id}/messages", task).then().statusCode(200);

        // A client that saw event 1 (the user message) missed the reply's creation and completion.
        CompletableFuture<List<Event>> resumed = stream("resumer", task, Map.of("Last-Event-ID", "1"), "");
        Thread.sleep(1_500);
        as("resumer").when().post("/tasks/{id}/end", task).then().statusCode(202);
        List<Event> received = resumed.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("2 message.created", "3 message.completed", "4 task.ended"), named(received));
        assertTrue(received.stream().anyMatch(Event::keepalive), "a keepalive comment while the stream was quiet");
        List<Event> events = received.stream().filter(e -> !e.keepalive()).toList();
        assertTrue(events.get(0).data().contains("\"status\":\"PENDING\""), events.get(0).data());
        assertTrue(events.get(1).data().contains("\"content\":\"resumed\""), events.get(1).data());
        assertTrue(events.get(2).data().contains("\"status\":\"COMPLETED\""), events.get(2).data());

        // From the query parameter too; after the end, nothing is left to send and the stream closes.
        assertEquals(List.of("3 message.completed", "4 task.ended"),
                named(stream("resumer", task, Map.of(), "?last_event_id=2").get(30, TimeUnit.SECONDS)));
        assertEquals(List.of(),
                named(stream("resumer", task, Map.of("Last-Event-ID", "4"), "").get(30, TimeUnit.SECONDS)));
        // Without an id, the task as it is, numbered with the last event it includes, then its end.
        assertEquals(List.of("3 task", "4 task.ended"),
                named(stream("resumer", task, Map.of(), "").get(30, TimeUnit.SECONDS)));
    }

    @Test
    void aNewSubscriberGetsTheTaskNumberedWithItsLastEventThenLiveEvents() throws Exception {
        gateway.stubFor(post("/v1/chat/completions").withRequestBody(containing("marker-live"))
                .willReturn(Completions.whole("live")));
        String task = as("watcher").contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");
        CompletableFuture<List<Event>> live = stream("watcher", task, Map.of(), "");
        Thread.sleep(1_500);
        as("watcher").contentType(ContentType.JSON).body("{\"content\":\"marker-live\"}")
                .when().post("/tasks/{id}/messages", task).then().statusCode(200);
        as("watcher").when().post("/tasks/{id}/end", task).then().statusCode(202);
        assertEquals(List.of("0 task", "1 message.created", "2 message.created", "3 message.completed",
                "4 task.ended"), named(live.get(30, TimeUnit.SECONDS)));
    }

    @Test
    void refusesAnInvalidLastEventId() {
        String task = as("careless-resumer").contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");
        for (String id : List.of("abc", "-1")) {
            as("careless-resumer").accept("text/event-stream").header("Last-Event-ID", id)
                    .when().get("/tasks/{id}/stream", task)
                    .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        }
    }

    private CompletableFuture<List<Event>> stream(String owner, String task, Map<String, String> headers,
            String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "tasks/" + task + "/stream" + query))
                .header("Authorization", "Bearer " + Api.token(owner, Api.TENANT))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(60));
        headers.forEach(request::header);
        return SseReader.read(request.build(), event -> {
        });
    }

    private static List<String> named(List<Event> events) {
        return events.stream().filter(e -> !e.keepalive()).map(e -> e.id() + " " + e.name()).toList();
    }
}
