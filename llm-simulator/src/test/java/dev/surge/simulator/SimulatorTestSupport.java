package dev.surge.simulator;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Shared by the {@code @QuarkusTest} classes, which share one application: each test starts from the
 * same baseline (no limits, any limit enforced over the minute only, no latency, no faults) plus what it
 * needs, with counters and buckets reset.
 */
final class SimulatorTestSupport {

    private static final String BASELINE = """
            {"rpm":0,"tpm":0,"burst_ms":0,"max_concurrent_per_key":0,"default_max_tokens":256,
             "latency":{"first_token_ms":0,"per_token_ms":0,"jitter":0},
             "faults":{"error_rate":0,"reset_rate":0,"hang_rate":0,"hang_for_ms":600000,"stream_fail_after":0,
                       "insufficient_quota":false}}""";

    private SimulatorTestSupport() {
    }

    /** Baseline settings, then {@code patch} (a partial {@code PUT /sim/config} body), then a reset. */
    static void configure(String patch) {
        putConfig(BASELINE);
        putConfig(patch);
        given().post("/sim/reset").then().statusCode(204);
    }

    private static void putConfig(String body) {
        given().contentType(ContentType.JSON).body(body).put("/sim/config").then().statusCode(200);
    }

    /** A chat request body with one user message. */
    static String chat(String userText, Integer maxTokens, boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + userText + "\"}]"
                + (maxTokens == null ? "" : ",\"max_tokens\":" + maxTokens)
                + (stream ? ",\"stream\":true" : "") + "}";
    }

    /** Posts {@code body} to the chat endpoint as {@code apiKey} (none when null). */
    static Response post(String apiKey, String body) {
        RequestSpecification request = given().contentType(ContentType.JSON).body(body);
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request.post("/v1/chat/completions");
    }
}
