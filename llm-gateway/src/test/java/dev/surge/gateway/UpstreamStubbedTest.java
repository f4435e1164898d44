package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.post;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;

import org.junit.jupiter.api.BeforeEach;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

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

    /** Makes the upstream give these answers to successive calls, the last one to every call after. */
    void stubAnswersInTurn(ResponseDefinitionBuilder... answers) {
        for (int i = 0; i < answers.length; i++) {
            ScenarioMappingBuilder call = post(PATH).inScenario("answers")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i);
            if (i < answers.length - 1) {
                call = call.willSetStateTo("answer " + (i + 1));
            }
            upstream.stubFor(call.willReturn(answers[i]));
        }
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
