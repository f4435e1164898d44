package dev.surge.agent.workflow;

import java.util.List;

import dev.surge.agent.GenerationParams;

/**
 * Argument of {@link LlmActivities#complete}: the activity resolves the agent's model and system
 * prompt from configuration.
 *
 * @param agent            the agent name
 * @param params           per-task generation overrides
 * @param messages         the conversation context, oldest first, ending with the new user message
 * @param acceptedAtMillis when the conversation accepted the user message (workflow time): waiting calls are
 *                         served in this order, across conversations; 0 in histories recorded before it existed
 * @param replyId          the reply, when its text is to be streamed to a caller connected to the replica that runs
 *                         the activity ({@link ReplyStreams}); null for a reply answered whole
 * @param attempt          which of the workflow's attempts at a streamed reply this is, from 1 (each a new activity
 *                         on the replica's queue); 0 when Temporal's retries count the attempts
 * @param spentCalls       upstream calls the message's earlier attempts spent, which Temporal's heartbeat details
 *                         do not carry from one activity to the next
 */
public record CompletionRequest(String agent, GenerationParams params, List<ChatTurn> messages,
        long acceptedAtMillis, String replyId, int attempt, int spentCalls) {

    /** A request whose attempts Temporal's retries count. */
    public CompletionRequest(String agent, GenerationParams params, List<ChatTurn> messages, long acceptedAtMillis,
            String replyId) {
        this(agent, params, messages, acceptedAtMillis, replyId, 0, 0);
    }

    /** This request, answered whole, with what the streamed attempts spent. */
    public CompletionRequest whole() {
        return new CompletionRequest(agent, params, messages, acceptedAtMillis, null, 0, spentCalls);
    }

    /** This request as the workflow's streamed attempt {@code number}, after {@code spent} upstream calls. */
    public CompletionRequest streamedAttempt(int number, int spent) {
        return new CompletionRequest(agent, params, messages, acceptedAtMillis, replyId, number, spent);
    }
}
