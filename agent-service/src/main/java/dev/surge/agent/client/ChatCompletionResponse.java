package dev.surge.agent.client;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The parts of an OpenAI {@code chat.completion} that agent-service reads.
 *
 * @param id      completion id
 * @param model   the model that answered
 * @param choices the choices; agent-service uses the first
 * @param usage   token counts
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionResponse(String id, String model, List<Choice> choices, Usage usage) {

    /** The first choice's text, or null when there is none. */
    public String firstContent() {
        if (choices == null || choices.isEmpty() || choices.get(0).message() == null) {
            return null;
        }
        return choices.get(0).message().content();
    }

    /**
     * One choice.
     *
     * @param index        its index
     * @param message      the assistant message
     * @param finishReason why generation stopped
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Choice(int index, ChatMessage message, @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * Token counts.
     *
     * @param promptTokens     tokens in the prompt
     * @param completionTokens tokens in the reply
     * @param totalTokens      both
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {
    }
}
