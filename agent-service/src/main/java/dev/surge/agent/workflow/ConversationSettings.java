package dev.surge.agent.workflow;

/**
 * Configuration a conversation workflow needs, captured from CDI config when the task is created and
 * carried across continue-as-new.
 *
 * @param retry                 the LLM activity retry policy numbers
 * @param activityTimeoutMillis start-to-close timeout of one LLM activity attempt
 * @param contextMessages       how many recent messages are sent to the model as context
 * @param maxMessagesPerRun     continue-as-new after this many messages in one run, even if Temporal
 *                              has not suggested it yet
 * @param maxContentLength      longest accepted user message, in characters
 * @param idleTimeoutMillis     the conversation ends after this long without a message; 0 never
 * @param heartbeatTimeoutMillis heartbeat timeout of one LLM activity attempt: a worker that died mid-reply is
 *                              noticed after this long and the reply retried elsewhere; 0 (histories recorded
 *                              before it existed) sets none
 * @param streamPickupMillis     how long a streamed reply's LLM activity may wait for the caller's replica to pick it
 *                              up before the reply is written on the shared queue, unstreamed; 0 (tasks created
 *                              before streaming) streams nothing
 */
public record ConversationSettings(LlmRetrySettings retry, long activityTimeoutMillis, int contextMessages,
        int maxMessagesPerRun, int maxContentLength, long idleTimeoutMillis, long heartbeatTimeoutMillis,
        long streamPickupMillis) {

    /** Settings of a conversation whose replies are never streamed. */
    public ConversationSettings(LlmRetrySettings retry, long activityTimeoutMillis, int contextMessages,
            int maxMessagesPerRun, int maxContentLength, long idleTimeoutMillis, long heartbeatTimeoutMillis) {
        this(retry, activityTimeoutMillis, contextMessages, maxMessagesPerRun, maxContentLength, idleTimeoutMillis,
                heartbeatTimeoutMillis, 0);
    }
}
