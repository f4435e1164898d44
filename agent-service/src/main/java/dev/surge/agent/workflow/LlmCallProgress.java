package dev.surge.agent.workflow;

/**
 * Heartbeat details of an LLM activity: what the message has spent so far. Temporal hands the last heartbeat's
 * details to the next attempt, so the upstream call budget holds across attempts and workers.
 *
 * @param upstreamCalls upstream calls made for the message by earlier attempts (as the gateway counted them)
 */
public record LlmCallProgress(int upstreamCalls) {

    /** Nothing spent yet. */
    public static final LlmCallProgress NONE = new LlmCallProgress(0);
}
