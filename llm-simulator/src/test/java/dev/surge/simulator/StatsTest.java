package dev.surge.simulator;

import static dev.surge.simulator.SimulatorTestSupport.chat;
import static dev.surge.simulator.SimulatorTestSupport.configure;
import static dev.surge.simulator.SimulatorTestSupport.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class StatsTest {

    private static final String SECRET = "sk-very-secret-key";

    @Test
    void statsCountRequestsByStatusAndKeyWithoutRevealingKeys() {
        configure("{\"rpm\":2}");
        post(SECRET, chat("one", 10, false)).then().statusCode(200);
        post(SECRET, chat("two", 10, false)).then().statusCode(200);
        post(SECRET, chat("three", 10, false)).then().statusCode(429);
        post(null, chat("four", 10, false)).then().statusCode(200);
        post(null, "{}").then().statusCode(400);

        String raw = given().get("/sim/stats").asString();
        assertFalse(raw.contains(SECRET));
        JsonPath stats = JsonPath.from(raw);
        assertEquals(5, stats.getInt("requests"));
        assertEquals(Map.of("200", 3, "400", 1, "429", 1), stats.getMap("by_status"));
        assertEquals(1, stats.getInt("rate_limited"));
        assertTrue(stats.getInt("prompt_tokens") > 0 && stats.getInt("completion_tokens") > 0);
        assertEquals(0, stats.getInt("concurrent"));
        assertEquals(1, stats.getInt("concurrent_peak"));

        Map<String, Object> keys = stats.getMap("keys");
        assertEquals(2, keys.size(), keys.toString());
        String keyId = keys.keySet().stream().filter(id -> !id.equals("anonymous")).findFirst().orElseThrow();
        assertTrue(keyId.matches("key-[0-9a-f]{8}"), keyId);
        assertEquals(3, stats.getInt("keys." + keyId + ".requests"));
        assertEquals(1, stats.getInt("keys." + keyId + ".rate_limited"));
        assertEquals(Map.of("200", 1, "400", 1), stats.getMap("keys.anonymous.by_status"));
    }

    @Test
    void resetClearsStatsAndRefillsBuckets() {
        configure("{\"rpm\":1}");
        post("k", chat("one", 10, false)).then().statusCode(200);
        post("k", chat("two", 10, false)).then().statusCode(429);

        given().post("/sim/reset").then().statusCode(204);

        given().get("/sim/stats").then().body("requests", equalTo(0)).body("keys", anEmptyMap());
        post("k", chat("three", 10, false)).then().statusCode(200);
    }

    @Test
    void metricsCountRequestsTokensAndRateLimits() {
        configure("{\"rpm\":1}");
        post("k", chat("one", 10, false)).then().statusCode(200);
        post("k", chat("two", 10, false)).then().statusCode(429);

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("surge_simulator_requests_total{status=\"200\"}"))
                .body(containsString("surge_simulator_rate_limited_total{type=\"requests\"}"))
                .body(containsString("surge_simulator_tokens_total{kind=\"completion\"}"))
                .body(containsString("surge_simulator_concurrent "))
                .body(not(containsString("sk-")));
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    }
}
