package dev.surge.agent.rest;

import static dev.surge.agent.rest.Api.anonymous;
import static dev.surge.agent.rest.Api.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Without valid credentials nothing is served: 401 problem+json with a Bearer challenge, before any task is looked
 * at. Valid ones are a JWT of the configured issuer and audience, signed by the configured key and not expired, or a
 * configured service API key.
 */
@QuarkusTest
@QuarkusTestResource(value = TemporalTestServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStubResource.class, restrictToAnnotatedClass = true)
class AuthTest {

    private static final String ANY_TASK = "00000000-0000-0000-0000-000000000000";

    @Test
    void refusesARequestWithoutCredentials() {
        for (RequestSpecification request : List.of(anonymous(), anonymous().header("Authorization", "Basic dTpw"))) {
            request.contentType(ContentType.JSON).body("{}")
                    .when().post("/tasks")
                    .then().statusCode(401)
                    .contentType(Problem.MEDIA_TYPE)
                    .header("WWW-Authenticate", equalTo("Bearer realm=\"surge\""))
                    .body("type", equalTo("https://surge.dev/problems/unauthorized"))
                    .body("status", equalTo(401));
        }
        anonymous().when().get("/tasks/{id}", ANY_TASK).then().statusCode(401);
    }

    @Test
    void refusesATokenWithABadSignature() throws Exception {
        String forged = Jwt.subject("mallory").claim("tenant", "acme").sign(KeyUtils.generateKeyPair(2048).getPrivate());
        assertRefused(forged);
    }

    @Test
    void refusesAnExpiredToken() {
        assertRefused(Jwt.subject("late").claim("tenant", "acme").issuedAt(Instant.now().minusSeconds(7200))
                .expiresAt(Instant.now().minusSeconds(3600)).sign());
    }

    @Test
    void refusesATokenForAnotherAudienceOrIssuer() {
        assertRefused(Jwt.subject("elsewhere").audience("another-service").claim("tenant", "acme").sign());
        assertRefused(Jwt.issuer("https://other.example/issuer").subject("elsewhere").claim("tenant", "acme").sign());
        assertRefused("not-a-jwt");
    }

    @Test
    void servesAValidTokenAndAServiceKey() {
        withToken(Api.token("valid", Api.TENANT)).contentType(ContentType.JSON).body("{}")
                .when().post("/tasks")
                .then().statusCode(201);
        anonymous().header("X-Api-Key", "sk-test-service").contentType(ContentType.JSON).body("{}")
                .when().post("/tasks")
                .then().statusCode(201);
        anonymous().header("X-Api-Key", "sk-guessed").contentType(ContentType.JSON).body("{}")
                .when().post("/tasks")
                .then().statusCode(401).contentType(Problem.MEDIA_TYPE);
    }

    private static void assertRefused(String token) {
        withToken(token).contentType(ContentType.JSON).body("{}")
                .when().post("/tasks")
                .then().statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", startsWith("Bearer realm=\"surge\", error=\"invalid_token\""));
        withToken(token).when().get("/tasks/{id}/messages", ANY_TASK).then().statusCode(401);
    }
}
