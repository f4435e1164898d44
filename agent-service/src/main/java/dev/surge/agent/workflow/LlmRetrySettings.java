package dev.surge.agent.workflow;

/**
 * The numbers of the Temporal retry policy of LLM activities, as plain values so that they travel in
 * the workflow input (workflow code cannot read CDI configuration and must stay deterministic).
 *
 * @param maximumAttempts       attempts in all, the first included
 * @param initialIntervalMillis delay before the first retry
 * @param backoffCoefficient    growth of the delay per retry
 * @param maximumIntervalMillis cap of the delay
 */
public record LlmRetrySettings(int maximumAttempts, long initialIntervalMillis, double backoffCoefficient,
        long maximumIntervalMillis) {
}
