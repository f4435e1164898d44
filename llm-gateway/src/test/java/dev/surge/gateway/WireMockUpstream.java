package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Stands in for the OpenAI-compatible upstream: WireMock on a free port, wired in as the gateway's upstream. */
public class WireMockUpstream implements QuarkusTestResourceLifecycleManager {

    /** The gateway's upstream key in tests: recognisable, so tests can prove it never leaks. */
    public static final String UPSTREAM_KEY = "sk-upstream-SECRET-5f3a9c";

    /** Marks the test field that receives the running WireMock server. */
    @Target(ElementType.FIELD)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface InjectWireMock {
    }

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().containerThreads(20));
        server.start();
        return Map.of(
                "surge.gateway.upstream.url", server.baseUrl() + "/v1",
                "surge.gateway.upstream.api-key", UPSTREAM_KEY);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectWireMock.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
