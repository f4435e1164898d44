package dev.surge.gateway;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An answer whose length the upstream announced is passed on whole with that length, not chunked, even when it
 * arrives in several reads; a stream stays chunked whatever the upstream announced.
 */
@QuarkusTest
@WithTestResource(FixedLengthUpstream.class)
class FixedLengthAnswerTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/v1/chat/completions")
    URI chatCompletions;

    @Test
    void passesAnAnswerOfAnnouncedLengthOnWithThatLength() throws Exception {
        HttpResponse<String> response = http.send(request(Fixtures.CHAT_REQUEST), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode(), equalTo(200));
        assertThat(response.body(), equalTo(FixedLengthUpstream.ANSWER));
        assertThat(response.headers().firstValue("content-length"),
                equalTo(Optional.of(Integer.toString(FixedLengthUpstream.ANSWER.getBytes(StandardCharsets.UTF_8).length))));
        assertThat(response.headers().firstValue("transfer-encoding"), equalTo(Optional.empty()));
    }

    @Test
    void keepsAStreamChunkedWhateverTheUpstreamAnnounced() throws Exception {
        HttpResponse<String> response = http.send(request(Fixtures.STREAM_REQUEST), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode(), equalTo(200));
        assertThat(response.body(), equalTo(FixedLengthUpstream.ANSWER));
        assertThat(response.headers().firstValue("transfer-encoding"), equalTo(Optional.of("chunked")));
        assertThat(response.headers().firstValue("content-length"), equalTo(Optional.empty()));
    }

    private HttpRequest request(String body) {
        return Fixtures.gatewayRequest(chatCompletions, body);
    }
}
