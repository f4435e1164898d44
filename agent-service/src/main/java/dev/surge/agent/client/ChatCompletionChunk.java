package dev.surge.agent.client;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The parts of an OpenAI {@code chat.completion.chunk} (one event of a streamed completion) that agent-service reads;
 * llm-gateway ends a stream that broke off upstream with an event holding {@code error} instead.
 *
 * @param choices the choices; agent-service uses the first
 * @param error   set when the stream broke off
 */
@JsonIgnoreProperties(ignoreUnknown = true)
// Read with an ObjectMapper from the stream's events, not as a type the REST client registers itself.
@RegisterForReflection(targets = {ChatCompletionChunk.class, ChatCompletionChunk.Choice.class,
        ChatCompletionChunk.Delta.class})
public record ChatCompletionChunk(List<Choice> choices, GatewayErrorBody.Error error) {

    /** The first choice's text delta, or null. */
    public String text() {
        return choices == null || choices.isEmpty() || choices.get(0).delta() == null ? null
                : choices.get(0).delta().content();
    }

    /** Whether the first choice says the reply is complete. */
    public boolean finished() {
        return choices != null && !choices.isEmpty() && choices.get(0).finishReason() != null;
    }

    /**
     * One choice of a chunk.
     *
     * @param delta        the text appended
     * @param finishReason why generation stopped, on the last chunk
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Choice(Delta delta, @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * Text appended by a chunk.
     *
     * @param content the text, null when the chunk carries none
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Delta(String content) {
    }
}
