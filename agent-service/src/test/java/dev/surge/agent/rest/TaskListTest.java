package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.surge.agent.rest.Api.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** {@code GET /tasks}: the caller's own tasks, newest first, paginated by cursor, filtered by status and agent. */
@QuarkusTest
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class TaskListTest {

    WireMockServer gateway;

    @Test
    void listsOnlyTheCallersTasksNewestFirstAcrossPagesWithoutGapsOrRepeats() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(0, create("lister-a"));
            if (i < 2) {
                create("lister-b");
            }
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = as("lister-a").queryParam("limit", 3);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when().get("/tasks").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("tasks.id"));
            cursor = page.getString("next_cursor");
            assertEquals(cursor != null, page.getBoolean("has_more"));
            if (pages++ == 0) {
                // A task created between pages lands before the cursor: the next pages neither skip nor repeat.
                create("lister-a");
            }
        } while (cursor != null);

        assertEquals(3, pages);
        assertEquals(created, seen, "every task of the caller once, newest first");
        assertEquals(seen.size(), new HashSet<>(seen).size());
        as("lister-b").when().get("/tasks").then().statusCode(200)
                .body("tasks.size()", equalTo(2))
                .body("has_more", equalTo(false))
                .body("next_cursor", nullValue());
        as("lister-nobody").when().get("/tasks").then().statusCode(200).body("tasks", empty());
    }

    @Test
    void entriesCarryStatusMessageCountAndLastActivityAndFilterByStatusAndAgent() {
        gateway.stubFor(post("/v1/chat/completions").withRequestBody(containing("marker-listed"))
                .willReturn(Completions.whole("ok")));
        String talked = create("filterer");
        String cancelled = create("filterer");
        String ended = create("filterer");
        as("filterer").contentType(ContentType.JSON).body("{\"content\":\"marker-listed\"}")
                .when().post("/tasks/{id}/messages", talked).then().statusCode(200);
        as("filterer").when().post("/tasks/{id}/cancel", cancelled).then().statusCode(202);
        as("filterer").when().post("/tasks/{id}/end", ended).then().statusCode(202);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            as("filterer").queryParam("status", "RUNNING").when().get("/tasks").then().statusCode(200)
                    .body("tasks.id", contains(talked))
                    .body("tasks[0].message_count", equalTo(2))
                    .body("tasks[0].agent", equalTo("default"))
                    .body("tasks[0].status", equalTo("RUNNING"));
            as("filterer").queryParam("status", "canceled").when().get("/tasks").then().statusCode(200)
                    .body("tasks.id", contains(cancelled)).body("tasks[0].status", equalTo("CANCELED"));
            as("filterer").queryParam("status", "COMPLETED").when().get("/tasks").then().statusCode(200)
                    .body("tasks.id", contains(ended));
        });
        JsonPath entry = as("filterer").queryParam("status", "RUNNING").when().get("/tasks").then().extract()
                .jsonPath();
        assertNotEquals(entry.getString("tasks[0].created_at"), entry.getString("tasks[0].last_activity"));
        Instant.parse(entry.getString("tasks[0].last_activity"));
        as("filterer").queryParam("agent", "default").when().get("/tasks").then().statusCode(200)
                .body("tasks.id", contains(ended, cancelled, talked));
        as("filterer").queryParam("agent", "someone-else").when().get("/tasks").then().statusCode(200)
                .body("tasks", empty());
    }

    @Test
    void refusesAnInvalidLimitCursorOrStatus() {
        create("careless");
        for (String[] query : new String[][] { { "limit", "0" }, { "limit", "101" }, { "limit", "many" },
                { "cursor", "not-a-cursor" }, { "cursor", "bm90IGEgY3Vyc29y" }, { "status", "SLEEPING" } }) {
            as("careless").queryParam(query[0], query[1]).when().get("/tasks").then().statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("type", equalTo("https://surge.dev/problems/invalid-request"));
        }
    }

    private static String create(String owner) {
        return as(owner).contentType(ContentType.JSON).body("{}").when().post("/tasks")
                .then().statusCode(201).extract().path("id");
    }
}
