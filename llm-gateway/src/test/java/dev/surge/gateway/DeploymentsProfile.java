package dev.surge.gateway;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A gateway with several models, each over deployments of its own (so that what one test teaches a deployment
 * does not steer another test's calls), stubbed by {@link StubbedDeployments}; {@code st-broken} is a
 * {@link BreakingUpstream}. Breakers open after 5 failures in a row and stay open 2 s.
 */
public class DeploymentsProfile implements QuarkusTestProfile {

    /** The WireMock deployments. */
    static final List<String> STUBBED = List.of("cap-a", "cap-b", "pause-a", "pause-b", "probe-a", "probe-b",
            "cool-a", "cool-b", "fb-main", "fb-backup", "pm-a", "st-a", "st-b", "st-c", "ce-a", "ce-b", "tiny", "small",
            "large", "nf-a", "nf-b", "slow");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("surge.gateway.breaker.window", "5"),
                Map.entry("surge.gateway.breaker.failure-ratio", "1.0"),
                Map.entry("surge.gateway.breaker.delay", "2s"),
                Map.entry("surge.gateway.models.capacity.deployments", "cap-a,cap-b"),
                Map.entry("surge.gateway.deployments.cap-a.weight", "2"),
                Map.entry("surge.gateway.models.pause.deployments", "pause-a,pause-b"),
                Map.entry("surge.gateway.deployments.pause-a.weight", "2"),
                Map.entry("surge.gateway.models.probe.deployments", "probe-a,probe-b"),
                Map.entry("surge.gateway.deployments.probe-a.weight", "2"),
                Map.entry("surge.gateway.models.cooling.deployments", "cool-a,cool-b"),
                Map.entry("surge.gateway.models.main.deployments", "fb-main"),
                Map.entry("surge.gateway.models.main.fallbacks", "backup"),
                Map.entry("surge.gateway.models.backup.deployments", "fb-backup"),
                Map.entry("surge.gateway.models.paused.deployments", "pm-a"),
                Map.entry("surge.gateway.models.paused.fallbacks", "backup"),
                Map.entry("surge.gateway.models.stream.deployments", "st-a,st-b"),
                Map.entry("surge.gateway.deployments.st-a.weight", "2"),
                Map.entry("surge.gateway.models.broken.deployments", "st-broken,st-c"),
                Map.entry("surge.gateway.deployments.st-broken.weight", "2"),
                Map.entry("surge.gateway.models.strict.deployments", "ce-a,ce-b"),
                Map.entry("surge.gateway.deployments.ce-a.weight", "2"),
                Map.entry("surge.gateway.models.tiny.deployments", "tiny"),
                Map.entry("surge.gateway.models.sized.deployments", "small,large"),
                Map.entry("surge.gateway.deployments.small.weight", "2"),
                Map.entry("surge.gateway.deployments.small.tpm", "1000"),
                Map.entry("surge.gateway.models.never.deployments", "nf-a,nf-b"),
                Map.entry("surge.gateway.models.slow.deployments", "slow"),
                Map.entry("surge.gateway.deployments.nf-a.tpm", "1000"),
                Map.entry("surge.gateway.deployments.nf-b.tpm", "1500"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(
                new TestResourceEntry(StubbedDeployments.class,
                        Map.of(StubbedDeployments.DEPLOYMENTS, String.join(",", STUBBED))),
                new TestResourceEntry(BreakingUpstream.class, Map.of(BreakingUpstream.DEPLOYMENT, "st-broken")));
    }
}
