package dev.surge.agent.workflow;

/**
 * Details attached to an LLM activity's application failure, read back by the workflow to explain a
 * failed reply.
 *
 * @param upstreamStatus    the gateway's HTTP status, 0 when it did not answer
 * @param retryAfterSeconds the delay the gateway asked for, 0 if none
 */
public record LlmFailureDetails(int upstreamStatus, long retryAfterSeconds) {
}
