package dev.surge.simulator.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A non-streamed {@code chat.completion} answer.
 *
 * @param id completion id
 * @param object always {@code chat.completion}
 * @param created Unix seconds
 * @param model the model the request named
 * @param choices one choice
 * @param usage token counts
 * @param systemFingerprint a fixed fingerprint
 */
@RegisterForReflection
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
        @JsonProperty("system_fingerprint") String systemFingerprint) {

    /**
     * @param index always 0
     * @param message the reply
     * @param logprobs always null
     * @param finishReason {@code stop} or {@code length}
     */
    @RegisterForReflection
    public record Choice(int index, Message message, Object logprobs, @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * @param role always {@code assistant}
     * @param content the reply text
     * @param refusal always null
     */
    @RegisterForReflection
    public record Message(String role, String content, String refusal) {
    }
}
