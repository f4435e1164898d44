package dev.surge.agent.workflow;

/**
 * Details attached to an LLM activity's application failure, read back by the workflow to explain a
 * failed reply.
 *
 * @param upstreamStatus    the gateway's HTTP status, 0 when it did not answer
 * @param retryAfterSeconds the delay the gateway asked for, 0 if none
 * @param upstreamCalls     upstream calls the message has spent, this attempt's included (0 where not counted): the
 *                          workflow's next streamed attempt starts from it
 */
public record LlmFailureDetails(int upstreamStatus, long retryAfterSeconds, int upstreamCalls) {

    /** Details of a failure that spent no counted upstream call. */
    public LlmFailureDetails(int upstreamStatus, long retryAfterSeconds) {
        this(upstreamStatus, retryAfterSeconds, 0);
    }
}
