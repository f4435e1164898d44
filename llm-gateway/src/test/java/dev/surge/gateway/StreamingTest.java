package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Streams are relayed as they arrive, and retried only while the caller has not seen a byte. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class StreamingTest extends UpstreamStubbedTest {

    @Test
    void passesStreamChunksThroughInOrderAsTheyArrive() throws Exception {
        // Five pieces, 300 ms apart: a gateway that buffered the stream would hand them over all at once.
        upstream.stubFor(post(PATH).willReturn(sse().withChunkedDribbleDelay(5, 1500)));

        HttpResponse<InputStream> response = http.send(gatewayRequest(Fixtures.STREAM_REQUEST),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode(), equalTo(200));
        assertThat(response.headers().firstValue("content-type").orElseThrow(), startsWith("text/event-stream"));
        StringBuilder body = new StringBuilder();
        List<Long> arrivals = new ArrayList<>();
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[8192];
            for (int read; (read = in.read(buffer)) != -1;) {
                arrivals.add(System.nanoTime());
                body.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
            }
        }
        assertThat(body.toString(), equalTo(Fixtures.STREAM_BODY));
        Duration firstToLast = Duration.ofNanos(arrivals.get(arrivals.size() - 1) - arrivals.get(0));
        assertThat(firstToLast, greaterThanOrEqualTo(Duration.ofMillis(600)));
        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void retriesStreamThatFailsBeforeItsFirstByte() throws Exception {
        stubAnswersInTurn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.error("The server is overloaded.", "server_error", null)),
                sse());

        HttpResponse<String> response = http.send(gatewayRequest(Fixtures.STREAM_REQUEST),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode(), equalTo(200));
        assertThat(response.body(), equalTo(Fixtures.STREAM_BODY));
        upstream.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    private static ResponseDefinitionBuilder sse() {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream; charset=utf-8")
                .withBody(Fixtures.STREAM_BODY);
    }

    /** Reads SSE {@code data:} lines; shared by the tests that look at events rather than bytes. */
    static List<String> dataLines(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null;) {
                if (line.startsWith("data: ")) {
                    lines.add(line.substring("data: ".length()));
                }
            }
        }
        return lines;
    }
}
