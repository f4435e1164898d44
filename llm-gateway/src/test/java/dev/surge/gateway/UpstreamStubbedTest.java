package dev.surge.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;

import org.junit.jupiter.api.BeforeEach;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.surge.gateway.WireMockUpstream.InjectWireMock;
import io.quarkus.test.common.http.TestHTTPResource;

/** What the tests against a WireMock upstream share: the stub server, reset before each test, and the endpoint. */
abstract class UpstreamStubbedTest {

    /** The endpoint, the same path on the gateway and upstream. */
    static final String PATH = "/v1/chat/completions";

    @InjectWireMock
    WireMockServer upstream;

    @TestHTTPResource(PATH)
    URI chatCompletions;

    /** For tests that need java.net.http (streams, concurrency); HTTP/1.1 as OpenAI's SDKs speak it. */
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void resetUpstream() {
        upstream.resetAll();
    }

    /** A call to the gateway with the dev key. */
    HttpRequest gatewayRequest(String body) {
        return HttpRequest.newBuilder(chatCompletions)
                .header("Authorization", "Bearer " + Fixtures.GATEWAY_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
