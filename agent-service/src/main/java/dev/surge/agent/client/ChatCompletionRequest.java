package dev.surge.agent.client;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OpenAI chat completion request, as sent to llm-gateway.
 *
 * @param model       the model name
 * @param messages    the conversation, system prompt first
 * @param temperature sampling temperature, null for the model's default
 * @param maxTokens   reply length cap, null for the model's default
 * @param topP        nucleus sampling, null for the model's default
 * @param timeout     seconds llm-gateway may spend on the call, its retries included (a gateway field, not
 *                    forwarded upstream)
 * @param numRetries  upstream retries llm-gateway may make after its first attempt (a gateway field): what is
 *                    left of the message's upstream call budget
 * @param stream      true to have the reply streamed as server-sent events, null for one JSON answer
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        Double temperature,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("top_p") Double topP,
        Long timeout,
        @JsonProperty("num_retries") Integer numRetries,
        Boolean stream) {

    /** This request, its reply streamed as server-sent events. */
    public ChatCompletionRequest streamed() {
        return new ChatCompletionRequest(model, messages, temperature, maxTokens, topP, timeout, numRetries, true);
    }
}
