package dev.surge.simulator.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One {@code chat.completion.chunk} event of a stream. With {@code stream_options.include_usage} a last
 * chunk with no choices carries the counts, as OpenAI does.
 *
 * @param id completion id, the same for every chunk of a stream
 * @param object always {@code chat.completion.chunk}
 * @param created Unix seconds
 * @param model the model the request named
 * @param systemFingerprint a fixed fingerprint
 * @param choices one choice, or none in the usage chunk
 * @param usage the counts on the usage chunk, absent on the others
 */
@RegisterForReflection
public record ChatCompletionChunk(String id, String object, long created, String model,
        @JsonProperty("system_fingerprint") String systemFingerprint, List<Choice> choices,
        @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {

    /**
     * @param index always 0
     * @param delta what this chunk adds
     * @param logprobs always null
     * @param finishReason null until the last content chunk
     */
    @RegisterForReflection
    public record Choice(int index, Delta delta, Object logprobs, @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * @param role {@code assistant} in the first chunk, absent after
     * @param content a piece of the reply, absent in the last chunk
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content) {
    }
}
