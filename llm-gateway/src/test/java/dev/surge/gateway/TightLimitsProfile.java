package dev.surge.gateway;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A gateway with room for two calls in flight and a 100 ms queue, to see it shed load. */
public class TightLimitsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "surge.gateway.max-in-flight", "2",
                "surge.gateway.queue-timeout", "100ms");
    }
}
