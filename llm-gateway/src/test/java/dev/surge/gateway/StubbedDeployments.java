package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for several deployments with one WireMock: deployment {@code x} is {@code <wiremock>/x/v1}, with the key
 * {@code sk-x-SECRET}. The deployments are named by the init argument {@value #DEPLOYMENTS}, comma-separated; the
 * running server goes to the test field marked {@link WireMockUpstream.InjectWireMock}.
 */
public class StubbedDeployments implements QuarkusTestResourceLifecycleManager {

    /** The init argument listing the deployments to stand in for. */
    static final String DEPLOYMENTS = "deployments";

    private List<String> names = List.of();
    private WireMockServer server;

    /** The path a deployment's chat completions arrive at. */
    static String path(String deployment) {
        return "/" + deployment + "/v1/chat/completions";
    }

    /** The key a deployment is configured with. */
    static String key(String deployment) {
        return "sk-" + deployment + "-SECRET";
    }

    @Override
    public void init(Map<String, String> initArgs) {
        names = List.of(initArgs.get(DEPLOYMENTS).split(","));
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().containerThreads(20));
        server.start();
        Map<String, String> config = new HashMap<>();
        for (String name : names) {
            config.put("surge.gateway.deployments." + name + ".url", server.baseUrl() + "/" + name + "/v1");
            config.put("surge.gateway.deployments." + name + ".api-key", key(name));
        }
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(
                WireMockUpstream.InjectWireMock.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
