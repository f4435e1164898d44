package dev.surge.gateway;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A retry budget of 20 % of first attempts and no free retries per second, and a breaker that does not open in a
 * short test, so that what refuses retries is the budget alone.
 */
public class RetryBudgetProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "surge.gateway.retry-budget.ratio", "0.2",
                "surge.gateway.retry-budget.min-per-second", "0",
                "surge.gateway.retry-budget.window", "60s",
                "surge.gateway.breaker.window", "1000");
    }
}
