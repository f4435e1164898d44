package dev.surge.simulator;

import static dev.surge.simulator.SimulatorTestSupport.configure;
import static dev.surge.simulator.SimulatorTestSupport.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class InvalidRequestTest {

    private static final String USER = "[{\"role\":\"user\",\"content\":\"hi\"}]";

    @BeforeEach
    void setUp() {
        configure("{}");
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                Arguments.of("{\"model\":", "We could not parse the JSON body of your request.", null, null),
                Arguments.of("[1,2]", "We could not parse the JSON body of your request.", null, null),
                Arguments.of("{\"messages\":" + USER + "}", "you must provide a model parameter", null, null),
                Arguments.of("{\"model\":\"m\"}", "Missing required parameter: 'messages'.", "messages",
                        "missing_required_parameter"),
                Arguments.of("{\"model\":\"m\",\"messages\":[]}", "Invalid 'messages': empty array.", "messages",
                        "empty_array"),
                Arguments.of("{\"model\":\"m\",\"messages\":\"hi\"}",
                        "Invalid type for 'messages': expected an array of objects, but got a string instead.",
                        "messages", "invalid_type"),
                Arguments.of("{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}",
                        "Invalid value: 'robot'. Supported values are:", "messages[0].role", "invalid_value"),
                Arguments.of("{\"model\":\"m\",\"messages\":[{\"content\":\"hi\"}]}",
                        "Missing required parameter: 'messages[0].role'.", "messages[0].role",
                        "missing_required_parameter"),
                Arguments.of("{\"model\":\"m\",\"messages\":" + USER + ",\"max_tokens\":\"ten\"}",
                        "Invalid type for 'max_tokens': expected an integer, but got a string instead.", "max_tokens",
                        "invalid_type"),
                Arguments.of("{\"model\":\"m\",\"messages\":" + USER + ",\"max_completion_tokens\":0}",
                        "Invalid 'max_completion_tokens': integer below minimum value.", "max_completion_tokens",
                        "integer_below_min_value"),
                Arguments.of("{\"model\":\"m\",\"messages\":" + USER + ",\"stream\":\"yes\"}",
                        "Invalid type for 'stream': expected a boolean, but got a string instead.", "stream",
                        "invalid_type"));
    }

    @ParameterizedTest
    @MethodSource("invalidRequests")
    void invalidRequestsGetOpenAisInvalidRequestError(String body, String message, String param, String code) {
        post("k", body).then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString(message))
                .body("error.param", equalTo(param))
                .body("error.code", equalTo(code));
    }

    @Test
    void invalidSettingsAreRejectedAndLeaveTheSettingsAlone() {
        given().contentType(ContentType.JSON).body("{\"faults\":{\"error_rate\":1.5}}").put("/sim/config")
                .then().statusCode(400).body("error.message", containsString("within 0..1"));
        given().contentType(ContentType.JSON).body("{\"rmp\":10}").put("/sim/config")
                .then().statusCode(400).body("error.message", containsString("unknown setting 'rmp'"));
        given().contentType(ContentType.JSON).body("{\"burst_ms\":60001}").put("/sim/config")
                .then().statusCode(400).body("error.message", containsString("burst_ms must be within 0..60000"));
        given().get("/sim/config").then().body("faults.error_rate", equalTo(0.0f)).body("rpm", equalTo(0));
    }
}
