package dev.surge.agent.rest;

import static dev.surge.agent.rest.Api.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** A task left alone ends by its workflow's timer, and stops counting against its owner's open tasks. */
@QuarkusTest
@TestProfile(IdleTimeoutTest.ShortIdleTimeout.class)
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class IdleTimeoutTest {

    /**
     * Tasks end after fifteen idle seconds (long enough that the second creation below still finds the first task
     * open on a loaded machine); one open task per owner.
     */
    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("surge.conversation.idle-timeout", "15s", "surge.quotas.open-tasks-per-owner", "1");
        }
    }

    @Test
    void anIdleTaskEndsAndFreesItsOwnersQuota() {
        String task = as("idler").contentType(ContentType.JSON).body("{}").post("/tasks")
                .then().statusCode(201).extract().path("id");
        as("idler").contentType(ContentType.JSON).body("{}").post("/tasks").then().statusCode(429);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> as("idler").get("/tasks/{id}", task)
                .then().statusCode(200).body("status", equalTo("COMPLETED")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as("idler").contentType(ContentType.JSON)
                .body("{}").post("/tasks").then().statusCode(201));
    }
}
