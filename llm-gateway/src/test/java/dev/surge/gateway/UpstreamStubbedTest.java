package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.post;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

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
        stubAnswersInTurn(upstream, PATH, answers);
    }

    /** Makes {@code server} give these answers to successive calls of {@code path}, the last one to every call after. */
    static void stubAnswersInTurn(WireMockServer server, String path, ResponseDefinitionBuilder... answers) {
        for (int i = 0; i < answers.length; i++) {
            ScenarioMappingBuilder call = post(path).inScenario(path)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i);
            if (i < answers.length - 1) {
                call = call.willSetStateTo("answer " + (i + 1));
            }
            server.stubFor(call.willReturn(answers[i]));
        }
    }

    /** The time between consecutive upstream attempts, as WireMock logged them; asserts how many there were. */
    List<Duration> gapsBetweenAttempts(int expectedAttempts) {
        List<ServeEvent> events = upstream.getAllServeEvents().stream()
                .sorted(Comparator.comparing(event -> event.getRequest().getLoggedDate()))
                .toList();
        assertThat(events, hasSize(expectedAttempts));
        return IntStream.range(1, events.size())
                .mapToObj(i -> Duration.ofMillis(events.get(i).getRequest().getLoggedDate().getTime()
                        - events.get(i - 1).getRequest().getLoggedDate().getTime()))
                .toList();
    }

    /** A call to the gateway with the dev key. */
    HttpRequest gatewayRequest(String body) {
        return Fixtures.gatewayRequest(chatCompletions, body);
    }
}
