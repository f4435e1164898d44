package dev.surge.simulator;

import static dev.surge.simulator.SimulatorTestSupport.chat;
import static dev.surge.simulator.SimulatorTestSupport.configure;
import static dev.surge.simulator.SimulatorTestSupport.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ChatCompletionsTest {

    @TestHTTPResource("/v1")
    URL baseUrl;

    private OpenAIClient client;

    @BeforeEach
    void setUp() {
        configure("{\"latency\":{\"first_token_ms\":5,\"per_token_ms\":1}}");
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl.toString()).apiKey("k").maxRetries(0).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void answerParsesWithTheOpenAiSdk() {
        ChatCompletion completion = client.chat().completions().create(params("What is Surge?", 1000));

        assertEquals("gpt-4o-mini", completion.model());
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        String content = choice.message().content().orElseThrow();
        assertTrue(content.startsWith("Simulated reply to \"What is Surge?\""), content);
        CompletionUsage usage = completion.usage().orElseThrow();
        assertEquals((content.length() + 3) / 4, usage.completionTokens());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    }

    @Test
    void streamParsesWithTheOpenAiSdkAndCarriesTheSameReplyAndUsage() {
        ChatCompletionCreateParams params = params("Stream me a reply", 1000).toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        assertEquals(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT,
                chunks.get(0).choices().get(0).delta().role().orElseThrow());
        StringBuilder text = new StringBuilder();
        chunks.stream().flatMap(chunk -> chunk.choices().stream())
                .forEach(choice -> choice.delta().content().ifPresent(text::append));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        CompletionUsage usage = last.usage().orElseThrow();
        ChatCompletionChunk.Choice finish = chunks.get(chunks.size() - 2).choices().get(0);
        assertEquals(ChatCompletionChunk.Choice.FinishReason.STOP, finish.finishReason().orElseThrow());
        assertEquals(1, chunks.stream().map(ChatCompletionChunk::id).distinct().count());

        String unstreamed = client.chat().completions().create(params("Stream me a reply", 1000))
                .choices().get(0).message().content().orElseThrow();
        assertEquals(unstreamed, text.toString());
        assertEquals((unstreamed.length() + 3) / 4, usage.completionTokens());
    }

    @Test
    void streamIsServerSentEventsEndingInDone() {
        String body = post("k", chat("raw events", 20, true)).then().statusCode(200)
                .header("Content-Type", startsWith("text/event-stream"))
                .extract().asString();
        assertTrue(body.startsWith("data: {\"id\":\"chatcmpl-"), body);
        assertTrue(body.endsWith("\n\ndata: [DONE]\n\n"), body);
        for (String event : body.split("\n\n")) {
            assertTrue(event.startsWith("data: "), event);
        }
        assertFalse(body.contains("\"usage\""), "usage chunk only on request");
    }

    @Test
    void repliesAreDeterministicAndRespectMaxTokens() {
        String first = post("k", chat("same question", null, false)).jsonPath().getString("choices[0].message.content");
        String second = post("other", chat("same question", null, false)).jsonPath().getString("choices[0].message.content");
        assertEquals(first, second);

        post("k", chat("same question", 5, false)).then().statusCode(200)
                .body("choices[0].finish_reason", equalTo("length"))
                .body("choices[0].message.content", equalTo(first.substring(0, 20)))
                .body("usage.completion_tokens", lessThanOrEqualTo(5));
    }

    @Test
    void listsModelsInOpenAiFormat() {
        given().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItem("gpt-4o-mini"))
                .body("data[0].object", equalTo("model"))
                .body("data[0].owned_by", endsWith("simulator"));
    }

    private static ChatCompletionCreateParams params(String question, long maxTokens) {
        return ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini")
                .addSystemMessage("You are terse.")
                .addUserMessage(question)
                .maxCompletionTokens(maxTokens)
                .build();
    }
}
