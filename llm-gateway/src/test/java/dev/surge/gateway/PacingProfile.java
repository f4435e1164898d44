package dev.surge.gateway;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Pacing on (the default), in an application of its own: the limits a pacing test teaches the gateway must not
 * slow down the tests that share the default application.
 */
public class PacingProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("surge.gateway.upstream.pacing", "true");
    }
}
