package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Callers need a gateway key; the upstream key goes upstream and nowhere else. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class AuthTest extends UpstreamStubbedTest {

    @Test
    void refusesCallWithoutKey() {
        Response response = given().contentType(ContentType.JSON).body(Fixtures.CHAT_REQUEST).post(PATH);

        response.then().statusCode(401)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_api_key"))
                .body("error.param", nullValue());
        assertNoUpstreamKey(response);
        upstream.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void refusesCallWithWrongKey() {
        Response response = given().auth().oauth2("sk-surge-wrong").contentType(ContentType.JSON)
                .body(Fixtures.CHAT_REQUEST).post(PATH);

        response.then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        assertNoUpstreamKey(response);
        upstream.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void refusesModelListingWithoutKey() {
        given().get("/v1/models").then().statusCode(401);
    }

    @Test
    void sendsTheUpstreamKeyOnlyUpstream() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION)));

        Response response = given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                .body(Fixtures.CHAT_REQUEST).post(PATH);

        response.then().statusCode(200);
        assertNoUpstreamKey(response);
        upstream.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + WireMockUpstream.UPSTREAM_KEY)));
    }

    @Test
    void keepsTheUpstreamKeyOutOfErrors() {
        // A careless upstream that echoes the key it was sent, in its body and in a header.
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-ratelimit-debug", WireMockUpstream.UPSTREAM_KEY)
                .withBody(Fixtures.error("Incorrect API key provided: " + WireMockUpstream.UPSTREAM_KEY + ".",
                        "invalid_request_error", "invalid_api_key"))));
        upstream.stubFor(post(PATH).withRequestBody(containing("retry-me")).willReturn(aResponse().withStatus(503)
                .withBody("upstream key " + WireMockUpstream.UPSTREAM_KEY + " is busy")));

        Response rejected = given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                .body(Fixtures.CHAT_REQUEST).post(PATH);
        Response exhausted = given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"num_retries\":0,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"retry-me\"}]}")
                .post(PATH);
        Response invalid = given().auth().oauth2(Fixtures.GATEWAY_KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\"}").post(PATH);

        rejected.then().statusCode(401);
        exhausted.then().statusCode(503);
        invalid.then().statusCode(400);
        assertNoUpstreamKey(rejected);
        assertNoUpstreamKey(exhausted);
        assertNoUpstreamKey(invalid);
    }

    private static void assertNoUpstreamKey(Response response) {
        assertThat(response.asString(), not(containsString(WireMockUpstream.UPSTREAM_KEY)));
        assertThat(response.headers().toString(), not(containsString(WireMockUpstream.UPSTREAM_KEY)));
    }
}
