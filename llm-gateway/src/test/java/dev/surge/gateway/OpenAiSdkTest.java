package dev.surge.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The official OpenAI Java SDK, pointed at the gateway, works as it would against OpenAI. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class OpenAiSdkTest extends UpstreamStubbedTest {

    private static final ChatCompletionCreateParams PARAMS = ChatCompletionCreateParams.builder()
            .model("gpt-4o-mini")
            .addUserMessage("Say hello")
            .build();

    @TestHTTPResource("/v1")
    URI gateway;

    private OpenAIClient client;

    @BeforeEach
    void setUp() {
        // No SDK retries: the gateway owns them, and the hit counts below stay exact.
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.toString()).apiKey(Fixtures.GATEWAY_KEY).maxRetries(0)
                .build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void completesChat() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.COMPLETION)));

        ChatCompletion completion = client.chat().completions().create(PARAMS);

        assertThat(completion.choices().get(0).message().content().orElseThrow(),
                equalTo("Hello! How can I help you today?"));
        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void streamsChat() {
        upstream.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(Fixtures.STREAM_BODY)));

        String text;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(PARAMS)) {
            text = stream.stream()
                    .flatMap(chunk -> chunk.choices().stream())
                    .flatMap(choice -> choice.delta().content().stream())
                    .collect(Collectors.joining());
        }

        assertThat(text, equalTo(String.join("", Fixtures.STREAM_DELTAS)));
        upstream.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }
}
