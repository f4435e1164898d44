package dev.surge.agent.rest;

import java.time.Duration;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

/**
 * Requests as the tests' callers: bearer JWTs signed with the test key pair (src/test/resources/test-jwt, configured
 * under %test), every answer checked by {@link NoInternalsFilter}.
 */
final class Api {

    /** The tenant of every test caller unless a test says otherwise. */
    static final String TENANT = "acme";
    /** The caller of tests that are not about who calls. */
    static final String TESTER = "tester";

    private Api() {
    }

    /** A request as {@link #TESTER}. */
    static RequestSpecification given() {
        return as(TESTER);
    }

    /** A request as {@code subject} of {@link #TENANT}. */
    static RequestSpecification as(String subject) {
        return withToken(token(subject, TENANT));
    }

    /** A request carrying {@code token} as its bearer token. */
    static RequestSpecification withToken(String token) {
        return anonymous().auth().oauth2(token);
    }

    /** A request without credentials, its answer still checked. */
    static RequestSpecification anonymous() {
        return RestAssured.given().filter(NoInternalsFilter.INSTANCE);
    }

    /** A valid token of {@code subject} in {@code tenant}, for an hour. */
    static String token(String subject, String tenant) {
        return Jwt.subject(subject).claim("tenant", tenant).expiresIn(Duration.ofHours(1)).sign();
    }
}
