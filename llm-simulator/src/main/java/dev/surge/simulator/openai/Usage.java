package dev.surge.simulator.openai;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Token counts of one completion (about four characters a token).
 *
 * @param promptTokens tokens of the request's messages
 * @param completionTokens tokens of the reply
 * @param totalTokens their sum
 */
@RegisterForReflection
public record Usage(@JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("completion_tokens") long completionTokens,
        @JsonProperty("total_tokens") long totalTokens) {

    public Usage(long promptTokens, long completionTokens) {
        this(promptTokens, completionTokens, promptTokens + completionTokens);
    }
}
