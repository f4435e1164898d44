package dev.surge.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** With a control key configured, the simulator's controls need it; the OpenAI surface does not. */
@QuarkusTest
@TestProfile(ControlKeyTest.WithControlKey.class)
class ControlKeyTest {

    /** The controls locked with a key. */
    public static class WithControlKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("surge.simulator.control-key", "sk-sim-control");
        }
    }

    @Test
    void controlsNeedTheKey() {
        given().get("/sim/stats").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        given().header("Authorization", "Bearer sk-wrong").contentType(ContentType.JSON).body("{\"rpm\":1}")
                .put("/sim/config").then().statusCode(401);
        given().header("Authorization", "Bearer sk-wrong").post("/sim/reset").then().statusCode(401);

        given().header("Authorization", "Bearer sk-sim-control").get("/sim/stats").then().statusCode(200);
        given().contentType(ContentType.JSON)
                .body(SimulatorTestSupport.chat("hello", 5, false))
                .post("/v1/chat/completions").then().statusCode(200);
    }
}
