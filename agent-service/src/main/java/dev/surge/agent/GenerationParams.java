package dev.surge.agent;

/**
 * Per-task overrides of the agent's generation parameters; null fields keep the agent's values.
 *
 * @param temperature sampling temperature
 * @param maxTokens   maximum tokens of a reply
 * @param topP        nucleus sampling
 */
public record GenerationParams(Double temperature, Integer maxTokens, Double topP) {

    /** No overrides. */
    public static final GenerationParams NONE = new GenerationParams(null, null, null);
}
