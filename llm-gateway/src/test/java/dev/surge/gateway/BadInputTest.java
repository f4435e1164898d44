package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Requests the upstream could not accept are refused here, in OpenAI's format, and never forwarded. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class BadInputTest extends UpstreamStubbedTest {

    @AfterEach
    void nothingReachedTheUpstream() {
        upstream.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void refusesMalformedJson() {
        send("{\"model\":\"gpt-4o-mini\",\"messages\":[").statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void refusesBodyThatIsNotUtf8() {
        byte[] latin1 = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"\u00e9t\u00e9\"}]}"
                .getBytes(StandardCharsets.ISO_8859_1);

        given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(latin1)
                .post("/v1/chat/completions")
                .then().statusCode(400)
                .header("x-should-retry", "false")
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("We could not parse the JSON body of your request."));
    }

    @Test
    void refusesTrailingContentAfterTheObject() {
        send("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]} {}").statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void refusesRequestWithoutModel() {
        send("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").statusCode(400)
                .body("error.param", equalTo("model"));
    }

    @Test
    void refusesRequestWithoutMessages() {
        send("{\"model\":\"gpt-4o-mini\"}").statusCode(400).body("error.param", equalTo("messages"));
    }

    @Test
    void refusesRequestWithEmptyMessages() {
        send("{\"model\":\"gpt-4o-mini\",\"messages\":[]}").statusCode(400).body("error.param", equalTo("messages"));
    }

    @Test
    void refusesNumRetriesOutOfRange() {
        send("{\"model\":\"gpt-4o-mini\",\"num_retries\":11,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .statusCode(400).body("error.param", equalTo("num_retries"));
    }

    @Test
    void refusesOversizedBody() {
        String padding = "x".repeat(1024 * 1024);
        send("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + padding + "\"}]}")
                .statusCode(413)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", notNullValue());
    }

    private static ValidatableResponse send(String body) {
        return given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON).body(body)
                .post("/v1/chat/completions")
                .then().header("x-should-retry", "false");
    }
}
