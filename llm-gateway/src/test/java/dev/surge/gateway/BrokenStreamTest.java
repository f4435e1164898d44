package dev.surge.gateway;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** A stream that breaks after its first byte reached the caller ends with an error event and is not retried. */
@QuarkusTest
@WithTestResource(BreakingUpstream.class)
class BrokenStreamTest {

    @TestHTTPResource("/v1/chat/completions")
    URI chatCompletions;

    @Test
    void endsStreamBrokenMidwayWithAnErrorEventWithoutRetrying() throws Exception {
        int before = BreakingUpstream.CALLS.get();
        HttpRequest request = Fixtures.gatewayRequest(chatCompletions, Fixtures.STREAM_REQUEST);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> response = http.send(request,
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode(), equalTo(200));
        List<String> events = StreamingTest.dataLines(response.body());
        assertThat(events, hasSize(2));
        assertThat(new JsonObject(events.get(0)).getString("object"), equalTo("chat.completion.chunk"));
        assertThat(new JsonObject(events.get(1)).getJsonObject("error").getString("code"),
                equalTo("upstream_stream_interrupted"));
        assertThat(BreakingUpstream.CALLS.get() - before, equalTo(1));
    }
}
